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
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let a: AuthServices;
let dir: string;
let officer: string;
let ctx: Context;
const clock = testClock();
const call = (c: Context) => createCallerFactory(appRouter)(c).compliance;

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

const sealAll = async (): Promise<number> =>
  eventually(async () => {
    await sealChain(db.sql);
    const [r] = await db.sql<{ sealed: string; total: string }[]>`
      select (select count(*) from event_chain)::text as sealed, (select count(*) from events)::text as total`;
    expect(r!.sealed).toBe(r!.total);
    return Number(r!.sealed);
  }, 60_000);

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  dir = await mkdtemp(path.join(tmpdir(), 'tia-export-anchors-'));
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
  ctx = { ...(await sessionContext(a, officer, { mfaPassed: true })), audit: { anchorDir: dir } };
  await createTestAccount(a, { name: 'Ada', email: 'ada@example.org' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

describe('compliance.exportTrail', () => {
  it('exports the filtered trail as JSON with the checkpoint it was verified against', async () => {
    const sealed = await sealAll();
    const cp = await publishCheckpoint({
      db: db.sql,
      tree: new AuditTree(),
      store: new DirectoryAnchorStore(dir),
      key: generateKeyPairSync('ed25519').privateKey,
      now: new Date(),
    });
    await createTestAccount(a, { name: 'Grace', email: 'grace@example.org' }); // after the checkpoint

    const r = await call(ctx).exportTrail({ format: 'json', filter: { type: 'AccountRegistered' } });
    expect(r.verification).toMatchObject({
      status: 'intact',
      treeSize: sealed,
      signedAt: cp!.time.toISOString(),
    });
    expect(r.filename).toMatch(/^audit-trail-.*\.json$/);
    const body = JSON.parse(r.body) as {
      verification: { treeSize: number };
      filter: unknown;
      events: { type: string; inCheckpoint: boolean; sealedSeq: number | null; fields: { name: string }[] }[];
    };
    expect(body.verification.treeSize).toBe(sealed);
    expect(body.filter).toEqual({ type: 'AccountRegistered' });
    // Four accounts: three covered by the checkpoint, Grace's (newest first) not yet.
    expect(body.events.map((e) => e.type)).toEqual(Array(4).fill('AccountRegistered'));
    expect(body.events.map((e) => e.inCheckpoint)).toEqual([false, true, true, true]);
    expect(body.events[1]!.sealedSeq).toBeGreaterThan(0);
    // Field names only, never values.
    expect(r.body).not.toContain('ada@example.org');
    expect(body.events[1]!.fields.map((f) => f.name)).toContain('email');
  });

  it('exports CSV with the verification in its header, and records the export', async () => {
    const r = await call(ctx).exportTrail({ format: 'csv', filter: { type: 'AccountRegistered' }, limit: 2 });
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^# TrueInterviewAI audit trail export/);
    expect(lines.find((l) => l.startsWith('# verification:'))).toContain('"status":"intact"');
    const headerAt = lines.findIndex((l) => l.startsWith('globalPosition,'));
    expect(lines.slice(headerAt + 1)).toHaveLength(2);
    expect(lines[headerAt + 1]).toContain('AccountRegistered');
    expect(lines[headerAt + 1]).toContain('email*');
    const runs = await db.sql<{ data: { action: string; officerId: string; outcome: string } }[]>`
      select data from events where type = 'AuditTrailConsulted' order by global_position`;
    expect(runs.map((x) => x.data.action)).toEqual(['export', 'export']);
    expect(runs[1]!.data).toMatchObject({ officerId: officer });
    expect(runs[1]!.data.outcome).toMatch(/^2 events; intact up to checkpoint/);
  });

  it('is for officers with MFA, and refuses without a way to verify', async () => {
    const candidate = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
    expect(
      await codeOf(call({ ...candidate, audit: { anchorDir: dir } }).exportTrail({ format: 'csv' })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(call({ ...ctx, audit: undefined }).exportTrail({ format: 'csv' }))).not.toBe('OK');
    expect(await codeOf(call(ctx).exportTrail({ format: 'csv', limit: 10_001 }))).toBe('BAD_REQUEST');
  });
});
