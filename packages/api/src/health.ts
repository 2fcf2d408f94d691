import { healthReport, type HealthReport } from '@tia/db';
import type { Sql } from 'postgres';
import type { Logger } from './log.js';

const DB_UNAVAILABLE = 'Database unavailable.';
const CONSUMER_ERROR = 'Consumer reported an error (details in the server log).';

/**
 * The health report as the public may see it: same shape, but driver and consumer error texts
 * (host names, user names, SQL) are replaced by generic ones and only logged.
 */
export function redactHealth(report: HealthReport, log: Logger): HealthReport {
  if (report.database.error) log.warn('health: database check failed', { error: report.database.error });
  for (const c of report.transport.consumers) {
    if (c.lastError) log.warn('health: consumer error', { consumer: c.name, error: c.lastError });
  }
  return {
    ...report,
    database: { ...report.database, ...(report.database.error ? { error: DB_UNAVAILABLE } : {}) },
    transport: {
      ...report.transport,
      consumers: report.transport.consumers.map((c) => ({
        ...c,
        lastError: c.lastError ? CONSUMER_ERROR : null,
      })),
    },
  };
}

export async function publicHealth(sql: Sql, log: Logger): Promise<HealthReport> {
  return redactHealth(await healthReport(sql), log);
}

export type { HealthReport };
