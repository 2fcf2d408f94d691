'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';
import { ExportTrail } from './export-trail';

interface Filter {
  subjectId?: string;
  type?: string;
  streamPrefix?: string;
  correlationId?: string;
  from?: string;
  to?: string;
}

function when(iso: string): string {
  return iso.replace('T', ' ').replace('Z', ' UTC');
}

/** A `datetime-local` value (the browser's local time) as an ISO instant; blank stays unset. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function filterOf(form: HTMLFormElement): Filter {
  const data = new FormData(form);
  const text = (name: string) => {
    const v = data.get(name);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const f: Filter = {};
  const set = (k: keyof Filter, v: string | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('subjectId', text('subjectId'));
  set('type', text('type'));
  set('streamPrefix', text('streamPrefix'));
  set('correlationId', text('correlationId'));
  set('from', instant(text('from') ?? ''));
  set('to', instant(text('to') ?? ''));
  return f;
}

function VerifyLog() {
  const verify = api.compliance.verifyLog.useMutation();
  const r = verify.data;
  return (
    <section aria-labelledby="verify-title" className="section-block">
      <h2 id="verify-title">Is the log intact?</h2>
      <p>
        Recomputes every sealed event and compares it with the latest checkpoint signed outside the database.
        This can take a while on a long log.
      </p>
      <p className="button-row tight">
        <button
          type="button"
          className="button secondary"
          onClick={() => verify.mutate()}
          disabled={verify.isPending}
          aria-describedby="verify-result"
        >
          {verify.isPending ? 'Verifying…' : 'Verify the log'}
        </button>
      </p>
      <div id="verify-result" aria-live="polite">
        {verify.error ? (
          <p className="notice bad" role="alert">
            Could not verify: {problemsOf(verify.error).message}
          </p>
        ) : r?.status === 'intact' ? (
          <p className="notice ok" data-testid="verify-result">
            Intact up to checkpoint {r.treeSize} signed at {when(r.signedAt)} ({r.checked} sealed events
            checked; {r.notYetAnchored} sealed since, not yet in a checkpoint).
          </p>
        ) : r?.status === 'no_checkpoint' ? (
          <p className="notice" data-testid="verify-result">
            No signed checkpoint yet: {r.checked} sealed events were read, but there is nothing signed to hold
            them to.
          </p>
        ) : r?.status === 'broken' ? (
          <p className="notice bad" role="alert" data-testid="verify-result">
            Broken: {r.problem.replace(/_/g, ' ')}
            {r.firstBad.globalPosition !== undefined ? ` at event #${r.firstBad.globalPosition}` : ''}
            {r.firstBad.seq !== undefined ? ` (entry ${r.firstBad.seq} of the signed log)` : ''}. {r.detail}
          </p>
        ) : null}
      </div>
    </section>
  );
}

export function AuditTrail({ types }: { types: string[] }) {
  const [filter, setFilter] = useState<Filter>({});
  const events = api.compliance.events.useInfiniteQuery(
    { filter, limit: 50 },
    { retry: false, getNextPageParam: (last) => last.nextCursor ?? undefined },
  );
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setFilter(filterOf(e.currentTarget));
  };
  if (events.error) {
    const p = problemsOf(events.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer or administrator" message={p.message} />;
  }
  const rows = events.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <>
      <VerifyLog />
      <section aria-labelledby="filter-title" className="section-block">
        <h2 id="filter-title">Find events</h2>
        <form onSubmit={onSubmit} className="analytics-controls" aria-label="Event filters">
          <div className="field">
            <label htmlFor="tr-subject">Data subject id</label>
            <input id="tr-subject" name="subjectId" className="input" maxLength={200} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="tr-type">Event type</label>
            <select id="tr-type" name="type" className="input narrow" defaultValue="">
              <option value="">Any</option>
              {types.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="tr-stream">Stream starts with</label>
            <input
              id="tr-stream"
              name="streamPrefix"
              className="input"
              maxLength={200}
              pattern="[A-Za-z0-9_:.\-]+"
              title="Letters, digits, -, _, : and . only"
              autoComplete="off"
            />
          </div>
          <div className="field">
            <label htmlFor="tr-corr">Correlation id</label>
            <input id="tr-corr" name="correlationId" className="input" maxLength={200} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor="tr-from">From (your local time)</label>
            <input id="tr-from" name="from" type="datetime-local" className="input" />
          </div>
          <div className="field">
            <label htmlFor="tr-to">To (your local time)</label>
            <input id="tr-to" name="to" type="datetime-local" className="input" />
          </div>
          <p className="button-row tight">
            <button type="submit" className="button">
              Search
            </button>
          </p>
        </form>
      </section>
      <ExportTrail filter={filter} />
      <section aria-labelledby="events-title" className="section-block">
        <h2 id="events-title">Events, newest first</h2>
        {events.error ? (
          <p className="notice bad" role="alert">
            Could not load the events: {problemsOf(events.error).message}
          </p>
        ) : null}
        <p className="live-note" aria-live="polite">
          {events.isPending
            ? 'Loading events…'
            : rows.length === 0
              ? 'No events match.'
              : `${rows.length} event${rows.length === 1 ? '' : 's'} shown${events.hasNextPage ? ', more available' : ''}.`}
        </p>
        {rows.length > 0 ? (
          <div className="table-wrap">
            <table className="stack" data-testid="trail-table" aria-labelledby="events-title">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Recorded</th>
                  <th scope="col">Type</th>
                  <th scope="col">Stream</th>
                  <th scope="col">By</th>
                  <th scope="col">Correlation</th>
                  <th scope="col">Fields</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <tr key={e.globalPosition}>
                    <th scope="row" className="num">
                      <Link
                        href={`/compliance/trail/${e.eventId}`}
                        aria-label={`Open event ${e.globalPosition}`}
                      >
                        {e.globalPosition}
                      </Link>
                    </th>
                    <td data-label="Recorded" className="num">
                      {when(e.recordedAt)}
                    </td>
                    <td data-label="Type">
                      {e.type} <span className="muted">v{e.schemaVersion}</span>
                    </td>
                    <td data-label="Stream" className="break">
                      {e.streamId} <span className="muted">@{e.streamVersion}</span>
                    </td>
                    <td data-label="By" className="break">
                      {e.actor ? `${e.actor.kind} ${e.actor.id}` : '—'}
                    </td>
                    <td data-label="Correlation" className="break">
                      {e.correlationId ?? '—'}
                    </td>
                    <td data-label="Fields" className="break">
                      {e.fields.map((f) => (f.personal ? `${f.name} (personal, hidden)` : f.name)).join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {events.hasNextPage ? (
          <p className="button-row tight">
            <button
              type="button"
              className="button secondary"
              onClick={() => void events.fetchNextPage()}
              disabled={events.isFetchingNextPage}
            >
              {events.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          </p>
        ) : null}
      </section>
    </>
  );
}
