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

/** How long one public health answer is reused: any request rate costs at most one cheap check per period. */
export const PUBLIC_HEALTH_TTL_MS = 1_000;

const cache = new WeakMap<Sql, { at: number; report: Promise<HealthReport> }>();

/**
 * Health for anyone (load balancers, the status page): O(consumers) index reads (lag estimated from
 * positions, see `healthReport`), computed at most once per PUBLIC_HEALTH_TTL_MS per pool and shared by every
 * caller in that time (single flight), error texts redacted. Exact figures: `staffHealth`.
 */
export async function publicHealth(sql: Sql, log: Logger, now = Date.now()): Promise<HealthReport> {
  const hit = cache.get(sql);
  if (hit && now - hit.at < PUBLIC_HEALTH_TTL_MS) return hit.report;
  const report = healthReport(sql).then((r) => redactHealth(r, log));
  cache.set(sql, { at: now, report });
  report.catch(() => cache.delete(sql));
  return report;
}

/** Exact lag (counts past each checkpoint) and the consumers' own error texts: for staff with MFA only. */
export async function staffHealth(sql: Sql): Promise<HealthReport> {
  return healthReport(sql, { exactLag: true });
}

export type { HealthReport };
