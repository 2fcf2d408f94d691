'use client';

import { useState, type FormEvent } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace('Z', ' UTC') : '—');
const duration = (s: number | null) =>
  s === null
    ? '—'
    : s < 120
      ? `${s} s`
      : s < 7200
        ? `${Math.round(s / 6) / 10} min`
        : `${Math.round(s / 360) / 10} h`;

export function RecordingLifecycle() {
  const overdue = api.lifecycle.overdueAudio.useQuery(undefined, { retry: false });
  const [id, setId] = useState<string | null>(null);
  const one = api.lifecycle.recording.useQuery(
    { recordingId: id ?? '' },
    { enabled: id !== null, retry: false },
  );
  if (overdue.error) {
    const p = problemsOf(overdue.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer" message={p.message} />;
  }
  return (
    <>
      <section aria-labelledby="one-title" className="section-block">
        <h2 id="one-title">One recording</h2>
        <form
          aria-label="Find a recording"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            const v = new FormData(e.currentTarget).get('recordingId');
            setId(typeof v === 'string' && v.trim() ? v.trim() : null);
          }}
        >
          <div className="field">
            <label htmlFor="rl-id">Recording id</label>
            <input
              id="rl-id"
              name="recordingId"
              className="input"
              required
              maxLength={200}
              autoComplete="off"
            />
          </div>
          <button type="submit" className="button secondary">
            Show
          </button>
        </form>
        {one.error ? (
          <p className="notice bad" role="alert">
            {problemsOf(one.error).message}
          </p>
        ) : one.data ? (
          <ol data-testid="lifecycle">
            <li>Uploaded {when(one.data.uploadedAt)}</li>
            <li>
              Transcribed {when(one.data.transcribedAt)} ({duration(one.data.secondsToTranscript)} after
              upload)
            </li>
            <li>
              {one.data.stillHeld
                ? `Audio still held (${duration(one.data.audioLifetimeSeconds)} so far)`
                : `Audio deleted ${when(one.data.deletedAt)} (${one.data.deletionReason ?? ''}, ${duration(one.data.audioLifetimeSeconds)} after upload)`}
            </li>
          </ol>
        ) : null}
      </section>
      <section aria-labelledby="late-title" className="section-block">
        <h2 id="late-title">Audio kept too long</h2>
        {overdue.data ? (
          overdue.data.recordings.length === 0 ? (
            <p className="notice ok" data-testid="overdue-audio">
              None: every recording&apos;s audio was deleted within {overdue.data.limitMinutes} minutes of
              upload.
            </p>
          ) : (
            <div className="table-wrap">
              <table className="stack" data-testid="overdue-audio">
                <caption>Limit: {overdue.data.limitMinutes} minutes after upload</caption>
                <thead>
                  <tr>
                    <th scope="col">Recording</th>
                    <th scope="col">Uploaded</th>
                    <th scope="col">Deleted</th>
                    <th scope="col">Audio lived</th>
                  </tr>
                </thead>
                <tbody>
                  {overdue.data.recordings.map((r) => (
                    <tr key={r.recordingId}>
                      <td>{r.recordingId}</td>
                      <td>{when(r.uploadedAt)}</td>
                      <td>{r.stillHeld ? 'still held' : when(r.deletedAt)}</td>
                      <td>{duration(r.audioLifetimeSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : (
          <p>Loading…</p>
        )}
      </section>
    </>
  );
}
