'use client';

import { useId, useState } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';
import { MinorDecision } from './minor-decision';
import styles from './requests.module.css';

type Status = 'open' | 'closed' | 'all';

function day(iso: string): string {
  return iso.slice(0, 10);
}

function ComplaintText({ requestId }: { requestId: string }) {
  const [open, setOpen] = useState(false);
  const q = api.compliance.complaint.useQuery({ requestId }, { enabled: open, retry: false });
  if (!open)
    return (
      <button type="button" className="button secondary small" onClick={() => setOpen(true)}>
        Read the complaint
      </button>
    );
  if (q.error) return <span role="alert">{problemsOf(q.error).message}</span>;
  if (!q.data) return <span>Loading…</span>;
  return (
    <span className={styles.complaint} data-testid="complaint-text">
      {q.data.text ?? '(erased)'}
    </span>
  );
}

const REASONS = {
  manifestly_unfounded: 'Manifestly unfounded or excessive',
  identity_not_confirmed: 'Identity could not be confirmed',
  not_applicable: 'The right does not apply',
} as const;
type Reason = keyof typeof REASONS;

/** Refusing needs one of the reasons the law allows, chosen on purpose (folded away by default). */
function Refuse({ disabled, onRefuse }: { disabled: boolean; onRefuse: (reason: Reason) => void }) {
  const [reason, setReason] = useState<Reason>('not_applicable');
  const id = useId();
  return (
    <details className={styles.refuse}>
      <summary>Refuse…</summary>
      <label htmlFor={id}>Reason</label>
      <select id={id} className="input" value={reason} onChange={(e) => setReason(e.target.value as Reason)}>
        {Object.entries(REASONS).map(([k, v]) => (
          <option key={k} value={k}>
            {v}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button secondary small"
        disabled={disabled}
        onClick={() => onRefuse(reason)}
      >
        Refuse the request
      </button>
    </details>
  );
}

export function RequestQueue() {
  const [status, setStatus] = useState<Status>('open');
  const utils = api.useUtils();
  const requests = api.compliance.requests.useQuery({ status }, { retry: false });
  const handle = api.compliance.handleRequest.useMutation({
    onSuccess: () => void utils.compliance.requests.invalidate(),
  });
  if (requests.error) {
    const p = problemsOf(requests.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer or administrator" message={p.message} />;
  }
  const rows = requests.data ?? [];
  const overdue = rows.filter((r) => r.overdue).length;
  return (
    <section aria-labelledby="queue-title" className="section-block">
      <h2 id="queue-title">Requests</h2>
      <div className="field">
        <label htmlFor="rq-status">Show</label>
        <select
          id="rq-status"
          className="input"
          value={status}
          onChange={(e) => setStatus(e.target.value as Status)}
        >
          <option value="open">Open, most urgent first</option>
          <option value="closed">Closed, newest first</option>
          <option value="all">All</option>
        </select>
      </div>
      {requests.error ? (
        <p className="notice bad" role="alert">
          Could not load the requests: {problemsOf(requests.error).message}
        </p>
      ) : null}
      {handle.error ? (
        <p className="notice bad" role="alert">
          Could not update the request: {problemsOf(handle.error).message}
        </p>
      ) : null}
      <p className="live-note" aria-live="polite">
        {requests.isPending
          ? 'Loading requests…'
          : rows.length === 0
            ? 'No requests here.'
            : `${rows.length} request${rows.length === 1 ? '' : 's'}${overdue > 0 ? `, ${overdue} overdue` : ''}.`}
      </p>
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="stack" data-testid="requests-table" aria-labelledby="queue-title">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Received</th>
                <th scope="col">Due</th>
                <th scope="col">Status</th>
                <th scope="col">Handled by</th>
                <th scope="col">Person (id)</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.requestId} className={r.overdue ? styles.overdue : undefined}>
                  <th scope="row">{r.kindLabel}</th>
                  <td data-label="Received" className="num">
                    {day(r.receivedAt)}
                  </td>
                  <td data-label="Due" className="num">
                    {day(r.dueAt)}
                    {r.overdue ? <span className={styles.overdueTag}>Overdue</span> : null}
                  </td>
                  <td data-label="Status">
                    {r.status === 'refused' ? `refused (${(r.refusal ?? '').replace(/_/g, ' ')})` : r.status}
                  </td>
                  <td data-label="Handled by" className="break">
                    {r.handledBy === null
                      ? '—'
                      : r.handledBy === 'system'
                        ? 'the product, at once'
                        : r.handledBy}
                  </td>
                  <td data-label="Person (id)" className="break">
                    {r.subjectId}
                  </td>
                  <td data-label="Action">
                    {r.kind === 'complaint' ? <ComplaintText requestId={r.requestId} /> : null}
                    {r.status === 'received' && r.kind === 'minor_report' ? (
                      <MinorDecision
                        requestId={r.requestId}
                        onDone={() => void utils.compliance.requests.invalidate()}
                      />
                    ) : r.status === 'received' ? (
                      <>
                        <button
                          type="button"
                          className="button small"
                          disabled={handle.isPending}
                          onClick={() => handle.mutate({ requestId: r.requestId, outcome: 'completed' })}
                        >
                          Mark handled
                        </button>
                        <Refuse
                          disabled={handle.isPending}
                          onRefuse={(reason) =>
                            handle.mutate({ requestId: r.requestId, outcome: 'refused', reason })
                          }
                        />
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
