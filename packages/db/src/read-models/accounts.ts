import { createHmac } from 'node:crypto';
import { identity, isRedacted } from '@tia/domain';
import type { Projection } from '../projections.js';

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

export const accountsProjection = (emailLookup: (email: string) => string): Projection => ({
  name: 'accounts',
  tables: ['rm_accounts'],
  types: [
    'AccountRegistered',
    'EmailVerified',
    'TrialGranted',
    'NameCorrected',
    'EmailChanged',
    'SubjectErased',
  ],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_accounts'));
    for (const e of events) {
      const d = e.data;
      switch (e.type) {
        case 'AccountRegistered': {
          if (isRedacted(d.email) || isRedacted(d.name)) break; // erased since: nothing to show
          await tx`insert into ${table} (user_id, email_lookup, name, email, signup_method, created_at)
                   values (${d.userId as string}, ${emailLookup(d.email as string)}, ${d.name as string},
                           ${d.email as string}, ${d.signupMethod as string}, ${d.registeredAt as string})`;
          break;
        }
        case 'EmailVerified':
          await tx`update ${table} set email_verified_at = coalesce(email_verified_at, ${d.verifiedAt as string})
                   where user_id = ${d.userId as string}`;
          break;
        case 'TrialGranted':
          await tx`update ${table} set trial_remaining = trial_remaining + ${d.answers as number},
                   trial_total = trial_total + ${d.answers as number} where user_id = ${d.userId as string}`;
          break;
        case 'NameCorrected':
          if (isRedacted(d.name)) break;
          await tx`update ${table} set name = ${d.name as string} where user_id = ${d.userId as string}`;
          break;
        case 'EmailChanged':
          // The new address was proven with a code sent to it.
          if (isRedacted(d.email)) break;
          await tx`update ${table} set email = ${d.email as string}, email_lookup = ${emailLookup(d.email as string)}
                   where user_id = ${d.userId as string}`;
          break;
        case 'SubjectErased':
          await tx`delete from ${table} where user_id = ${d.subjectId as string}`;
          await tx`delete from auth_users where id = ${d.subjectId as string}`;
          break;
      }
    }
  },
});
