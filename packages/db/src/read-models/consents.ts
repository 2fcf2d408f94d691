import type { Projection } from '../projections.js';

/** Current consent per subject and purpose; erased subjects leave no row. */
export const consentsProjection: Projection = {
  name: 'consents',
  tables: ['rm_consents'],
  types: ['ConsentGiven', 'ConsentWithdrawn', 'SubjectErased'],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_consents'));
    for (const e of events) {
      const d = e.data;
      if (e.type === 'ConsentGiven') {
        await tx`insert into ${table} (subject_id, purpose, status, policy_version, since)
                 values (${d.subjectId as string}, ${d.purpose as string}, 'given', ${d.policyVersion as string}, ${d.givenAt as string})
                 on conflict (subject_id, purpose) do update set status = 'given',
                   policy_version = excluded.policy_version, since = excluded.since`;
      } else if (e.type === 'ConsentWithdrawn') {
        await tx`insert into ${table} (subject_id, purpose, status, policy_version, since)
                 values (${d.subjectId as string}, ${d.purpose as string}, 'withdrawn', null, ${d.withdrawnAt as string})
                 on conflict (subject_id, purpose) do update set status = 'withdrawn', since = excluded.since`;
      } else if (e.type === 'SubjectErased') {
        await tx`delete from ${table} where subject_id = ${d.subjectId as string}`;
      }
    }
  },
};
