import { defineProjection } from '../projections.js';

/** Current consent per subject and purpose; erased subjects leave no row. */
export const consentsProjection = defineProjection({
  name: 'consents',
  tables: ['rm_consents'],
  types: ['ConsentGiven', 'ConsentWithdrawn', 'SubjectErased'],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_consents'));
    for (const e of events) {
      if (e.type === 'ConsentGiven') {
        await tx`insert into ${table} (subject_id, purpose, status, policy_version, since)
                 values (${e.data.subjectId}, ${e.data.purpose}, 'given', ${e.data.policyVersion}, ${e.data.givenAt})
                 on conflict (subject_id, purpose) do update set status = 'given',
                   policy_version = excluded.policy_version, since = excluded.since`;
      } else if (e.type === 'ConsentWithdrawn') {
        await tx`insert into ${table} (subject_id, purpose, status, policy_version, since)
                 values (${e.data.subjectId}, ${e.data.purpose}, 'withdrawn', null, ${e.data.withdrawnAt})
                 on conflict (subject_id, purpose) do update set status = 'withdrawn', since = excluded.since`;
      } else if (e.type === 'SubjectErased') {
        await tx`delete from ${table} where subject_id = ${e.data.subjectId}`;
      }
    }
  },
});
