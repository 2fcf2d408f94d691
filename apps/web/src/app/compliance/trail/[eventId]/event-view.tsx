'use client';

import Link from 'next/link';
import { AccessNeeded } from '../../../../components/auth/access-needed';
import { api } from '../../../../components/auth/api';
import { problemsOf } from '../../../../components/forms';

function when(iso: string): string {
  return iso.replace('T', ' ').replace('Z', ' UTC');
}

/** One event in full; opening it is recorded on the server, so it is fetched once and never refetched. */
export function EventView({ eventId }: { eventId: string }) {
  const q = api.compliance.openEvent.useQuery(
    { eventId },
    { retry: false, staleTime: Infinity, refetchOnWindowFocus: false, refetchOnReconnect: false },
  );
  const back = (
    <p>
      <Link href="/compliance/trail">← Back to the audit trail</Link>
    </p>
  );
  if (q.error) {
    const p = problemsOf(q.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer or administrator" message={p.message} />;
    return (
      <>
        {back}
        <h1>Event not shown</h1>
        <p className="notice bad" role="alert">
          {p.code === 'NOT_FOUND' || p.code === 'BAD_REQUEST' ? 'No event has this id.' : p.message}
        </p>
      </>
    );
  }
  const e = q.data;
  if (!e)
    return (
      <>
        {back}
        <p aria-live="polite">Loading the event…</p>
      </>
    );
  const redacted = e.fields.some((f) => f.redacted);
  return (
    <>
      {back}
      <span className="eyebrow">Compliance · audit trail</span>
      <h1>
        Event #{e.globalPosition}: {e.type}
      </h1>
      <p className="lead">
        This view was recorded in the audit trail (which event you opened, not the values shown). Personal
        values are decrypted only while the person exists; after erasure they are gone for good.
      </p>
      <section aria-labelledby="where-title" className="section-block">
        <h2 id="where-title">Where it sits in the log</h2>
        <dl className="break" data-testid="event-where">
          <dt>Event id</dt>
          <dd>{e.eventId}</dd>
          <dt>Schema version</dt>
          <dd>
            v{e.schemaVersion}
            {e.schemaVersion !== e.currentSchemaVersion ? ` (shown as v${e.currentSchemaVersion})` : ''}
          </dd>
          <dt>Stream</dt>
          <dd>
            {e.streamId} at version {e.streamVersion}
          </dd>
          <dt>Position / transaction</dt>
          <dd>
            #{e.globalPosition} / {e.transactionId}
          </dd>
          <dt>Recorded</dt>
          <dd>{when(e.recordedAt)}</dd>
          <dt>Hash chain</dt>
          <dd>
            {e.chain
              ? `entry ${e.chain.seq}, sealed ${when(e.chain.sealedAt)}; hash ${e.chain.hash} (previous ${e.chain.prevHash})`
              : 'not sealed yet'}
          </dd>
        </dl>
      </section>
      <section aria-labelledby="meta-title" className="section-block">
        <h2 id="meta-title">Who and why</h2>
        <dl className="break">
          <dt>Happened</dt>
          <dd>{e.occurredAt ? when(e.occurredAt) : '—'}</dd>
          <dt>By</dt>
          <dd>{e.actor ? `${e.actor.kind} ${e.actor.id}` : '—'}</dd>
          <dt>Correlation id</dt>
          <dd>{e.correlationId ?? '—'}</dd>
          <dt>Caused by</dt>
          <dd>{e.causationId ?? '—'}</dd>
          {e.otherMetadata.length > 0 ? (
            <>
              <dt>Other metadata</dt>
              <dd>{e.otherMetadata.join(', ')}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section aria-labelledby="fields-title" className="section-block">
        <h2 id="fields-title">Fields</h2>
        {redacted ? (
          <p className="notice" data-testid="event-redacted">
            The person this event is about was erased: their personal fields can no longer be read.
          </p>
        ) : null}
        <div className="table-wrap">
          <table className="stack" data-testid="event-fields" aria-labelledby="fields-title">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Kind</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {e.fields.map((f) => (
                <tr key={f.name}>
                  <th scope="row" className="break">
                    {f.name}
                  </th>
                  <td data-label="Kind">{f.personal ? 'personal' : 'not personal'}</td>
                  <td data-label="Value" className="break">
                    {f.redacted ? (
                      <em>redacted (erased)</em>
                    ) : (
                      <>
                        <code>{f.value}</code>
                        {f.truncated ? ' (cut short)' : ''}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
