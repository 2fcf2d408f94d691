import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { AuditTree, DirectoryAnchorStore, publishCheckpoint, sealChain } from '@tia/db';
import { createTestDatabase, eventually, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import { raiseSecurityAlert } from '../accounts/raise-security-alert.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let a: AuthServices;
let officer: string;
let officerCtx: Context;
const clock = testClock();
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

const alert = (requestId: string) =>
  raiseSecurityAlert(
    a,
    { requestId },
    {
      kind: 'repeated_sign_in_failures_ip',
      userId: null,
      ipPrefix: '198.51.100.0/24',
      count: 5,
      windowStartedAt: clock(),
      windowMinutes: 15,
    },
  );

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  officer = await createTestAccount(a, { email: 'officer@example.org' });
  await changeStaffAccess(a, {
    type: 'GrantRole',
    actorId: admin,
    userId: officer,
    role: 'compliance_officer',
    now: clock().toISOString(),
  });
  officerCtx = await sessionContext(a, officer, { mfaPassed: true });
});
afterAll(async () => db?.drop());

describe('compliance.events', () => {
  it('is refused to anonymous callers, candidates and officers who have not passed MFA', async () => {
    const anon: Context = { ...officerCtx, session: null };
    expect(await codeOf(call(anon).compliance.events({}))).toBe('UNAUTHORIZED');
    const candidate = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
    expect(await codeOf(call(candidate).compliance.events({}))).toBe('FORBIDDEN');
    const noMfa = await sessionContext(a, officer);
    expect(await codeOf(call(noMfa).compliance.events({}))).toBe('FORBIDDEN');
    expect((await call(officerCtx).compliance.events({})).events.length).toBeGreaterThan(0);
  });

  it('rejects malformed filters and limits as BAD_REQUEST', async () => {
    const o = call(officerCtx).compliance;
    expect(await codeOf(o.events({ limit: 101 }))).toBe('BAD_REQUEST');
    expect(await codeOf(o.events({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(o.events({ filter: { type: 'NoSuchEvent' } }))).toBe('BAD_REQUEST');
    expect(await codeOf(o.events({ filter: { streamPrefix: "user-'; drop" } }))).toBe('BAD_REQUEST');
    expect(
      await codeOf(o.events({ filter: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(o.events({ cursor: -1 }))).toBe('BAD_REQUEST');
  });

  it('pages a subject over their own stream and events elsewhere naming them, newest first, each event once', async () => {
    const subject = await createTestAccount(a, { name: 'Grace Pager', email: 'grace.pager@example.org' });
    const at = new Date().toISOString();
    for (let i = 0; i < 3; i++)
      await a.store.append(`elsewhere-${subject}`, 'any', [
        {
          eventId: crypto.randomUUID(),
          type: 'PasswordChanged',
          data: { userId: subject, via: 'change', changedAt: at },
          metadata: { occurredAt: at, actor: { kind: 'system', id: 'test' }, correlationId: `pager-${i}` },
        },
      ]);
    const expected = await db.sql<{ p: string }[]>`
      select global_position::text as p from events
       where stream_id = ${`user-${subject}`} or data->>'userId' = ${subject}
       order by global_position desc`;
    expect(expected.length).toBeGreaterThan(3);
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await call(officerCtx).compliance.events({
        filter: { subjectId: subject },
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.events.map((e) => e.globalPosition));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expected.map((r) => Number(r.p)));
    // Combined with another filter, both halves apply it.
    const one = await call(officerCtx).compliance.events({
      filter: { subjectId: subject, correlationId: 'pager-1' },
    });
    expect(one.events.map((e) => [e.streamId, e.correlationId])).toEqual([
      [`elsewhere-${subject}`, 'pager-1'],
    ]);
  });

  it('filters by subject, type, stream prefix, correlation id and time; shows field names, never values', async () => {
    const subject = await createTestAccount(a, { name: 'Ada Secret', email: 'ada.secret@example.org' });
    const o = call(officerCtx).compliance;

    const own = await o.events({ filter: { subjectId: subject } });
    expect(own.events.length).toBeGreaterThan(0);
    expect(own.events.every((e) => e.streamId === `user-${subject}`)).toBe(true);
    const reg = own.events.find((e) => e.type === 'AccountRegistered')!;
    expect(reg.fields).toEqual(expect.arrayContaining([{ name: 'email', personal: true }]));
    expect(reg.actor).not.toBeNull();
    const json = JSON.stringify(own);
    expect(json).not.toContain('ada.secret');
    expect(json).not.toContain('Ada Secret');
    expect(json).not.toContain('$enc');

    const byType = await o.events({ filter: { type: 'AccountRegistered' }, limit: 100 });
    expect(byType.events.every((e) => e.type === 'AccountRegistered')).toBe(true);
    expect(byType.events.map((e) => e.streamId)).toContain(`user-${subject}`);

    const corr = `corr-${subject}`;
    await alert(corr);
    await alert('other-correlation');
    const byCorr = await o.events({ filter: { correlationId: corr } });
    expect(byCorr.events.map((e) => [e.type, e.correlationId])).toEqual([['SecurityAlertRaised', corr]]);

    const byPrefix = await o.events({ filter: { streamPrefix: 'securityalert-' }, limit: 100 });
    expect(byPrefix.events.length).toBeGreaterThanOrEqual(2);
    expect(byPrefix.events.every((e) => e.streamId.startsWith('securityalert-'))).toBe(true);

    // time range: from the correlated alert's own timestamp to itself holds just events of that instant
    const at = byCorr.events[0]!.recordedAt;
    const inRange = await o.events({ filter: { from: at, to: at, correlationId: corr } });
    expect(inRange.events).toHaveLength(1);
    const before = await o.events({ filter: { to: '2000-01-01T00:00:00Z' } });
    expect(before.events).toHaveLength(0);
  });

  it('pages newest first with a cursor that stays stable while events are appended', async () => {
    for (let i = 0; i < 5; i++) await alert(`page-${i}`);
    const o = call(officerCtx).compliance;
    const filter = { streamPrefix: 'securityalert-' };
    const first = await o.events({ filter, limit: 3 });
    expect(first.events).toHaveLength(3);
    const positions = first.events.map((e) => e.globalPosition);
    expect([...positions].sort((x, y) => y - x)).toEqual(positions);
    const snapshot = (
      await db.sql<{ p: string }[]>`
      select global_position as p from events where stream_id like 'securityalert-%' order by 1 desc`
    ).map((r) => Number(r.p));
    // appends racing with the reader land above the cursor and never shift what the next pages hold
    const next = o.events({ filter, cursor: first.nextCursor!, limit: 3 });
    await Promise.all([alert('race-1'), alert('race-2')]);
    const seen = [...positions];
    let page = await next;
    for (;;) {
      seen.push(...page.events.map((e) => e.globalPosition));
      if (page.nextCursor === null) break;
      page = await o.events({ filter, cursor: page.nextCursor, limit: 3 });
    }
    expect(seen).toEqual(snapshot);
  });

  it('records each page looked at as AuditTrailConsulted, with who and which filter', async () => {
    const corr = 'looked-for';
    await call(officerCtx).compliance.events({ filter: { correlationId: corr }, limit: 7 });
    const rows = await db.sql<{ data: Record<string, unknown>; metadata: Record<string, unknown> }[]>`
      select data, metadata from events where type = 'AuditTrailConsulted' and data->'filter'->>'correlationId' = ${corr}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({
      officerId: officer,
      action: 'browse',
      filter: { correlationId: corr, limit: 7 },
      outcome: '0 events',
    });
    expect(rows[0]!.metadata).toMatchObject({ actor: { kind: 'staff', id: officer } });
  });
});

/** Seals every committed event (the sealer waits for older transactions on the whole server). */
const sealAll = async (): Promise<number> =>
  eventually(async () => {
    await sealChain(db.sql);
    const [r] = await db.sql<{ sealed: string; total: string }[]>`
      select (select count(*) from event_chain)::text as sealed, (select count(*) from events)::text as total`;
    expect(r!.sealed).toBe(r!.total);
    return Number(r!.sealed);
  }, 60_000);

describe('compliance.verifyLog', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tia-trail-anchors-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('is refused to candidates and officers without MFA', async () => {
    const candidate = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
    expect(await codeOf(call({ ...candidate, audit: { anchorDir: dir } }).compliance.verifyLog())).toBe(
      'FORBIDDEN',
    );
    const noMfa = await sessionContext(a, officer);
    expect(await codeOf(call({ ...noMfa, audit: { anchorDir: dir } }).compliance.verifyLog())).toBe(
      'FORBIDDEN',
    );
  });

  it('says intact up to the signed checkpoint, then names the event a superuser edited', async () => {
    const ctx: Context = { ...officerCtx, audit: { anchorDir: dir } };
    expect(await call(ctx).compliance.verifyLog()).toMatchObject({ status: 'no_checkpoint' });

    await alert('before-checkpoint');
    const sealed = await sealAll();
    const published = await publishCheckpoint({
      db: db.sql,
      tree: new AuditTree(),
      store: new DirectoryAnchorStore(dir),
      key: generateKeyPairSync('ed25519').privateKey,
      now: new Date(),
    });
    expect(published?.treeSize).toBe(sealed);
    const ok = await call(ctx).compliance.verifyLog();
    expect(ok).toMatchObject({ status: 'intact', treeSize: sealed, signedAt: published!.time.toISOString() });

    // The owner rewrites a sealed row behind the append-only triggers.
    const [victim] = await db.sql<{ global_position: string }[]>`
      select c.global_position::text as global_position from event_chain c
        join events e using (global_position) where e.type = 'SecurityAlertRaised' order by c.seq limit 1`;
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update events set data = jsonb_set(data, '{count}', '1')
                where global_position = ${victim!.global_position}`;
    });
    const broken = await call(ctx).compliance.verifyLog();
    expect(broken).toMatchObject({
      status: 'broken',
      problem: 'event_changed',
      firstBad: { globalPosition: Number(victim!.global_position) },
    });
    expect(JSON.stringify(broken)).not.toContain(dir);

    const runs = await db.sql<{ data: Record<string, unknown> }[]>`
      select data from events where type = 'AuditTrailConsulted' and data->>'action' = 'verify'
       order by global_position`;
    expect(runs.map((r) => r.data.officerId)).toEqual([officer, officer, officer]);
    expect(String(runs[1]!.data.outcome)).toMatch(/^intact up to checkpoint \d+ signed at /);
    expect(String(runs[2]!.data.outcome)).toMatch(/^broken: event_changed/);
  });
});
