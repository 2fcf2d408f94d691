import { policy } from '@tia/domain';
import { defineProjection } from '../projections.js';
import type { Queryable } from '../sql.js';

/**
 * Policy revisions (P35): published revisions with their text, who acknowledged which, and who was emailed
 * about which. Acknowledgements and notices of an erased person are deleted with them.
 */
export const policyProjection = defineProjection({
  name: 'policy',
  tables: ['rm_policy_revisions', 'rm_policy_acceptances', 'rm_policy_notices'],
  types: ['PolicyRevisionPublished', 'PolicyRevisionAccepted', 'PolicyChangeNoticeSent', 'SubjectErased'],
  apply: async (tx, events, t) => {
    const revisions = tx(t('rm_policy_revisions'));
    const acceptances = tx(t('rm_policy_acceptances'));
    const notices = tx(t('rm_policy_notices'));
    for (const e of events) {
      if (e.type === 'PolicyRevisionPublished') {
        const d = e.data;
        await tx`insert into ${revisions} (revision, revision_id, summary, significant, effective_on, notice_body,
                   published_by, published_at)
                 values (${d.revision}, ${d.revisionId}, ${d.summary}, ${d.significant}, ${d.effectiveOn},
                   ${d.text}, ${d.publishedBy}, ${d.publishedAt})
                 on conflict (revision) do nothing`;
      } else if (e.type === 'PolicyRevisionAccepted') {
        await tx`insert into ${acceptances} (user_id, revision, revision_id, accepted_at)
                 values (${e.data.userId}, ${e.data.revision}, ${e.data.revisionId}, ${e.data.acceptedAt})
                 on conflict (user_id, revision) do nothing`;
      } else if (e.type === 'PolicyChangeNoticeSent') {
        await tx`insert into ${notices} (revision, user_id, sent_at)
                 values (${e.data.revision}, ${e.data.userId}, ${e.data.sentAt})
                 on conflict (revision, user_id) do nothing`;
      } else if (e.type === 'SubjectErased') {
        await tx`delete from ${acceptances} where user_id = ${e.data.subjectId}`;
        await tx`delete from ${notices} where user_id = ${e.data.subjectId}`;
      }
    }
  },
});

export type PolicyRevisionRow = policy.RevisionInfo & { publishedBy: string | null };

type Row = {
  revision: number;
  revision_id: string;
  summary: string;
  significant: boolean;
  effective_on: string;
  published_by: string;
  published_at: Date;
};
const day = (d: unknown): string =>
  d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);
const toInfo = (r: Row): PolicyRevisionRow => ({
  revision: r.revision,
  revisionId: r.revision_id,
  summary: r.summary,
  significant: r.significant,
  effectiveOn: day(r.effective_on),
  publishedAt: r.published_at.toISOString(),
  publishedBy: r.published_by,
});

/** Every revision, oldest first: the baseline (revision 1, in code), then the published ones. */
export const listPolicyRevisions = async (db: Queryable): Promise<PolicyRevisionRow[]> => {
  const rows = await db<Row[]>`
    select revision, revision_id, summary, significant, effective_on::text as effective_on, published_by,
      published_at
    from rm_policy_revisions order by revision`;
  return [{ ...policy.BASELINE, publishedBy: null }, ...rows.map(toInfo)];
};

/** One revision with its full text (null when there is no such revision). */
export const loadPolicyRevision = async (
  db: Queryable,
  revision: number,
): Promise<(PolicyRevisionRow & { text: string }) | null> => {
  if (revision === policy.BASELINE.revision)
    return { ...policy.BASELINE, publishedBy: null, text: policy.BASELINE_TEXT };
  const [r] = await db<(Row & { text: string })[]>`
    select revision, revision_id, summary, significant, effective_on::text as effective_on, published_by,
      published_at, notice_body as text
    from rm_policy_revisions where revision = ${revision}`;
  return r ? { ...toInfo(r), text: r.text } : null;
};

/** The revision in force on `today` (YYYY-MM-DD); the baseline when none was published. */
export const currentPolicyRevision = async (db: Queryable, today: string): Promise<PolicyRevisionRow> =>
  policy.currentRevision(await listPolicyRevisions(db), today) ?? { ...policy.BASELINE, publishedBy: null };

/** The revisions a person acknowledged. */
export const acceptedPolicyRevisions = async (db: Queryable, userId: string): Promise<number[]> =>
  (
    await db<{ revision: number }[]>`select revision from rm_policy_acceptances where user_id = ${userId}`
  ).map((r) => r.revision);

/** Per significant revision: emails confirmed sent, and claimed but never confirmed (a crash mid-send). */
export const policyNoticeCounts = async (
  db: Queryable,
): Promise<Map<number, { sent: number; unconfirmed: number }>> => {
  const rows = await db<{ revision: number; sent: string; unconfirmed: string }[]>`
    select c.revision, count(n.user_id) as sent, count(*) filter (where n.user_id is null) as unconfirmed
    from policy_notice_claims c
    left join rm_policy_notices n on n.revision = c.revision and n.user_id = c.user_id
    group by c.revision`;
  return new Map(rows.map((r) => [r.revision, { sent: Number(r.sent), unconfirmed: Number(r.unconfirmed) }]));
};
