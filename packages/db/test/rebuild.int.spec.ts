/**
 * Rebuild (issue 9): swapped-in tables keep grants, foreign keys, triggers and their index names; two
 * rebuilds of one projection cannot run at once; every projection, accounts included, is rebuildable by name.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPersistence,
  ping,
  registered,
  TEST_MASTER_KEY,
  waitFor,
  type TestDatabase,
} from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { asInline, rebuildProjection, RebuildInProgressError, type Projection } from '../src/projections.js';
import { silentLogger } from '../src/log.js';
import { consent } from '../src/testing/index.js';
import {
  emailLookupFor,
  openAccountFields,
  PROJECTION_NAMES,
  projectionByName,
  type SealedAccountRow,
} from '../src/read-models/index.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => {
  ({ db, p } = await createTestPersistence());
  await db.sql.unsafe(`
    create table rb_parent (id text primary key);
    insert into rb_parent values ('p');
    create table rb_child (event_id uuid primary key, parent text not null references rb_parent (id),
                           payload text check (length(payload) < 100));
    create index rb_child_payload on rb_child (payload);
    create table rb_audit (event_id uuid not null);
    create function rb_audit() returns trigger language plpgsql as $$
      begin insert into rb_audit values (new.event_id); return new; end $$;
    create trigger rb_child_audit after insert on rb_child for each row execute function rb_audit();
    grant select on rb_child to tia_app;`);
});
afterAll(async () => db?.drop());

let gate: Promise<void> | null = null;
let waiting = false;
const child: Projection = {
  name: 'rb-child',
  tables: ['rb_child'],
  types: ['DiagnosticPinged'],
  apply: async (tx, events, t) => {
    if (gate) {
      waiting = true;
      await gate;
    }
    for (const e of events)
      await tx`insert into ${tx(t('rb_child'))} (event_id, parent, payload)
               values (${e.eventId}, 'p', ${(e.type === 'DiagnosticPinged' ? e.data.payload : undefined) ?? null})`;
  },
};

const describeTable = async (table: string) => ({
  grants: await db.sql`select grantee, privilege_type from information_schema.role_table_grants
                        where table_name = ${table} and grantee = 'tia_app' order by privilege_type`,
  constraints: await db.sql`select conname, contype from pg_constraint where conrelid = ${table}::regclass
                             order by conname`,
  indexes: await db.sql`select indexname from pg_indexes where tablename = ${table} order by indexname`,
  triggers:
    await db.sql`select tgname from pg_trigger where tgrelid = ${table}::regclass and not tgisinternal`,
});

describe('rebuild', () => {
  it('swaps in tables that keep grants, foreign keys, checks, triggers and index names', async () => {
    const before = await describeTable('rb_child');
    for (let i = 0; i < 3; i++)
      await p.store.append(`diag-${randomUUID()}`, 0, [ping(`r${i}`)], { inline: [asInline(child)] });
    for (let round = 0; round < 2; round++) {
      await rebuildProjection(child, { sql: p.store.sql, store: p.store, log: silentLogger, inline: true });
      expect(await describeTable('rb_child')).toEqual(before);
    }
    expect(await db.sql`select count(*)::int as n from rb_child`).toEqual([{ n: 3 }]);
    expect(await db.sql`select count(*)::int as n from rb_audit`).toEqual([{ n: 9 }]); // 3 live + 2 × 3 replayed
    await expect(
      db.sql`insert into rb_child (event_id, parent) values (${randomUUID()}, 'nope')`,
    ).rejects.toMatchObject({ code: '23503' });
    // A real read model, read as the application role after its rebuild.
    await p.store.append(`privacy-${randomUUID()}`, 0, [consent(randomUUID(), 'marketing_email')]);
    const consents = projectionByName('consents')!;
    await rebuildProjection(consents.projection, {
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      inline: true,
    });
    const rows = await db.sql.begin(async (tx) => {
      await tx`set local role tia_app`;
      return tx`select subject_id from rm_consents`;
    });
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    let release: () => void = () => undefined;
    gate = new Promise<void>((r) => (release = r));
    const first = rebuildProjection(child, { sql: db.sql, store: p.store, log: silentLogger, inline: true });
    try {
      await waitFor(() => waiting); // the first one holds its lock and is replaying
      await expect(
        rebuildProjection(child, { sql: db.sql, store: p.store, log: silentLogger, inline: true }),
      ).rejects.toBeInstanceOf(RebuildInProgressError);
    } finally {
      release();
      gate = null;
    }
    await expect(first).resolves.toMatchObject({ events: 3 });
  });

  it('rebuilds accounts by name, given the server secret and the master key', async () => {
    expect(PROJECTION_NAMES).toContain('accounts');
    expect(() => projectionByName('accounts')).toThrow(/AUTH_SECRET/);
    const secret = randomBytes(32);
    expect(() => projectionByName('accounts', { authSecret: secret })).toThrow(/MASTER_KEY/);
    const accounts = projectionByName('accounts', { authSecret: secret, masterKey: TEST_MASTER_KEY })!;
    const uid = randomUUID();
    await p.store.append(`user-${uid}`, 0, [registered(uid, 'Katherine Johnson', 'KJ@example.org ')], {
      inline: [asInline(accounts.projection)],
    });
    await db.sql`delete from rm_accounts`;
    await rebuildProjection(accounts.projection, {
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      inline: accounts.inline,
    });
    const rows = await db.sql<
      (SealedAccountRow & { email_lookup: string })[]
    >`select user_id, email_lookup, name_enc, email_enc from rm_accounts`;
    expect(rows.map((r) => [r.user_id, r.email_lookup])).toEqual([
      [uid, emailLookupFor(secret)('kj@example.org')],
    ]);
    expect(JSON.stringify(rows)).not.toContain('Katherine');
    expect((await openAccountFields(p.keys, db.sql, rows)).get(uid)?.name).toBe('Katherine Johnson');
  });
});
