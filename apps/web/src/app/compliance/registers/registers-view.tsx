'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

const TITLES = {
  processing: 'Records of processing (Art. 30)',
  dpia: 'Data protection impact assessments',
  processor: 'Processors',
  disclosure: 'Disclosures (authorities, business transfers)',
} as const;
type Register = keyof typeof TITLES;

function Value({ v }: { v: unknown }) {
  if (v === null || v === undefined || v === '') return <span>—</span>;
  if (Array.isArray(v))
    return v.length === 0 ? (
      <span>none</span>
    ) : (
      <ul className="tight">
        {v.map((x, i) => (
          <li key={i}>{typeof x === 'object' ? Object.values(x as object).join(': ') : String(x)}</li>
        ))}
      </ul>
    );
  if (typeof v === 'object') return <span>{JSON.stringify(v)}</span>;
  return <span>{typeof v === 'string' ? v : JSON.stringify(v)}</span>;
}

function labelOf(fields: object, fallback: string): string {
  const f = fields as Record<string, unknown>;
  const v = f.name ?? f.title ?? f.recipient;
  return typeof v === 'string' ? v : fallback;
}

export function RegistersView() {
  const utils = api.useUtils();
  const overview = api.registers.overview.useQuery(undefined, { retry: false });
  const refresh = () => utils.registers.overview.invalidate();
  const save = api.registers.save.useMutation({ onSuccess: refresh });
  const remove = api.registers.remove.useMutation({ onSuccess: refresh });
  const [draft, setDraft] = useState<{ register: Register; entryId: string; json: string }>({
    register: 'processor',
    entryId: '',
    json: '',
  });
  const [jsonError, setJsonError] = useState<string | null>(null);

  if (overview.error) {
    const p = problemsOf(overview.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer" message={p.message} />;
    return (
      <p className="notice bad" role="alert">
        {p.message}
      </p>
    );
  }
  if (!overview.data) return <p>Loading the registers…</p>;
  const entries = overview.data.entries;

  const onSave = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    let fields: unknown;
    try {
      fields = JSON.parse(draft.json);
    } catch {
      setJsonError('The fields are not valid JSON.');
      return;
    }
    setJsonError(null);
    save.mutate({ register: draft.register, entryId: draft.entryId, fields } as Parameters<
      typeof save.mutate
    >[0]);
  };

  return (
    <>
      {(Object.keys(TITLES) as Register[]).map((r) => {
        const rows = entries.filter((e) => e.register === r);
        return (
          <section
            key={r}
            aria-labelledby={`reg-${r}`}
            className="section-block"
            data-testid={`register-${r}`}
          >
            <h2 id={`reg-${r}`}>{TITLES[r]}</h2>
            {rows.length === 0 ? <p>No entries.</p> : null}
            {rows.map((e) => (
              <details key={e.entryId}>
                <summary>
                  <strong>{labelOf(e.fields, e.entryId)}</strong> ({e.entryId}
                  {e.register === 'processor' ? `, ${e.fields.status}` : ''})
                  {e.overdue ? <strong className="badge bad"> review overdue</strong> : null}
                  {e.source === 'edited' && e.updatedAt
                    ? ` — changed ${e.updatedAt.slice(0, 10)}`
                    : ' — default'}
                </summary>
                <dl>
                  {Object.entries(e.fields as Record<string, unknown>).map(([k, v]) => (
                    <div key={k}>
                      <dt>{k}</dt>
                      <dd>
                        <Value v={v} />
                      </dd>
                    </div>
                  ))}
                </dl>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() =>
                    setDraft({
                      register: e.register,
                      entryId: e.entryId,
                      json: JSON.stringify(e.fields, null, 2),
                    })
                  }
                >
                  Edit
                </button>
              </details>
            ))}
          </section>
        );
      })}

      <section aria-labelledby="edit-title" className="section-block">
        <h2 id="edit-title">Add or change an entry</h2>
        <form onSubmit={onSave} aria-label="Register entry">
          <div className="field">
            <label htmlFor="e-reg">Register</label>
            <select
              id="e-reg"
              className="input narrow"
              value={draft.register}
              onChange={(ev) => setDraft({ ...draft, register: ev.target.value as Register })}
            >
              {(Object.keys(TITLES) as Register[]).map((r) => (
                <option key={r} value={r}>
                  {TITLES[r]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="e-id">Entry id (lower-case letters, digits, -)</label>
            <input
              id="e-id"
              className="input"
              required
              maxLength={100}
              pattern="[a-z0-9][a-z0-9\-]*"
              value={draft.entryId}
              onChange={(ev) => setDraft({ ...draft, entryId: ev.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="e-json">Fields (JSON; start from an entry's Edit button)</label>
            <textarea
              id="e-json"
              className="input textarea"
              rows={12}
              required
              maxLength={50_000}
              value={draft.json}
              onChange={(ev) => setDraft({ ...draft, json: ev.target.value })}
            />
          </div>
          <button type="submit" className="button" disabled={save.isPending}>
            Save entry
          </button>
        </form>
        {jsonError ? (
          <p className="notice bad" role="alert">
            {jsonError}
          </p>
        ) : null}
        {save.error ? (
          <p className="notice bad" role="alert">
            {problemsOf(save.error).message}
          </p>
        ) : save.isSuccess ? (
          <p className="notice ok" role="status">
            Saved.
          </p>
        ) : null}
        <form
          aria-label="Remove entry"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            const reason = new FormData(e.currentTarget).get('reason');
            remove.mutate({
              register: draft.register,
              entryId: draft.entryId,
              reason: typeof reason === 'string' ? reason : '',
            });
          }}
        >
          <div className="field">
            <label htmlFor="e-reason">Reason to remove the entry above</label>
            <input id="e-reason" name="reason" className="input" required maxLength={1000} />
          </div>
          <button type="submit" className="button secondary" disabled={remove.isPending}>
            Remove entry
          </button>
        </form>
        {remove.error ? (
          <p className="notice bad" role="alert">
            {problemsOf(remove.error).message}
          </p>
        ) : null}
      </section>

      <section aria-labelledby="ar-title" className="section-block">
        <h2 id="ar-title">Staff access reviews</h2>
        <p>
          Granted roles and when each was last confirmed. Administrators review them on the{' '}
          <Link href="/admin/access">access review page</Link>.
        </p>
        <div className="table-wrap">
          <table className="stack">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Role</th>
                <th scope="col">Granted</th>
                <th scope="col">Last reviewed</th>
              </tr>
            </thead>
            <tbody>
              {overview.data.accessReviews.map((g) => (
                <tr key={`${g.userId}-${g.role}`}>
                  <td>{g.userId}</td>
                  <td>{g.role}</td>
                  <td>{g.grantedAt.slice(0, 10)}</td>
                  <td>{g.lastReviewedAt ? g.lastReviewedAt.slice(0, 10) : 'never'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
