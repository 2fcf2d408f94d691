import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPersistence, KeyStore, openAccountFields, type SealedAccountRow } from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../accounts/password-hashing.js';
import { rolesFor } from '../sessions/roles.js';
import { TEST_AUTH_SECRET } from '../testing/identity.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

const run = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const c = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/api/src/cli/bootstrap-admin.ts', ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: db.url,
          MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
          AUTH_SECRET: TEST_AUTH_SECRET.toString('base64'),
          DATA_DIR: '/nonexistent',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('npm run admin:bootstrap', () => {
  it('creates the first admin with a printed one-time password and required TOTP enrolment; refuses a second', async () => {
    const first = await run(['--email', 'Ops@Example.org', '--name', 'Ops Admin']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const password = /One-time password \(shown only now\): (\S+)/.exec(first.stdout)?.[1];
    const userId = /\(user ([0-9a-f-]{36})\)/.exec(first.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(userId).toBeDefined();

    const cred = await db.sql<
      { password_hash: string; change_required: boolean; one_time_expires_at: Date }[]
    >`
      select password_hash, change_required, one_time_expires_at from credentials where user_id = ${userId!}`;
    expect(cred[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // One-time and short-lived (issue 8): it expires a day after it was printed.
    expect(cred[0]!.change_required).toBe(true);
    const hoursLeft = (cred[0]!.one_time_expires_at.getTime() - Date.now()) / 3600_000;
    expect(hoursLeft).toBeGreaterThan(23);
    expect(hoursLeft).toBeLessThanOrEqual(24);
    expect(await verifyPassword(cred[0]!.password_hash, password!)).toBe(true);
    expect(await rolesFor(db.sql, userId!)).toEqual(['candidate', 'admin']);
    const grant = await db.sql<
      { granted_by: string }[]
    >`select granted_by from rm_role_grants where user_id = ${userId!}`;
    expect(grant[0]!.granted_by).toBe('bootstrap');
    expect(await db.sql`select 1 from mfa_enrolment_required where user_id = ${userId!}`).toHaveLength(1);
    const acct = await db.sql<(SealedAccountRow & { email_verified_at: Date | null })[]>`
      select user_id, name_enc, email_enc, email_verified_at from rm_accounts where user_id = ${userId!}`;
    const opened = await openAccountFields(new KeyStore(TEST_MASTER_KEY), db.sql, acct);
    expect(opened.get(userId!)?.email).toBe('ops@example.org');
    expect(acct[0]!.email_verified_at).not.toBeNull();

    // events: who granted it, and no password anywhere in the log
    const { store } = createPersistence(db.sql, TEST_MASTER_KEY);
    const events = await store.readStream(`user-${userId!}`);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['AccountRegistered', 'EmailVerified', 'RoleGranted']),
    );
    expect(events.find((e) => e.type === 'RoleGranted')!.data).toMatchObject({
      role: 'admin',
      grantedBy: 'bootstrap',
    });
    const raw = await db.sql<
      { t: string }[]
    >`select string_agg(data::text || metadata::text, '') as t from events`;
    expect(raw[0]!.t).not.toContain(password);

    const second = await run(['--email', 'other@example.org', '--name', 'Other']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/An admin already exists/);
    expect(second.stdout).not.toMatch(/password/i);
    expect((await db.sql`select 1 from rm_accounts`).length).toBe(1);
  });

  it('explains its usage and its environment', async () => {
    const usage = await run(['--email', 'x@example.org']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run admin:bootstrap/);
    const noKey = await run(['--email', 'x@example.org', '--name', 'X'], { MASTER_KEY: '' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/MASTER_KEY/);
  });
});
