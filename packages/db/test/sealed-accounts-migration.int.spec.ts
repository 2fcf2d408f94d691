/**
 * Migration 0015 on a database that already has accounts (P11, P22): the plaintext `name`/`email` columns of
 * `rm_accounts` go, and `rebuildAccountsAfterMigration` refills the read model from the event log with both
 * fields sealed under each subject's key — an erased subject gets no row back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPersistence,
  emailLookupFor,
  eraseSubject,
  migrate,
  MIGRATIONS_DIR,
  openAccountFields,
  rebuildAccountsAfterMigration,
  SEALED_ACCOUNTS_MIGRATION,
  silentLogger,
  type SealedAccountRow,
} from '../src/index.js';
import { createTestDatabase, registered, TEST_MASTER_KEY, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let before: string;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  before = await mkdtemp(path.join(tmpdir(), 'tia-migrations-'));
  for (const f of await readdir(MIGRATIONS_DIR))
    if (f.endsWith('.sql') && f < SEALED_ACCOUNTS_MIGRATION)
      await copyFile(path.join(MIGRATIONS_DIR, f), path.join(before, f));
  await migrate(db.sql, before);
});
afterAll(async () => {
  await db?.drop();
  if (before) await rm(before, { recursive: true, force: true });
});

describe('migration 0015: rm_accounts seals name and email', () => {
  it('drops the plaintext columns and rebuilds the rows sealed from the log', async () => {
    const authSecret = randomBytes(32);
    const lookup = emailLookupFor(authSecret);
    const p = createPersistence(db.sql, TEST_MASTER_KEY);
    const kept = randomUUID();
    const gone = randomUUID();
    // As the old projection wrote them: plaintext name and email beside the events.
    for (const [id, name, email] of [
      [kept, 'Mary Jackson', 'mj@example.org'],
      [gone, 'Annie Easley', 'ae@example.org'],
    ] as const) {
      await p.store.append(`user-${id}`, 0, [registered(id, name, email)]);
      await db.sql`insert into rm_accounts (user_id, email_lookup, name, email, signup_method, created_at)
                   values (${id}, ${lookup(email)}, ${name}, ${email}, 'password', now())`;
    }
    await eraseSubject(
      { store: p.store, keys: p.keys },
      { subjectId: gone, reason: 'user_request', eventId: randomUUID(), now: new Date().toISOString() },
    );

    const { applied } = await migrate(db.sql);
    expect(applied).toContain(SEALED_ACCOUNTS_MIGRATION);
    const columns = await db.sql<{ column_name: string }[]>`
      select column_name from information_schema.columns where table_name = 'rm_accounts'`;
    expect(columns.map((c) => c.column_name)).not.toContain('email');
    expect(columns.map((c) => c.column_name)).not.toContain('name');

    expect(
      await rebuildAccountsAfterMigration(db.sql, applied, {
        masterKey: TEST_MASTER_KEY,
        authSecret,
        log: silentLogger,
      }),
    ).toBe(true);
    const rows = await db.sql<(SealedAccountRow & { email_lookup: string })[]>`
      select user_id, email_lookup, name_enc, email_enc from rm_accounts`;
    expect(rows.map((r) => r.user_id)).toEqual([kept]);
    expect(rows[0]!.email_lookup).toBe(lookup('mj@example.org'));
    const dump = JSON.stringify(await db.sql`select * from rm_accounts`);
    expect(dump).not.toMatch(/Mary|mj@example|Annie|ae@example/);
    expect((await openAccountFields(p.keys, db.sql, rows)).get(kept)).toEqual({
      name: 'Mary Jackson',
      email: 'mj@example.org',
    });
    // Not applied now (already done): nothing to rebuild.
    expect(
      await rebuildAccountsAfterMigration(db.sql, [], {
        masterKey: TEST_MASTER_KEY,
        authSecret,
        log: silentLogger,
      }),
    ).toBe(false);
  });
});
