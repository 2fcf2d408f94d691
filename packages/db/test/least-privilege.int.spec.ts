/**
 * Least privilege (issue 9): web and worker connect as a login role that is a member of `tia_app` only. It
 * does all of the application's work — append (through tia_append), read, keep read models, erase, seal,
 * consume, dead-letter — and cannot rewrite history: no INSERT/UPDATE on events, no DDL, no trigger tricks.
 */
import { mkdtemp, readdir, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consent,
  createTestDatabase,
  eventually,
  only,
  registered,
  TEST_MASTER_KEY,
  testServerUrl,
  type TestDatabase,
} from '../src/testing/index.js';
import { createPersistence, type Persistence } from '../src/factory.js';
import { createSql, type Sql } from '../src/sql.js';
import { ensureAppLogin, migrateOrVerify, MIGRATIONS_DIR, withCredentials } from '../src/migrate.js';
import {
  accountsProjection,
  activityProjection,
  emailLookupFor,
  INLINE_PROJECTIONS,
} from '../src/read-models/index.js';
import { asInline, runProjection } from '../src/projections.js';
import { eraseSubject } from '../src/privacy.js';
import { sealChain, verifyChain } from '../src/chain.js';
import { deadLetter } from '../src/quarantine.js';
import { listDeadLetters, requestRedrive } from '../src/dead-letters.js';
import { healthReport } from '../src/health.js';
import { silentLogger } from '../src/log.js';

const role = `tia_lp_${randomBytes(5).toString('hex')}`;
let db: TestDatabase;
let appSql: Sql;
let app: Persistence;

beforeAll(async () => {
  db = await createTestDatabase();
  await ensureAppLogin(db.sql, role, null);
  appSql = createSql(withCredentials(db.url, role, null), { max: 5, applicationName: 'tia-least-privilege' });
  app = createPersistence(appSql, TEST_MASTER_KEY);
});
afterAll(async () => {
  await appSql?.end({ timeout: 5 });
  await db?.drop();
  const admin = postgres(testServerUrl(), { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`drop role if exists ${role}`);
  } finally {
    await admin.end();
  }
});

describe('the application role', () => {
  it('does the application’s work', async () => {
    expect(await appSql`select current_user as u`).toEqual([{ u: role }]);
    expect(await migrateOrVerify(appSql)).toMatchObject({ applied: [] });
    const inline = [
      ...INLINE_PROJECTIONS.map(asInline),
      asInline(accountsProjection(emailLookupFor(randomBytes(32)), app.keys)),
    ];
    const uid = randomUUID();
    const reg = registered(uid, 'Dorothy Vaughan', 'dv@example.org');
    await app.store.append(`user-${uid}`, 0, [reg], { inline });
    expect(await app.store.append(`user-${uid}`, 0, [reg], { inline })).toMatchObject({
      alreadyAppended: true,
    });
    await app.store.append(`privacy-${uid}`, 0, [consent(uid, 'marketing_email')], { inline });
    expect(only('AccountRegistered', (await app.store.readStream(`user-${uid}`))[0]).data.name).toBe(
      'Dorothy Vaughan',
    );
    expect(await appSql`select user_id from rm_accounts`).toEqual([{ user_id: uid }]);
    await eraseSubject(
      { store: app.store, keys: app.keys, inline },
      { subjectId: uid, reason: 'user_request', eventId: randomUUID(), now: new Date().toISOString() },
    );
    expect(await appSql`select user_id from rm_accounts`).toEqual([]);

    await eventually(async () => {
      await sealChain(appSql);
      expect(await verifyChain(appSql)).toMatchObject({ ok: true, unsealed: 0 });
    }, 30_000);

    const ac = new AbortController();
    const run = runProjection(activityProjection, {
      sql: appSql,
      store: app.store,
      log: silentLogger,
      signal: ac.signal,
      pollMs: 10,
    });
    try {
      await eventually(async () => {
        expect(await appSql`select 1 from rm_activity_daily where type = 'SubjectErased'`).toHaveLength(1);
      }, 30_000);
    } finally {
      ac.abort();
      await run;
    }
    const [stored] = await app.store
      .readBatch({ transactionId: '0', globalPosition: 0 }, 1)
      .then((b) => b.events);
    await deadLetter(appSql, silentLogger, {
      consumer: 'handler:x',
      event: stored!,
      reason: 'failed',
      error: 'e',
      attempts: 1,
    });
    await deadLetter(appSql, silentLogger, {
      consumer: 'handler:x',
      event: stored!,
      reason: 'failed',
      error: 'e2',
      attempts: 2,
    });
    expect(await requestRedrive(appSql, { consumer: 'handler:x' })).toEqual({
      requested: 1,
      skippedProjections: 0,
    });
    expect(await listDeadLetters(appSql)).toMatchObject([{ consumer: 'handler:x', error: 'e2' }]);
    expect(await healthReport(appSql)).toMatchObject({ database: { ok: true } });
  });

  it('cannot rewrite history or change the schema', async () => {
    const denied = { code: '42501' };
    const id = randomUUID();
    await expect(
      appSql`insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
             values (${`diag-${id}`}, 1, ${id}, 'DiagnosticPinged', 1, '{}', '{}')`,
    ).rejects.toMatchObject(denied);
    await expect(appSql`update events set data = '{}'`).rejects.toMatchObject(denied);
    await expect(appSql`delete from event_chain`).rejects.toMatchObject(denied);
    await expect(appSql`alter table events disable trigger all`).rejects.toMatchObject(denied);
    await expect(appSql`set session_replication_role = replica`).rejects.toMatchObject(denied);
    await expect(appSql`create table sneaky (x int)`).rejects.toMatchObject(denied);
    await expect(appSql`drop table rm_consents`).rejects.toMatchObject(denied);
    await expect(
      appSql`create or replace function tia_append(text, bigint, jsonb) returns int language sql as 'select 1'`,
    ).rejects.toMatchObject(denied);
  });

  it('cannot hijack tia_append with a temporary table of the same name', async () => {
    const id = randomUUID();
    const T = '2026-11-30T12:00:00.000Z';
    await appSql.begin(async (tx) => {
      await tx`create temp table events (global_position bigint, stream_version bigint, stream_id text,
               transaction_id xid8, event_id uuid, type text, schema_version int, data jsonb, metadata jsonb)
               on commit drop`;
      await tx`select * from tia_append(${`diag-${id}`}, 0, ${tx.json([
        {
          event_id: id,
          type: 'DiagnosticPinged',
          schema_version: 1,
          data: { pingId: id, sentAt: T },
          metadata: { occurredAt: T },
        },
      ])})`;
      expect(await tx`select 1 from pg_temp.events`).toHaveLength(0);
    });
    expect(await db.sql`select 1 from public.events where event_id = ${id}`).toHaveLength(1);
  });

  it('refuses to start with a migration pending, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tia-migrations-'));
    try {
      for (const f of await readdir(MIGRATIONS_DIR))
        await copyFile(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
      await writeFile(path.join(dir, '9999_later.sql'), 'select 1;');
      await expect(migrateOrVerify(appSql, dir)).rejects.toThrow(
        /Migrations pending: 9999_later\.sql.*db:migrate/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
