'use client';

import Link from 'next/link';
import { useState } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { DataTable } from '../../../components/data-table';
import { api } from '../../../components/auth/api';
import { FormShell, useFormProblems } from '../../../components/form-shell';
import { Field, problemsOf } from '../../../components/forms';

const FIELD_IDS = {
  revisionId: 'policy-revision-id',
  summary: 'policy-summary',
  significant: 'policy-significant',
  effectiveOn: 'policy-effective-on',
  text: 'policy-text',
};

/** The text of the notice now published at /privacy (its article), to start a revision from. */
async function currentNoticeText(): Promise<string> {
  const res = await fetch('/privacy', { credentials: 'same-origin' });
  const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  const article = doc.querySelector('article');
  return (article?.textContent ?? '').replace(/[ \t]+/g, ' ').trim();
}

function TextArea(props: {
  id: string;
  label: string;
  hint?: string;
  error: string | undefined;
  rows: number;
  maxLength: number;
  value: string;
  onChange: (v: string) => void;
}) {
  const errId = props.error ? `${props.id}-error` : undefined;
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div className={`field${props.error ? ' has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={errId}>
          <span className="visually-hidden">Error: </span>
          {props.error}
        </p>
      ) : null}
      <textarea
        id={props.id}
        className="input"
        rows={props.rows}
        maxLength={props.maxLength}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={[errId, hintId].filter(Boolean).join(' ') || undefined}
      />
    </div>
  );
}

export function PolicyView() {
  const utils = api.useUtils();
  const overview = api.policy.overview.useQuery(undefined, { retry: false });
  const form = useFormProblems();
  const [draft, setDraft] = useState({
    revisionId: '',
    summary: '',
    significant: false,
    effectiveOn: '',
    text: '',
  });
  const [done, setDone] = useState<string | null>(null);
  const publish = api.policy.publish.useMutation({
    onSuccess: async (r) => {
      setDone(`Revision ${r.revision} is published.`);
      setDraft({ revisionId: '', summary: '', significant: false, effectiveOn: '', text: '' });
      await Promise.all([utils.policy.invalidate()]);
    },
    onError: form.fail,
  });

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
  if (!overview.data) return <p>Loading the revisions…</p>;
  const { revisions, today } = overview.data;
  const inForce = revisions.find((r) => r.effectiveOn <= today);

  return (
    <>
      <p className="notice" role="status">
        In force: revision {inForce?.revision} ({inForce?.revisionId}), since {inForce?.effectiveOn}.
      </p>
      <section className="card" aria-labelledby="publish-title">
        <h2 id="publish-title">Publish a revision</h2>
        <FormShell
          label="Publish a revision"
          form={form}
          fieldIds={FIELD_IDS}
          pending={publish.isPending}
          submitLabel="Publish revision"
          onSubmit={() => {
            setDone(null);
            if (!draft.effectiveOn) {
              form.failWith({ effectiveOn: 'Choose the day the revision takes effect.' });
              return;
            }
            publish.mutate(draft);
          }}
          after={
            <p role="status" className="fine-print">
              {done ?? ''}
            </p>
          }
        >
          <Field
            id={FIELD_IDS.revisionId}
            name="revisionId"
            label="Revision name"
            hint="Shown to people, e.g. the date: 2027-01-15. Letters, digits, dot, dash."
            maxLength={40}
            value={draft.revisionId}
            onChange={(e) => setDraft({ ...draft, revisionId: e.target.value })}
            error={form.fieldError('revisionId')}
          />
          <TextArea
            id={FIELD_IDS.summary}
            label="What changed, in plain language"
            hint="People see this in the notice and in the email."
            rows={4}
            maxLength={5000}
            value={draft.summary}
            onChange={(v) => setDraft({ ...draft, summary: v })}
            error={form.fieldError('summary')}
          />
          <div className="checkbox">
            <input
              type="checkbox"
              id={FIELD_IDS.significant}
              name="significant"
              checked={draft.significant}
              onChange={(e) => setDraft({ ...draft, significant: e.target.checked })}
            />
            <label htmlFor={FIELD_IDS.significant}>
              Significant change: ask signed-in people to acknowledge it and email everyone
            </label>
          </div>
          <Field
            id={FIELD_IDS.effectiveOn}
            name="effectiveOn"
            type="date"
            label="Takes effect on"
            min={today}
            value={draft.effectiveOn}
            onChange={(e) => setDraft({ ...draft, effectiveOn: e.target.value })}
            error={form.fieldError('effectiveOn')}
          />
          <TextArea
            id={FIELD_IDS.text}
            label="Full text of the notice"
            hint="Stored with the revision, so what people acknowledged can be shown later."
            rows={10}
            maxLength={60000}
            value={draft.text}
            onChange={(v) => setDraft({ ...draft, text: v })}
            error={form.fieldError('text')}
          />
          <p className="button-row tight">
            <button
              type="button"
              className="button secondary"
              onClick={() => void currentNoticeText().then((text) => setDraft((d) => ({ ...d, text })))}
            >
              Start from the notice now at /privacy
            </button>
          </p>
        </FormShell>
      </section>

      <section aria-labelledby="revisions-title">
        <h2 id="revisions-title">Revisions</h2>
        <DataTable
          caption="Published revisions, newest first"
          columns={['Revision', 'Takes effect', 'Significant', 'What changed', 'Emailed']}
          rows={revisions.map((r) => [
            <Link key="r" href={`/privacy/revisions/${r.revision}`}>
              {r.revision} · {r.revisionId}
            </Link>,
            r.effectiveOn,
            r.significant ? 'yes' : 'no',
            r.summary,
            r.significant
              ? `${r.emailed}${r.unconfirmed > 0 ? ` (+${r.unconfirmed} unconfirmed)` : ''}`
              : '—',
          ])}
        />
      </section>
    </>
  );
}
