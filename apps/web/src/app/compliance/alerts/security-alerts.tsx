'use client';

import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

const KIND_LABEL: Record<string, string> = {
  repeated_sign_in_failures: 'Repeated sign-in failures',
  repeated_code_failures: 'Repeated code failures',
};

function when(d: string | Date): string {
  const date = new Date(d);
  return Number.isNaN(date.getTime())
    ? String(d)
    : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

function detailText(d: unknown): string {
  if (d === null || d === undefined) return '—';
  if (typeof d === 'string') return d;
  return Object.entries(d as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function SecurityAlerts() {
  const alerts = api.compliance.securityAlerts.useQuery(undefined, { retry: false, refetchInterval: 30_000 });
  if (alerts.isPending) return <p className="muted">Loading alerts…</p>;
  if (alerts.error) {
    const p = problemsOf(alerts.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer or administrator" message={p.message} />;
    return (
      <p className="notice bad" role="alert">
        Could not load the alerts: {p.message}
      </p>
    );
  }
  const rows = alerts.data;
  return (
    <>
      <p className="live-note" aria-live="polite">
        {rows.length === 0 ? 'No security alerts.' : `${rows.length} alert${rows.length === 1 ? '' : 's'}.`}{' '}
        Updated every 30 seconds.
      </p>
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="stack">
            <caption className="visually-hidden">Security alerts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Kind</th>
                <th scope="col">Count</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.alertId}>
                  <th scope="row" className="num">
                    {when(a.raisedAt)}
                  </th>
                  <td data-label="Kind">
                    <span className="badge unknown">{KIND_LABEL[a.kind] ?? a.kind.replace(/_/g, ' ')}</span>
                  </td>
                  <td data-label="Count" className="num">
                    {a.count}
                  </td>
                  <td data-label="Detail" className="break">
                    {detailText(a.detail)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
