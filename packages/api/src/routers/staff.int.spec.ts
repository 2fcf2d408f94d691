import { randomUUID } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { TRPCError } from '@trpc/server';
import type { RecordedEvent } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import type { EventOf, EventType } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolesFor } from '../sessions/roles.js';
import { changeStaffAccess } from '../staff/grants.js';
import { stepAt, totpCode } from '../second-factor/totp.js';
import { hashToken, sessionCookieName } from '../sessions/sessions.js';
import type { Context, memoryCookies } from '../context.js';
import type { AuthServices } from '../services.js';
import { raiseSecurityAlert } from '../accounts/raise-security-alert.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let a: AuthServices;
const clock = testClock();
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

/** Passing the factor replaced the session: the old token is dead, the new cookie's session has MFA passed. */
const expectRotatedAndPassed = async (ctx: Context & { session: { sessionId?: string } }) => {
  const old = await db.sql`select 1 from auth_sessions where id = ${ctx.session.sessionId!}`;
  expect(old).toHaveLength(0);
  const cookie = (ctx.cookies as ReturnType<typeof memoryCookies>).jar.get(sessionCookieName(false));
  expect(cookie?.value).toMatch(/^[a-z2-7]{52}$/);
  const row = await db.sql<
    { mfa_passed: boolean }[]
  >`select mfa_passed from auth_sessions where id = ${hashToken(cookie!.value)}`;
  expect(row[0]!.mfa_passed).toBe(true);
};

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
});
afterAll(async () => db?.drop());

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

/** An account holding `role` (granted by a bootstrap admin), with TOTP enrolled; returns its key. */
const enrolledStaff = async (userId: string) => {
  const ctx = await sessionContext(a, userId);
  const begun = await call(ctx).mfa.beginEnrolment();
  const key = decodeBase32IgnorePadding(begun.secret);
  const { recoveryCodes } = await call(ctx).mfa.confirmEnrolment({ code: totpCode(key, stepAt(clock())) });
  return { key, recoveryCodes, ctx };
};

const eventsOf = async <T extends EventType>(userId: string, type: T) =>
  (await a.store.readStream(`user-${userId}`)).filter((e) => e.type === type) as RecordedEvent<EventOf<T>>[];

describe('MFA procedures', () => {
  it('enrol → recovery codes once + MfaEnrolled + the session counts as MFA-passed', async () => {
    const userId = await createTestAccount(a, { email: 'enrol@example.org' });
    const ctx = await sessionContext(a, userId);
    const begun = await call(ctx).mfa.beginEnrolment();
    expect(begun.otpauthUri).toContain('enrol%40example.org');
    const key = decodeBase32IgnorePadding(begun.secret);
    expect(
      await codeOf(
        call(ctx).mfa.confirmEnrolment({
          code: '000000' === totpCode(key, stepAt(clock())) ? '111111' : '000000',
        }),
      ),
    ).toBe('BAD_REQUEST');
    const { recoveryCodes } = await call(ctx).mfa.confirmEnrolment({ code: totpCode(key, stepAt(clock())) });
    expect(recoveryCodes).toHaveLength(10);
    expect(await eventsOf(userId, 'MfaEnrolled')).toHaveLength(1);
    await expectRotatedAndPassed(ctx);
    // a second enrolment is refused
    expect(await codeOf(call(ctx).mfa.beginEnrolment())).toBe('CONFLICT');
  });

  it('verify: a fresh code passes MFA on a new session; the same code again (same step) is refused', async () => {
    const userId = await createTestAccount(a);
    const { key } = await enrolledStaff(userId);
    clock.advance(30_000);
    const ctx = await sessionContext(a, userId);
    const code = totpCode(key, stepAt(clock()));
    await expect(call(ctx).mfa.verify({ code })).resolves.toEqual({ ok: true });
    await expectRotatedAndPassed(ctx);
    const other = await sessionContext(a, userId);
    expect(await codeOf(call(other).mfa.verify({ code }))).toBe('BAD_REQUEST'); // replay in the same step
  });

  it('recovery codes: single use, each use recorded with what is left', async () => {
    const userId = await createTestAccount(a);
    const { recoveryCodes } = await enrolledStaff(userId);
    const ctx = await sessionContext(a, userId);
    await expect(call(ctx).mfa.useRecoveryCode({ code: recoveryCodes[3]! })).resolves.toEqual({
      ok: true,
      remaining: 9,
    });
    const again = await sessionContext(a, userId);
    expect(await codeOf(call(again).mfa.useRecoveryCode({ code: recoveryCodes[3]! }))).toBe('BAD_REQUEST');
    const used = await eventsOf(userId, 'MfaRecoveryCodeUsed');
    expect(used.map((e) => e.data.remaining)).toEqual([9]);
  });

  it('wrong codes are rate limited (429 with Retry-After)', async () => {
    const userId = await createTestAccount(a);
    await enrolledStaff(userId);
    const ctx = await sessionContext(a, userId);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) codes.push(await codeOf(call(ctx).mfa.verify({ code: '999999' })));
    expect(codes).toContain('TOO_MANY_REQUESTS');
  });
});

