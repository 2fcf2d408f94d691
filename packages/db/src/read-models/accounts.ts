import { createHmac } from 'node:crypto';
import { identity, isRedacted } from '@tia/domain';
import { defineProjection } from '../projections.js';

/**
 * Accounts read model (`rm_accounts`), kept inline so commands see it at once. The lookup key is
 * HMAC(server secret, normalised email), so the projection is built with that function. On `SubjectErased`
 * the row goes, and so do the account's secrets (auth user → sessions, credentials, codes cascade); the
 * trial registry keeps only its HMAC.
 */
/** `rm_accounts.email_lookup`: HMAC(key derived from AUTH_SECRET, normalised email). */
export const emailLookupFor = (authSecret: Buffer): ((email: string) => string) => {
  const key = createHmac('sha256', authSecret).update('tia:derive:email-lookup').digest();
  return (email) => createHmac('sha256', key).update(identity.normaliseEmail(email)).digest('hex');
};

export const accountsProjection = (emailLookup: (email: string) => string) =>
  defineProjection({
    name: 'accounts',
    tables: ['rm_accounts'],
    types: ['AccountRegistered', 'EmailVerified', 'TrialGranted', 'SubjectErased'],
    apply: async (tx, events, t) => {
      const table = tx(t('rm_accounts'));
      for (const e of events) {
        switch (e.type) {
          case 'AccountRegistered': {
            const d = e.data;
            if (isRedacted(d.email) || isRedacted(d.name)) break; // erased since: nothing to show
            await tx`insert into ${table} (user_id, email_lookup, name, email, signup_method, created_at)
                   values (${d.userId}, ${emailLookup(d.email)}, ${d.name},
                           ${d.email}, ${d.signupMethod}, ${d.registeredAt})`;
            break;
          }
          case 'EmailVerified':
            await tx`update ${table} set email_verified_at = coalesce(email_verified_at, ${e.data.verifiedAt})
                   where user_id = ${e.data.userId}`;
            break;
          case 'TrialGranted':
            await tx`update ${table} set trial_remaining = trial_remaining + ${e.data.answers},
                   trial_total = trial_total + ${e.data.answers} where user_id = ${e.data.userId}`;
            break;
          case 'SubjectErased':
            await tx`delete from ${table} where user_id = ${e.data.subjectId}`;
            await tx`delete from auth_users where id = ${e.data.subjectId}`;
            break;
        }
      }
    },
  });
