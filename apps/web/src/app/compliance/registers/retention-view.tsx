'use client';

import { api } from '../../../components/auth/api';
import { DataTable } from '../../../components/data-table';
import { problemsOf } from '../../../components/forms';

/**
 * Retention per data category (P18): the configuration in force — the same rows the privacy notice shows, with
 * how each is enforced — and the retention job's last runs that did something (a projection of its events).
 */
export function RetentionView() {
  const q = api.registers.retention.useQuery(undefined, { retry: false });
  if (q.error) {
    const p = problemsOf(q.error);
    // Access is explained once, above, by the registers.
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN') return null;
    return (
      <p className="notice bad" role="alert">
        {p.message}
      </p>
    );
  }
  if (!q.data) return <p aria-live="polite">Loading the retention configuration…</p>;
  const { rows, runs } = q.data;
  return (
    <section aria-labelledby="retention-title" className="section-block">
      <h2 id="retention-title">Retention</h2>
      <p>
        How long each category of data is kept, from the configuration the worker&apos;s retention job
        enforces (set by environment variables; the privacy notice&apos;s table is generated from the same
        rows).
      </p>
      <DataTable
        caption="Retention configuration in force"
        columns={['Data', 'How long', 'Enforced by']}
        rows={rows.map((r) => [r.data, r.howLong, r.enforcedBy])}
      />
      <h3>Last runs of the retention job</h3>
      {runs.length === 0 ? (
        <p>No run has expired anything yet (runs that find nothing due are not recorded).</p>
      ) : (
        <DataTable
          caption="Runs that expired, warned or deferred something, newest first"
          columns={[
            'Finished',
            'Sessions deleted',
            'Accounts warned',
            'Accounts erased',
            'Request records expired',
            'Deferred',
          ]}
          rows={runs.map((r) => [
            r.finishedAt.slice(0, 16).replace('T', ' '),
            String(r.sessionsExpired),
            String(r.accountsWarned),
            String(r.accountsErased),
            String(r.requestsExpired),
            String(r.deferred),
          ])}
        />
      )}
    </section>
  );
}
