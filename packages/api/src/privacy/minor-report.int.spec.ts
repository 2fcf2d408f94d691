import { TRPCError } from '@trpc/server';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaffAccess } from '../staff/grants.js';
import { memoryCookies, type Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { silentLogger } from '../log.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';
import { MINOR_REPORT_RECEIVED } from './minor-report.js';

let db: TestDatabase;
let a: AuthServices;
let officerCtx: Context;
const clock = testClock(new Date('2027-03-01T09:00:00.000Z'));
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

/** A visitor without a session, from its own network. */
const visitor = (ip: string): Context => ({
  sql: a.sql,
  requestId: `req-${ip}`,
  session: null,
  ip,
  userAgent: 'vitest',
  log: silentLogger,
  cookies: memoryCookies(),
  auth: a,
});

const reportsAbout = (subjectId: string) =>
  db.sql<{ request_id: string; status: string; refusal: string | null; handled_by: string | null }[]>`
    select request_id, status, refusal, handled_by from rm_privacy_requests
     where subject_id = ${subjectId} and kind = 'minor_report' order by received_at, request_id`;

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  const officer = await createTestAccount(a, { email: 'officer@example.org' });
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

describe('reporting a suspected under-16 user (P33)', () => {
  it('a visitor reports; an officer confirms: the account is erased with reason minor, sessions end, request closed', async () => {
    const child = await createTestAccount(a, { name: 'Kid Young', email: 'Kid.Young@example.org' });
    const childCtx = await sessionContext(a, child);
    expect(await call(childCtx).privacy.requests()).toEqual([]);

    const answer = await call(visitor('198.51.100.4')).privacy.reportMinor({
      email: '  kid.young@EXAMPLE.org ',
    });
    expect(answer).toEqual({ received: true, message: MINOR_REPORT_RECEIVED });
    // The same answer for an address nobody uses, and nothing recorded for it.
    const before = (await db.sql`select count(*)::int as n from rm_privacy_requests`)[0]!.n as number;
    expect(await call(visitor('198.51.100.4')).privacy.reportMinor({ email: 'nobody@example.org' })).toEqual(
      answer,
    );
    expect((await db.sql`select count(*)::int as n from rm_privacy_requests`)[0]!.n).toBe(before);

    // In the queue as a minor report about the account; the reported address is nowhere in plaintext.
    const [report] = await reportsAbout(child);
    expect(report).toMatchObject({ status: 'received' });
    const queue = await call(officerCtx).compliance.requests({ kind: 'minor_report' });
    expect(queue.map((q) => q.requestId)).toContain(report!.request_id);
    const leaks = await db.sql`select 1 from events where data::text ilike ${'%kid.young%'}`;
    expect(leaks.length).toBe(0);

    // Only an officer with TOTP decides; the generic "handled" does not close it without erasing.
    const plainOfficer = await sessionContext(a, officerCtx.session!.userId, { mfaPassed: false });
    expect(
      await codeOf(
        call(plainOfficer).compliance.decideMinorReport({
          requestId: report!.request_id,
          decision: 'confirm',
        }),
      ),
    ).not.toBe('OK');
    expect(
      await codeOf(
        call(childCtx).compliance.decideMinorReport({ requestId: report!.request_id, decision: 'confirm' }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        call(officerCtx).compliance.handleRequest({ requestId: report!.request_id, outcome: 'completed' }),
      ),
    ).toBe('CONFLICT');

    expect(
      await call(officerCtx).compliance.decideMinorReport({
        requestId: report!.request_id,
        decision: 'confirm',
      }),
    ).toEqual({ requestId: report!.request_id, outcome: 'erased' });

    // Erased with reason minor_reported, answering this request; key gone; sessions ended; request completed.
    const erased = await db.sql<{ data: { reason: string }; metadata: { correlationId?: string } }[]>`
      select data, metadata from events where stream_id = ${`privacy-${child}`} and type = 'SubjectErased'`;
    expect(erased).toHaveLength(1);
    expect(erased[0]!.data.reason).toBe('minor_reported');
    expect(erased[0]!.metadata.correlationId).toBe(report!.request_id);
    expect(await a.sql.begin((tx) => a.keys.isErased(tx, child))).toBe(true);
    expect((await db.sql`select 1 from auth_sessions where user_id = ${child}`).length).toBe(0);
    expect(await reportsAbout(child)).toMatchObject([
      { request_id: report!.request_id, status: 'completed', handled_by: officerCtx.session!.userId },
    ]);
    // Deciding again is a conflict, not a 500; reporting the erased account again records nothing.
    expect(
      await codeOf(
        call(officerCtx).compliance.decideMinorReport({ requestId: report!.request_id, decision: 'dismiss' }),
      ),
    ).toBe('CONFLICT');
    await call(visitor('198.51.100.4')).privacy.reportMinor({ email: 'kid.young@example.org' });
    expect(await reportsAbout(child)).toHaveLength(1);
  });

  it('a signed-in candidate reports; the officer dismisses: closed refused, the account stays', async () => {
    const adult = await createTestAccount(a, { email: 'grown.up@example.org' });
    const reporter = await sessionContext(a, await createTestAccount(a));
    await call(reporter).privacy.reportMinor({ email: 'grown.up@example.org' });
    await call(reporter).privacy.reportMinor({ email: 'grown.up@example.org' }); // one open report is enough
    const reports = await reportsAbout(adult);
    expect(reports).toHaveLength(1);
    expect(
      await call(officerCtx).compliance.decideMinorReport({
        requestId: reports[0]!.request_id,
        decision: 'dismiss',
      }),
    ).toEqual({ requestId: reports[0]!.request_id, outcome: 'dismissed' });
    expect(await reportsAbout(adult)).toMatchObject([{ status: 'refused' }]);
    expect(await a.sql.begin((tx) => a.keys.isErased(tx, adult))).toBe(false);
    expect((await db.sql`select 1 from rm_accounts where user_id = ${adult}`).length).toBe(1);
  });

  it('rejects bad input with a 400 and limits reports per network', async () => {
    const v = visitor('192.0.2.77');
    expect(await codeOf(call(v).privacy.reportMinor({ email: 'not an email' }))).toBe('BAD_REQUEST');
    expect(await codeOf(call(v).privacy.reportMinor({ email: `${'x'.repeat(330)}@example.org` }))).toBe(
      'BAD_REQUEST',
    );
    const codes: string[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(await codeOf(call(v).privacy.reportMinor({ email: `p${i}@example.org` })));
    expect(codes.slice(0, 10).every((c) => c === 'OK')).toBe(true);
    expect(codes[11]).toBe('TOO_MANY_REQUESTS');
  });
});
