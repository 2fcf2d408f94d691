import { defineProjection } from '../projections.js';

/**
 * Current staff role grants with their last access review. Erased people leave no row; their second
 * factor and recovery codes go with them (those tables are not read models, deleting twice is harmless).
 */
export const roleGrantsProjection = defineProjection({
  name: 'role_grants',
  tables: ['rm_role_grants'],
  types: ['RoleGranted', 'RoleRevoked', 'AccessReviewed', 'SubjectErased'],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_role_grants'));
    for (const e of events) {
      if (e.type === 'RoleGranted') {
        await tx`insert into ${table} (user_id, role, granted_by, granted_at, last_reviewed_at)
                 values (${e.data.userId}, ${e.data.role}, ${e.data.grantedBy}, ${e.data.grantedAt}, null)
                 on conflict (user_id, role) do update set granted_by = excluded.granted_by,
                   granted_at = excluded.granted_at, last_reviewed_at = null`;
      } else if (e.type === 'RoleRevoked') {
        await tx`delete from ${table} where user_id = ${e.data.userId} and role = ${e.data.role}`;
      } else if (e.type === 'AccessReviewed') {
        await tx`update ${table} set last_reviewed_at = ${e.data.reviewedAt}
                  where user_id = ${e.data.userId} and role = ${e.data.role}`;
      } else if (e.type === 'SubjectErased') {
        const id = e.data.subjectId;
        await tx`delete from ${table} where user_id = ${id}`;
        await tx`delete from mfa_factors where user_id = ${id}`;
        await tx`delete from mfa_recovery_codes where user_id = ${id}`;
        await tx`delete from mfa_enrolment_required where user_id = ${id}`;
        await tx`delete from google_identities where user_id = ${id}`;
      }
    }
  },
});
