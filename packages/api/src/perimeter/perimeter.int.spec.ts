/**
 * Issue 8 (close the perimeter), against real PostgreSQL and a real SMTP server: attempts are reserved before
 * they are verified, so concurrency cannot multiply a limit; a pending second factor guards everything; only
 * verified accounts practise; smaller account-security rules. (The HTTP-level parts — batching, client address,
 * the event loop — are proven against `npm start` in scripts/perimeter.e2e.spec.ts.)
 */
import { randomUUID } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, httpStatusOf } from '../errors.js';
import { POLICIES } from '../rate-limit.js';
import { changeStaffAccess } from '../staff/grants.js';
import { hashToken, sessionCookieName } from '../sessions/sessions.js';
import { stepAt, totpCode } from '../second-factor/totp.js';
import { handleRecordingUpload } from '../practice/upload-http.js';
import { memoryCookies, type Context } from '../context.js';
import { smtpMailer } from '../mail/mailer.js';
import { createAuthServices } from '../services.js';
import { silentLogger } from '../log.js';
import { appRouter } from '../root.js';
import { createCallerFactory } from '../trpc.js';
import { TEST_MASTER_KEY } from '@tia/db/testing';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import {
  AUTH_SECRET,
  createHarness,
  signUpInput,
  waitForMails,
  type Browser,
  type Harness,
} from '../testing/identity-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A real SMTP server that takes `delayMs` to accept each message. */
const slowSmtp = async (delayMs: number) => {
  let done: () => void = () => undefined;
  const delivered = new Promise<void>((r) => (done = r));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () =>
        setTimeout(() => {
          callback();
          done();
        }, delayMs),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    delivered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const freshEmail = () => `p-${randomUUID().slice(0, 8)}@example.org`;
const PASSWORD = 'analytical engine notes';

const signedUp = async (b?: Browser) => {
  const email = freshEmail();
  b ??= await h.browser();
  const r = await (await b.call()).auth.signUp(signUpInput({ email, password: PASSWORD }));
  await waitForMails(h, email, 1);
  return { b, email, userId: r.userId };
};
const verified = async () => {
  const s = await signedUp();
  await (await s.b.call()).auth.verifyEmail({ email: s.email, code: h.lastCodeFor(s.email) });
  return s;
};

/** The outcome of a call as the HTTP layer would report it: 'ok' or the tRPC code. */
const outcome = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    if (e instanceof AppError) return `${e.code}:${httpStatusOf(e)}`;
    return `unexpected:${String(e)}`;
  }
};
const tally = (xs: string[]) =>
  xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

const enrolTotp = async (b: Browser) => {
  const begun = await (await b.call()).mfa.beginEnrolment();
  const key = decodeBase32IgnorePadding(begun.secret);
  await (await b.call()).mfa.confirmEnrolment({ code: totpCode(key, stepAt(h.clock.now)) });
  return key;
};

