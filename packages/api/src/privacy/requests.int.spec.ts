import { TRPCError } from '@trpc/server';
import { createTestDatabase, only, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';
import { recordPrivacyRequest } from './requests.js';

let db: TestDatabase;
let a: AuthServices;
let officer: string;
let officerCtx: Context;
const clock = testClock(new Date('2027-01-31T09:00:00.000Z'));
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

describe('privacy requests and the compliance queue', () => {
  it('a complaint is a request due one calendar month later, in the queue with its text for officers only', async () => {
    const person = await createTestAccount(a, { name: 'Carla Complainer' });
    const me = await sessionContext(a, person);
    const r = await call(me).privacy.complain({ text: '  You kept emailing me after I said no.  ' });
    expect(r.dueAt).toBe('2027-02-28T09:00:00.000Z'); // 31 January + 1 month

    const mine = await call(me).privacy.requests();
    expect(mine).toMatchObject([{ requestId: r.requestId, kind: 'complaint', status: 'received' }]);

    const queue = await call(officerCtx).compliance.requests({});
    const row = queue.find((q) => q.requestId === r.requestId);
    expect(row).toMatchObject({
      kind: 'complaint',
      kindLabel: 'Complaint',
      status: 'received',
      overdue: false,
    });
    expect(await call(officerCtx).compliance.complaint({ requestId: r.requestId })).toMatchObject({
      text: 'You kept emailing me after I said no.',
    });
    // The text is stored only encrypted; the queue row holds ids and times only.
    const plain = await db.sql`select 1 from events where data::text like ${'%emailing me%'}`;
    expect(plain.length).toBe(0);
    const rm = await db.sql`select * from rm_privacy_requests where request_id = ${r.requestId}`;
    expect(JSON.stringify(rm)).not.toContain('emailing');

    // Too short, too long: field errors, not a 500.
    expect(await codeOf(call(me).privacy.complain({ text: 'bad' }))).toBe('BAD_REQUEST');
    expect(await codeOf(call(me).privacy.complain({ text: 'x'.repeat(5001) }))).toBe('BAD_REQUEST');
  });

  it('flags open requests past their due date; the officer marks one handled (an event naming them)', async () => {
    const person = await createTestAccount(a);
    const requestId = await a.sql.begin((tx) =>
      recordPrivacyRequest(a, tx, {
        subjectId: person,
        kind: 'rectification',
        actor: { kind: 'user', id: person },
        now: '2026-11-01T08:00:00.000Z',
      }),
    );
    const before = await call(officerCtx).compliance.requests({ status: 'open' });
    expect(before.find((q) => q.requestId === requestId)).toMatchObject({
      dueAt: '2026-12-01T08:00:00.000Z',
      overdue: true,
    });
    // Most urgent first.
    expect(before[0]!.requestId).toBe(requestId);

    const done = await call(officerCtx).compliance.handleRequest({ requestId, outcome: 'completed' });
    expect(done).toMatchObject({ status: 'completed', handledBy: officer, overdue: false });
    const events = await a.store.readStream(`privacy-request-${requestId}`);
    expect(events.map((e) => e.type)).toEqual(['PrivacyRequestReceived', 'PrivacyRequestCompleted']);
    expect(events[1]!.metadata.actor).toEqual({ kind: 'staff', id: officer });
    expect(only('PrivacyRequestCompleted', events[1]).data.handledBy).toEqual({
      kind: 'staff',
      staffId: officer,
    });

    // Closing twice is a conflict (409), an unknown id a 404.
    expect(await codeOf(call(officerCtx).compliance.handleRequest({ requestId, outcome: 'refused' }))).toBe(
      'CONFLICT',
    );
    expect(
      await codeOf(call(officerCtx).compliance.handleRequest({ requestId: 'nope', outcome: 'completed' })),
    ).toBe('NOT_FOUND');
    const closed = await call(officerCtx).compliance.requests({ status: 'closed' });
    expect(closed.some((q) => q.requestId === requestId)).toBe(true);
    expect((await call(officerCtx).compliance.requests({})).some((q) => q.requestId === requestId)).toBe(
      false,
    );
  });

  it('a refusal records one of the fixed reasons', async () => {
    const person = await createTestAccount(a);
    const requestId = await a.sql.begin((tx) =>
      recordPrivacyRequest(a, tx, {
        subjectId: person,
        kind: 'access',
        actor: { kind: 'user', id: person },
        now: clock().toISOString(),
      }),
    );
    const r = await call(officerCtx).compliance.handleRequest({
      requestId,
      outcome: 'refused',
      reason: 'manifestly_unfounded',
    });
    expect(r).toMatchObject({ status: 'refused', refusal: 'manifestly_unfounded', handledBy: officer });
    expect(
      await codeOf(
        call(officerCtx).compliance.handleRequest({
          requestId,
          outcome: 'refused',
          reason: 'because' as never,
        }),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('is for compliance officers with MFA only; candidates see only their own requests', async () => {
    const anon: Context = { ...officerCtx, session: null };
    expect(await codeOf(call(anon).compliance.requests({}))).toBe('UNAUTHORIZED');
    const candidate = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
    expect(await codeOf(call(candidate).compliance.requests({}))).toBe('FORBIDDEN');
    expect(
      await codeOf(call(candidate).compliance.handleRequest({ requestId: 'x', outcome: 'completed' })),
    ).toBe('FORBIDDEN');
    expect(await codeOf(call(candidate).compliance.complaint({ requestId: 'x' }))).toBe('FORBIDDEN');
    const noMfa = await sessionContext(a, officer);
    expect(await codeOf(call(noMfa).compliance.requests({}))).toBe('FORBIDDEN');
    expect(await call(candidate).privacy.requests()).toEqual([]);
  });

  it('withdrawing a consent and objecting are on record too (completed at once); giving one is not a request', async () => {
    const person = await createTestAccount(a);
    const me = await sessionContext(a, person);
    await call(me).privacy.setConsent({ purpose: 'marketing_email', given: true });
    expect(await call(me).privacy.requests()).toEqual([]);
    await call(me).privacy.setConsent({ purpose: 'marketing_email', given: false });
    await call(me).privacy.setObjection({ objecting: true });
    const kinds = (await call(me).privacy.requests()).map((r) => [r.kind, r.status, r.handledBy]).sort();
    expect(kinds).toEqual([
      ['objection', 'completed', 'system'],
      ['withdrawal', 'completed', 'system'],
    ]);
  });
});