describe('admin procedures (role admin + MFA)', () => {
  let admin: string;
  let adminCtx: Context;

  beforeAll(async () => {
    admin = await createTestAccount(a, { name: 'Root Admin', email: 'root@example.org' });
    await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
    const { ctx } = await enrolledStaff(admin);
    adminCtx = { ...ctx, session: { ...ctx.session, roles: await rolesFor(a.sql, admin), mfaPassed: true } };
  });

  it('a staff session without a passed second factor is FORBIDDEN; candidates too', async () => {
    const noMfa = await sessionContext(a, admin);
    expect(noMfa.session.roles).toEqual(['candidate', 'admin']);
    expect(await codeOf(call(noMfa).admin.listGrants())).toBe('FORBIDDEN');
    expect(await codeOf(call(noMfa).compliance.securityAlerts())).toBe('FORBIDDEN');
    const candidate = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
    expect(await codeOf(call(candidate).admin.listGrants())).toBe('FORBIDDEN');
    expect(await codeOf(call(candidate).compliance.securityAlerts())).toBe('FORBIDDEN');
  });

  it('grant, review and revoke are events naming who did it; roles follow at once', async () => {
    const target = await createTestAccount(a, { name: 'Olive Officer', email: 'olive@example.org' });
    await call(adminCtx).admin.grantRole({ userId: target, role: 'compliance_officer' });
    expect(await rolesFor(a.sql, target)).toEqual(['candidate', 'compliance_officer']);
    await call(adminCtx).admin.reviewGrant({ userId: target, role: 'compliance_officer' });
    await call(adminCtx).admin.revokeRole({ userId: target, role: 'compliance_officer' });
    expect(await rolesFor(a.sql, target)).toEqual(['candidate']);

    const [granted] = await eventsOf(target, 'RoleGranted');
    expect(granted!.data).toMatchObject({ userId: target, role: 'compliance_officer', grantedBy: admin });
    expect(granted!.metadata.actor).toEqual({ kind: 'staff', id: admin });
    expect((await eventsOf(target, 'AccessReviewed'))[0]!.data).toMatchObject({ reviewedBy: admin });
    expect((await eventsOf(target, 'RoleRevoked'))[0]!.data).toMatchObject({ revokedBy: admin });
  });

  it('grants a role to the person found by their sign-up email (any case), and says clearly when there is none', async () => {
    const target = await createTestAccount(a, { name: 'Eve Email', email: 'eve.email@example.org' });
    const res = await call(adminCtx).admin.grantRole({ email: '  Eve.Email@Example.org ', role: 'analyst' });
    expect(res).toEqual({ ok: true, userId: target });
    expect(await rolesFor(a.sql, target)).toEqual(['candidate', 'analyst']);
    const missing = call(adminCtx).admin.grantRole({ email: 'nobody@example.org', role: 'analyst' });
    expect(await codeOf(missing)).toBe('NOT_FOUND');
    await expect(missing).rejects.toThrow(/must sign up first/);
    expect(await codeOf(call(adminCtx).admin.grantRole({ email: 'not-an-email', role: 'analyst' }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('refuses: the last admin revoking themselves, self-grant, unknown accounts, double grants', async () => {
    expect(await codeOf(call(adminCtx).admin.revokeRole({ userId: admin, role: 'admin' }))).toBe('CONFLICT');
    expect(await codeOf(call(adminCtx).admin.grantRole({ userId: admin, role: 'admin' }))).toBe('CONFLICT');
    expect(await codeOf(call(adminCtx).admin.grantRole({ userId: randomUUID(), role: 'analyst' }))).toBe(
      'NOT_FOUND',
    );
    const t = await createTestAccount(a);
    await call(adminCtx).admin.grantRole({ userId: t, role: 'analyst' });
    expect(await codeOf(call(adminCtx).admin.grantRole({ userId: t, role: 'analyst' }))).toBe('CONFLICT');
    expect(await codeOf(call(adminCtx).admin.grantRole({ userId: t, role: 'candidate' as 'analyst' }))).toBe(
      'BAD_REQUEST',
    );
  });

  it('two admins revoking each other at once: one wins and one admin is left (decided through the command handler under the lock)', async () => {
    const other = await createTestAccount(a, { name: 'Ada Second', email: 'ada.second@example.org' });
    const now = clock().toISOString();
    await changeStaffAccess(a, { type: 'GrantRole', actorId: admin, userId: other, role: 'admin', now });
    const outcomes = await Promise.allSettled([
      changeStaffAccess(a, { type: 'RevokeRole', actorId: admin, userId: other, role: 'admin', now }),
      changeStaffAccess(a, { type: 'RevokeRole', actorId: other, userId: admin, role: 'admin', now }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const admins = await a.sql<
      { user_id: string }[]
    >`select user_id from rm_role_grants where role = 'admin'`;
    expect(admins).toHaveLength(1);
    // The revocation is the last event of its target's stream, appended at the version that was loaded.
    const loser = admins[0]!.user_id === admin ? other : admin;
    const stream = await a.store.readStream(`user-${loser}`);
    expect(stream.at(-1)!.type).toBe('RoleRevoked');
    expect(stream.map((e) => e.streamVersion)).toEqual(stream.map((_, i) => i + 1));
    if (loser === admin)
      await changeStaffAccess(a, { type: 'GrantRole', actorId: other, userId: admin, role: 'admin', now });
  });

  it('listGrants shows name, email, who granted, and overdue once the review period has passed', async () => {
    const t = await createTestAccount(a, { name: 'Ann Analyst', email: 'ann@example.org' });
    await call(adminCtx).admin.grantRole({ userId: t, role: 'analyst' });
    const row = async () => (await call(adminCtx).admin.listGrants()).find((g) => g.userId === t)!;
    expect(await row()).toMatchObject({
      name: 'Ann Analyst',
      email: 'ann@example.org',
      role: 'analyst',
      grantedBy: admin,
      lastReviewedAt: null,
      overdue: false,
    });
    const start = clock();
    try {
      clock.set(new Date(start.getTime() + 91 * 86_400_000));
      expect((await row()).overdue).toBe(true);
      await call(adminCtx).admin.reviewGrant({ userId: t, role: 'analyst' });
      expect(await row()).toMatchObject({ overdue: false, lastReviewedAt: clock().toISOString() });
      // a shorter configured period makes it overdue sooner
      clock.set(new Date(clock().getTime() + 11 * 86_400_000));
      const short = { ...adminCtx, staff: { accessReviewDays: 10 } };
      expect((await call(short).admin.listGrants()).find((g) => g.userId === t)!.overdue).toBe(true);
    } finally {
      clock.set(start);
    }
  });

  it('compliance.securityAlerts shows what the rate limiter raised, to officers and admins with MFA', async () => {
    const alertId = await raiseSecurityAlert(
      a,
      { requestId: 'test' },
      {
        kind: 'repeated_sign_in_failures_ip',
        userId: null,
        ipPrefix: '203.0.113.0/24',
        count: 10,
        windowStartedAt: clock(),
        windowMinutes: 15,
      },
    );
    const alerts = await call(adminCtx).compliance.securityAlerts();
    expect(alerts.find((x) => x.alertId === alertId)).toMatchObject({
      kind: 'repeated_sign_in_failures_ip',
      count: 10,
      detail: '10 failed sign-ins from network 203.0.113.0/24 within 15 minutes',
    });
    const officer = await createTestAccount(a);
    await call(adminCtx).admin.grantRole({ userId: officer, role: 'compliance_officer' });
    const { ctx } = await enrolledStaff(officer);
    const officerCtx = {
      ...ctx,
      session: { ...ctx.session, roles: await rolesFor(a.sql, officer), mfaPassed: true },
    };
    expect((await call(officerCtx).compliance.securityAlerts()).map((x) => x.alertId)).toContain(alertId);
    const analyst = await createTestAccount(a);
    await call(adminCtx).admin.grantRole({ userId: analyst, role: 'analyst' });
    const analystCtx = await sessionContext(a, analyst, { mfaPassed: true });
    expect(await codeOf(call(analystCtx).compliance.securityAlerts())).toBe('FORBIDDEN');
  });
});