describe('item 2: attempts are reserved before they are verified', () => {
  it('60 concurrent wrong sign-ins for one account check at most the free allowance; the rest 429, never 500', async () => {
    const { email } = await verified();
    const b = await h.browser({ ip: '198.51.100.20' });
    const results = await Promise.all(
      Array.from({ length: 60 }, async () =>
        outcome((await b.call()).auth.signIn({ email, password: 'wrong wrong wrong' })),
      ),
    );
    const t = tally(results);
    // The clock does not move: the block set by the 5th reservation holds for all the others.
    expect(t).toEqual({ UNAUTHORIZED: POLICIES.signInAccount.freeFailures, TOO_MANY_REQUESTS: 55 });
  });

  it('a stranger on another network cannot lock the owner out (per account and network), the ceiling alerts', async () => {
    const { email, userId } = await verified();
    const attacker = await h.browser({ ip: '192.0.2.66' });
    for (let i = 0; i < 8; i++)
      await outcome((await attacker.call()).auth.signIn({ email, password: 'guess guess guess' }));
    expect(await outcome((await attacker.call()).auth.signIn({ email, password: PASSWORD }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    const owner = await h.browser({ ip: '203.0.113.80' });
    expect(await outcome((await owner.call()).auth.signIn({ email, password: PASSWORD }))).toBe('ok');
    // 10 failures from many networks raise one account alert (the ceiling counts every network).
    for (let n = 0; n < 5; n++) {
      const other = await h.browser({ ip: `192.0.${10 + n}.9` });
      await outcome((await other.call()).auth.signIn({ email, password: 'guess guess guess' }));
    }
    const state = await h.auth.store.readStream(`user-${userId}`);
    expect(state.filter((e) => e.type === 'SignInFailed').length).toBe(10);
    const alertStreams = await h.db.sql<{ stream_id: string }[]>`
      select stream_id from events where type = 'SecurityAlertRaised'`;
    const alerts = (await Promise.all(alertStreams.map((r) => h.auth.store.readStream(r.stream_id))))
      .flat()
      .filter((e) => e.type === 'SecurityAlertRaised');
    expect(
      alerts.filter((e) => e.data.kind === 'repeated_sign_in_failures_account' && e.data.userId === userId),
    ).toHaveLength(1);
  });

  it('parallel right passwords for one account all succeed: the account stream conflict is retried, not a 500', async () => {
    const { email } = await verified();
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const b = await h.browser({ ip: `198.18.${i}.1` });
        return outcome((await b.call()).auth.signIn({ email, password: PASSWORD }));
      }),
    );
    expect(tally(results)).toEqual({ ok: 12 });
  });

  it('60 parallel wrong TOTP codes try at most the per-step cap', async () => {
    const { b, email } = await verified();
    const key = await enrolTotp(b);
    const pending = await h.browser();
    await (await pending.call()).auth.signIn({ email, password: PASSWORD });
    const right = totpCode(key, stepAt(h.clock.now));
    const wrong = right === '000000' ? '111111' : '000000';
    const results = await Promise.all(
      Array.from({ length: 60 }, async () => outcome((await pending.call()).mfa.verify({ code: wrong }))),
    );
    expect(tally(results)).toEqual({
      BAD_REQUEST: POLICIES.totpStep.freeFailures,
      TOO_MANY_REQUESTS: 60 - POLICIES.totpStep.freeFailures,
    });
  });
});

describe('item 4: a pending second factor guards everything but MFA, sign-out and auth.me', () => {
  it('password alone reads nothing, changes nothing, uploads nothing; passing the factor rotates the token', async () => {
    const { b, email } = await verified();
    const key = await enrolTotp(b);
    const { sessionId } = await (await b.call()).practice.start({ track: 'competency', count: 1 });

    const pending = await h.browser();
    const signedIn = await (await pending.call()).auth.signIn({ email, password: PASSWORD });
    expect(signedIn.mfaRequired).toBe(true);
    const c = await pending.call();
    expect(await outcome(c.practice.history())).toBe('FORBIDDEN');
    expect(await outcome(c.practice.session({ sessionId }))).toBe('FORBIDDEN');
    expect(await outcome(c.practice.start({ track: 'competency', count: 1 }))).toBe('FORBIDDEN');
    expect(
      await outcome(
        c.auth.changePassword({ currentPassword: PASSWORD, newPassword: 'a brand new passphrase' }),
      ),
    ).toBe('FORBIDDEN');
    expect(await outcome(c.auth.completeProfile(signUpInput()))).toBe('FORBIDDEN');
    expect((await c.auth.me())?.mfaPassed).toBe(false);
    const upload = await outcome(
      handleRecordingUpload(h.auth, {
        session: await pending.session(),
        requestId: 'r',
        ip: '10.9.9.9',
        query: new URLSearchParams({
          sessionId,
          questionId: 'q',
          durationSeconds: '10',
          recordingId: randomUUID(),
        }),
        contentType: 'audio/webm',
        contentLength: '4',
        body: new Uint8Array([1, 2, 3, 4]),
      }),
    );
    expect(upload).toBe('FORBIDDEN:403');

    const before = pending.token()!;
    h.clock.advance(30); // the enrolment code's step is used up
    await (await pending.call()).mfa.verify({ code: totpCode(key, stepAt(h.clock.now)) });
    const after = pending.token()!;
    expect(after).not.toBe(before);
    const oldRow = await h.db.sql`select 1 from auth_sessions where id = ${hashToken(before)}`;
    expect(oldRow).toHaveLength(0);
    expect(await h.auth.sessions.validate(before)).toBeNull();
    expect(await outcome((await pending.call()).practice.history())).toBe('ok');
    expect(pending.cookies.jar.get(sessionCookieName(false))?.value).toBe(after);
  });
});

