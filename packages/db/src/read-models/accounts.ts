import { createHmac } from 'node:crypto';
import { identity, isRedacted } from '@tia/domain';
import { open, seal } from '../crypto.js';
import type { KeyStore } from '../key-store.js';
import { defineProjection } from '../projections.js';
import type { Queryable } from '../sql.js';

/**
 * Accounts read model (`rm_accounts`), kept inline so commands see it at once. The lookup key is
 * HMAC(server secret, normalised email), so the projection is built with that function. Name and email are
 * sealed under the account's subject key (`name_enc`, `email_enc`): erasure destroys that key, so no copy of
 * them outlives it even before the row is deleted. On `SubjectErased` the row goes, and so do the account's
 * secrets (auth user → sessions, credentials, codes cascade); the trial registry keeps only its HMAC.
 */
/** `rm_accounts.email_lookup`: HMAC(key derived from AUTH_SECRET, normalised email). */
export const emailLookupFor = (authSecret: Buffer): ((email: string) => string) => {
  const key = createHmac('sha256', authSecret).update('tia:derive:email-lookup').digest();
  return (email) => createHmac('sha256', key).update(identity.normaliseEmail(email)).digest('hex');
};

type AccountField = 'name' | 'email';
const aad = (userId: string, field: AccountField) => `tia:rm_accounts:${field}:${userId}`;

/** Seals one personal field of an account row under the subject's key, bound to its user and column. */
export const sealAccountField = (key: Buffer, userId: string, field: AccountField, value: string): Buffer =>
  seal(key, Buffer.from(value, 'utf8'), aad(userId, field));

export interface SealedAccountRow {
  user_id: string;
  name_enc: Buffer;
  email_enc: Buffer;
}

/**
 * Opens the name and email of account rows (one key query for all). A row whose key is gone (erased in
 * between) is absent from the answer.
 */
export const openAccountFields = async (
  keys: KeyStore,
  db: Queryable,
  rows: readonly SealedAccountRow[],
): Promise<Map<string, { name: string; email: string }>> => {
  const found = await keys.findMany(
    db,
    rows.map((r) => r.user_id),
  );
  const out = new Map<string, { name: string; email: string }>();
  for (const r of rows) {
    const key = found.get(r.user_id);
    if (!key) continue;
    out.set(r.user_id, {
      name: open(key, r.name_enc, aad(r.user_id, 'name')).toString('utf8'),
      email: open(key, r.email_enc, aad(r.user_id, 'email')).toString('utf8'),
    });
  }
  return out;
};

export const accountsProjection = (emailLookup: (email: string) => string, keys: KeyStore) =>
  defineProjection({
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
        switch (e.type) {
          case 'AccountRegistered': {
            const d = e.data;
            if (isRedacted(d.email) || isRedacted(d.name)) break; // erased since: nothing to show
            // The event's own fields were sealed under this key in this transaction (or, on a rebuild, long ago).
            const key = await keys.keyFor(tx, d.userId);
            await tx`insert into ${table} (user_id, email_lookup, name_enc, email_enc, signup_method, created_at)
                   values (${d.userId}, ${emailLookup(d.email)},
                           ${sealAccountField(key, d.userId, 'name', d.name)},
                           ${sealAccountField(key, d.userId, 'email', d.email)},
                           ${d.signupMethod}, ${d.registeredAt})`;
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
          case 'NameCorrected': {
            const d = e.data;
            if (isRedacted(d.name)) break;
            const key = await keys.keyFor(tx, d.userId);
            await tx`update ${table} set name_enc = ${sealAccountField(key, d.userId, 'name', d.name)}
                     where user_id = ${d.userId}`;
            break;
          }
          case 'EmailChanged': {
            // The new address was proven with a code sent to it.
            const d = e.data;
            if (isRedacted(d.email)) break;
            const key = await keys.keyFor(tx, d.userId);
            await tx`update ${table} set email_enc = ${sealAccountField(key, d.userId, 'email', d.email)},
                     email_lookup = ${emailLookup(d.email)} where user_id = ${d.userId}`;
            break;
          }
          case 'SubjectErased':
            await tx`delete from ${table} where user_id = ${e.data.subjectId}`;
            await tx`delete from auth_users where id = ${e.data.subjectId}`;
            break;
        }
      }
    },
  });
