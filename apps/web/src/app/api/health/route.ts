import { publicHealth, type HealthReport } from '@tia/api';
import { getSql } from '../../../server/db';
import { requestScope } from '../../../server/request';

export const dynamic = 'force-dynamic';

/** Liveness/readiness for load balancers and the status page: 200 when healthy, 503 otherwise. */
export async function GET(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/health');
  let report: HealthReport;
  try {
    report = await publicHealth(getSql(), scope.log);
  } catch (error) {
    // e.g. misconfiguration: still answer in the documented shape, detail only in the log.
    scope.log.error('health check failed', { error });
    report = {
      ok: false,
      database: { ok: false, latencyMs: 0, migrationsApplied: 0, error: 'Database unavailable.' },
      transport: { mode: 'unknown', ok: false, consumers: [] },
    };
  }
  const status = report.ok ? 200 : 503;
  scope.done(status, { databaseOk: report.database.ok, transportOk: report.transport.ok });
  return Response.json(report, {
    status,
    headers: { 'cache-control': 'no-store', 'x-request-id': scope.requestId },
  });
}