describe('item 6: verify first, then practise; starts and uploads are budgeted', () => {
  it('an unverified account can sign in but cannot start a session or upload', async () => {
    const { email } = await signedUp();
    const b = await h.browser();
    await (await b.call()).auth.signIn({ email, password: PASSWORD });
    expect(await outcome((await b.call()).practice.start({ track: 'competency', count: 1 }))).toBe(
      'FORBIDDEN',
    );
    const started = await h.db.sql`select 1 from events where type = 'PracticeSessionStarted'`;
    const before = started.length;
    const upload = await outcome(
      handleRecordingUpload(h.auth, {
        session: await b.session(),
        requestId: 'r',
        ip: '10.9.9.8',
        query: new URLSearchParams({
          sessionId: randomUUID(),
          questionId: 'q',
          durationSeconds: '10',
          recordingId: randomUUID(),
        }),
        contentType: 'audio/webm',
        contentLength: '4',
        body: new Uint8Array([1, 2, 3, 4]),
      }),
    );
    expect(upload).toBe('FORBIDDEN:403');
    expect(await h.db.sql`select 1 from events where type = 'PracticeSessionStarted'`).toHaveLength(before);
  });

  it('session starts are limited per account', async () => {
    const { b } = await verified();
    const results: string[] = [];
    for (let i = 0; i < POLICIES.sessionStartAccount.freeFailures + 2; i++)
      results.push(await outcome((await b.call()).practice.start({ track: 'competency', count: 1 })));
    expect(results.slice(0, POLICIES.sessionStartAccount.freeFailures).every((r) => r === 'ok')).toBe(true);
    expect(results.at(-1)).toBe('TOO_MANY_REQUESTS');
  });

  it('uploads are limited per network too: many accounts behind one address share its budget', async () => {
    const accounts = await Promise.all(Array.from({ length: 5 }, () => verified()));
    const attempt = async (b: Browser) =>
      outcome(
        handleRecordingUpload(h.auth, {
          session: await b.session(),
          requestId: 'r',
          ip: '203.0.113.250',
          query: new URLSearchParams({
            sessionId: randomUUID(),
            questionId: 'q',
            durationSeconds: '10',
            recordingId: randomUUID(),
          }),
          contentType: 'audio/webm',
          contentLength: '4',
          body: new Uint8Array([1, 2, 3, 4]),
        }),
      );
    const results: string[] = [];
    // 25 per account stays under the per-account budget (30); 125 from one network passes its budget (120).
    for (const { b } of accounts) for (let i = 0; i < 25; i++) results.push(await attempt(b));
    expect(results.slice(0, POLICIES.uploadIp.freeFailures).every((r) => r !== 'RATE_LIMITED:429')).toBe(
      true,
    );
    expect(results.at(-1)).toBe('RATE_LIMITED:429');
  });
});

