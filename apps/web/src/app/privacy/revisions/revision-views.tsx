'use client';

import Link from 'next/link';
import { api } from '../../../components/auth/api';
import { DataTable } from '../../../components/data-table';
import { problemsOf } from '../../../components/forms';
import styles from '../privacy.module.css';

function Problem({ error }: { error: unknown }) {
  return (
    <p className="notice bad" role="alert">
      {problemsOf(error).message}
    </p>
  );
}

/** Every revision, newest first (public). */
export function RevisionList() {
  const q = api.policy.revisions.useQuery(undefined, { retry: 1 });
  if (q.error) return <Problem error={q.error} />;
  if (!q.data) return <p aria-live="polite">Loading…</p>;
  return (
    <DataTable
      caption="Revisions, newest first"
      columns={['Revision', 'Takes effect', 'Significant change', 'What changed']}
      rows={q.data.map((r) => [
        <Link key="r" href={`/privacy/revisions/${r.revision}`}>
          Revision {r.revision} ({r.revisionId})
        </Link>,
        r.effectiveOn,
        r.significant ? 'yes' : 'no',
        r.summary,
      ])}
    />
  );
}

/** One revision as published: what changed, when it took effect, and its full text. */
export function RevisionText({ revision }: { revision: number }) {
  const q = api.policy.revision.useQuery({ revision }, { retry: false });
  if (q.error) return <Problem error={q.error} />;
  if (!q.data) return <p aria-live="polite">Loading…</p>;
  const r = q.data;
  return (
    <article aria-labelledby="revision-title">
      <span className="eyebrow">Privacy notice</span>
      <h1 id="revision-title">
        Revision {r.revision} ({r.revisionId})
      </h1>
      <p className={styles.docMeta}>
        Takes effect on {r.effectiveOn} · published {r.publishedAt.slice(0, 10)}
        {r.significant ? ' · significant change' : ''}
      </p>
      <h2>What changed</h2>
      <p>{r.summary}</p>
      <h2>Full text</h2>
      <div className={`callout ${styles.revisionText}`} data-testid="revision-text">
        {r.text}
      </div>
    </article>
  );
}
