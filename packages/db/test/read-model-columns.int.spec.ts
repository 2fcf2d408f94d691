/**
 * Data minimisation of the read models (P11, P22): no read-model or analytics column may hold a person's name,
 * email, address, birth date, network address, browser or words in plaintext. Personal values live only in
 * the event log (encrypted under the subject key) or, where a read model needs them, sealed (`*_enc`) or as a
 * one-way lookup (`*_lookup`, `*_hmac`, `*_hash`). A new column that looks personal fails here until it is
 * sealed or renamed for what it really is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const PERSONAL =
  /(^|_)(name|full_name|first_name|last_name|email|phone|address|ip|ip_address|user_agent|birth|date_of_birth|dob|transcript|text|words|job_title|job_description|key_terms|note|comment)$/;
const ONE_WAY_OR_SEALED = /_(enc|lookup|hmac|hash)$/;

describe('read-model columns', () => {
  it('hold no personal value in plaintext (only sealed or one-way forms)', async () => {
    const cols = await db.sql<{ t: string; c: string; type: string }[]>`
      select table_schema || '.' || table_name as t, column_name as c, data_type as type
        from information_schema.columns
       where (table_schema = 'public' and (table_name like 'rm\\_%' or table_name in
               ('auth_users', 'auth_sessions', 'credentials', 'verification_codes', 'trial_registry',
                'google_identities', 'audio_blobs', 'rate_limits', 'erased_subjects')))
          or table_schema in ('analytics', 'analytics_private')`;
    expect(cols.map((c) => c.t)).toContain('public.rm_accounts');
    const suspicious = cols.filter((c) => PERSONAL.test(c.c) && !ONE_WAY_OR_SEALED.test(c.c));
    expect(suspicious).toEqual([]);
    // Bytes are ciphertext or digests only: every bytea column says which by its name.
    const bytes = cols.filter((c) => c.type === 'bytea').map((c) => `${c.t}.${c.c}`);
    for (const b of bytes) expect(b).toMatch(/_enc$|_hmac$|_hash$|\.ciphertext$|wrapped_key$/);
    // rm_accounts in particular: name and email only sealed, the lookup an HMAC.
    const acct = cols.filter((c) => c.t === 'public.rm_accounts').map((c) => c.c);
    expect(acct).toEqual(expect.arrayContaining(['name_enc', 'email_enc', 'email_lookup']));
    expect(acct).not.toContain('name');
    expect(acct).not.toContain('email');
  });
});