describe('item 7: smaller account-security rules', () => {
  it('verifying the address ends the sessions of whoever pre-registered it', async () => {
    const { email } = await signedUp();
    const squatter = await h.browser();
    await (await squatter.call()).auth.signIn({ email, password: PASSWORD });
    expect(await squatter.session()).not.toBeNull();
    const owner = await h.browser();
    await (await owner.call()).auth.resendVerification({ email });
    await waitForMails(h, email, 2);
    await (await owner.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
    expect(await squatter.session()).toBeNull();
    expect(await owner.session()).not.toBeNull();
  });

  it('a staff grant shortens an open session to the staff idle limit on the next request', async () => {
    const candidate = await verified();
    const staff = await verified();
    await changeStaffAccess(h.auth, {
      type: 'BootstrapAdmin',
      userId: staff.userId,
      now: h.clock.now.toISOString(),
    });
    h.clock.advance(13 * 3600); // past the 12 h staff idle limit, well inside the 7-day candidate one
    expect(await candidate.b.session()).not.toBeNull();
    expect(await staff.b.session()).toBeNull();
  });

  it('a password reset keeps "must change password" (a one-time password stays one-time)', async () => {
    const { email, userId } = await verified();
    await h.db.sql`update credentials set change_required = true where user_id = ${userId}`;
    const b = await h.browser();
    await (await b.call()).auth.requestPasswordReset({ email });
    const mails = await waitForMails(h, email, 2);
    expect(mails.length).toBeGreaterThanOrEqual(2);
    await (
      await b.call()
    ).auth.resetPassword({
      email,
      code: h.lastCodeFor(email),
      newPassword: 'a fresh reset passphrase',
    });
    const row = await h.db.sql<{ change_required: boolean }[]>`
      select change_required from credentials where user_id = ${userId}`;
    expect(row[0]!.change_required).toBe(true);
  });

  it('consents name the published policy version only (server-side)', async () => {
    const b = await h.browser();
    const before = (await h.db.sql`select 1 from events`).length;
    const r = await outcome(
      (await b.call()).auth.signUp({ ...signUpInput({ email: freshEmail() }), policyVersion: '1999-01-01' }),
    );
    expect(r).toBe('BAD_REQUEST');
    expect((await h.db.sql`select 1 from events`).length).toBe(before);
  });

  it('a one-time password past its expiry no longer signs in (same answer as a wrong password)', async () => {
    const { email, userId } = await verified();
    await h.db.sql`update credentials set change_required = true,
                     one_time_expires_at = ${new Date(h.clock.now.getTime() + 3600_000)} where user_id = ${userId}`;
    const b = await h.browser();
    expect(await outcome((await b.call()).auth.signIn({ email, password: PASSWORD }))).toBe('ok');
    h.clock.advance(2 * 3600);
    const late = await h.browser();
    expect(await outcome((await late.call()).auth.signIn({ email, password: PASSWORD }))).toBe(
      'UNAUTHORIZED',
    );
  });

  it('a password reset answers before the mail goes out (no timing difference from the mail server)', async () => {
    const { email } = await verified();
    const slow = await slowSmtp(4_000);
    try {
      const a = createAuthServices({
        sql: h.db.sql,
        masterKey: TEST_MASTER_KEY,
        authSecret: AUTH_SECRET,
        mailer: smtpMailer(slow.url, 'TrueInterviewAI <no-reply@test.local>'),
        secureCookies: false,
        clock: () => h.clock.now,
      });
      const ctx: Context = {
        sql: h.db.sql,
        requestId: 'slow-mail',
        session: null,
        ip: '192.0.2.200',
        userAgent: null,
        log: silentLogger,
        cookies: memoryCookies(),
        auth: a,
      };
      const t0 = performance.now();
      await createCallerFactory(appRouter)(ctx).auth.requestPasswordReset({ email });
      // Generous: the answer does not wait for the 4 s the mail server takes.
      expect(performance.now() - t0).toBeLessThan(3_000);
      await slow.delivered;
    } finally {
      await slow.close();
    }
  });
});
