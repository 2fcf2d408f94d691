import { createHash, randomUUID } from 'node:crypto';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { TRPCError } from '@trpc/server';
import { eraseSubject } from '@tia/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerCookies, type Context } from '../context.js';
import { fieldIssuesOf } from '../errors.js';
import { tRPCResponseMeta } from '../http.js';
import { silentLogger } from '../log.js';
import { appRouter } from '../root.js';
import { CODE_MAX_WRONG_TRIES } from './email-codes.js';
import {
  codeOf,
  createHarness,
  signUpInput,
  waitForMails,
  type Harness,
} from '../testing/identity-harness.js';
import { UNDER_16_MESSAGE } from './sign-up.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const count = async (table: string) =>
  Number((await h.db.sql<{ n: string }[]>`select count(*) as n from ${h.db.sql(table)}`)[0]!.n);

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

let seq = 0;
const freshEmail = () => `person${++seq}-${randomUUID().slice(0, 8)}@example.org`;

/** Signs up and verifies; returns the browser holding the session. */
const verifiedAccount = async (email = freshEmail(), password = 'analytical engine notes') => {
  const b = await h.browser();
  const r = await (await b.call()).auth.signUp(signUpInput({ email, password }));
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  return { b, email, password, userId: r.userId };
};

describe('sign-up → email code over SMTP → verify → session', () => {
  it('sends a 6-digit code, verifies it, sets the session cookie and me() shows the account with its trial', async () => {
    const email = 'Ada.Lovelace+Jobs@Example.org';
    const b = await h.browser({ ip: '203.0.113.7' });
    const res = await (await b.call()).auth.signUp(signUpInput({ email }));
    expect(res).toEqual({
      userId: expect.any(String) as string,
      email: 'ada.lovelace+jobs@example.org',
      verificationSent: true,
    });

    const mails = await waitForMails(h, 'ada.lovelace+jobs@example.org', 1);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/Subject: Confirm your email address for TrueInterviewAI/);
    const code = codeOf(mails[0]!.raw);
    expect(code).toMatch(/^\d{6}$/);

    expect(await (await b.call()).auth.me()).toBeNull();
    await expect(
      (await b.call()).auth.verifyEmail({ email: ' ADA.lovelace+jobs@example.org', code }),
    ).resolves.toEqual({ ok: true });
    const cookie = b.cookies.jar.get('tia_session')!;
    expect(cookie.attrs).toMatch(/HttpOnly/);
    expect(cookie.attrs).toMatch(/SameSite=Lax/);
    expect(cookie.attrs).toMatch(/Path=\//);
    expect(cookie.attrs).not.toMatch(/Secure/);

    const me = await (await b.call()).auth.me();
    expect(me).toEqual({
      userId: res.userId,
      name: 'Ada Lovelace',
      email: 'ada.lovelace+jobs@example.org',
      emailVerified: true,
      roles: ['candidate'],
      mfaPassed: false,
      mfaEnrolled: false,
      profileComplete: true,
      passwordChangeRequired: false,
      trial: { remaining: 5, total: 5 },
    });

    // Argon2id with OWASP parameters; nothing secret or personal in clear in the event log.
    const cred = (
      await h.db.sql<
        { password_hash: string }[]
      >`select password_hash from credentials where user_id = ${res.userId}`
    )[0]!;
    expect(cred.password_hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    const events = await h.db.sql<
      { type: string; data: unknown }[]
    >`select type, data from events where stream_id = ${`user-${res.userId}`} order by stream_version`;
    expect(events.map((e) => e.type)).toEqual([
      'AccountRegistered',
      'EmailVerificationSent',
      'EmailVerified',
      'TrialGranted',
      'SignedIn',
    ]);
    const log = JSON.stringify(events);
    expect(log).not.toContain('ada.lovelace');
    expect(log).not.toContain('203.0.113');
    expect(log).not.toContain(code);
    expect(log).not.toContain('argon2');
    const decoded = await h.auth.store.readStream(`user-${res.userId}`);
    expect(decoded.find((e) => e.type === 'SignedIn')!.data).toMatchObject({
      method: 'email_code',
      ipPrefix: '203.0.113.0/24',
      uaFamily: 'Firefox on Linux',
    });

    // Consents: only the ticked boxes, with the policy version.
    const consents = await h.db.sql<{ purpose: string; policy_version: string }[]>`
      select purpose, policy_version from rm_consents where subject_id = ${res.userId} order by purpose`;
    expect(consents).toEqual([
      { purpose: 'marketing_email', policy_version: '2026-11-30' },
      { purpose: 'recording_feedback', policy_version: '2026-11-30' },
    ]);
    // The code is kept only as an HMAC.
    const codes = await h.db.sql<
      { code_hmac: Buffer }[]
    >`select code_hmac from verification_codes where user_id = ${res.userId}`;
    expect(codes.every((c) => !c.code_hmac.toString('latin1').includes(code))).toBe(true);
  });

  it('refuses sign-up without the recording consent, with a field message', async () => {
    const b = await h.browser();
    const e = await failure(
      (await b.call()).auth.signUp({
        ...signUpInput({ email: freshEmail() }),
        consents: { recordingFeedback: false, productImprovement: true, marketingEmail: true },
      }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    expect(fieldIssuesOf(e)?.[0]?.path).toBe('consents.recordingFeedback');
  });
});

describe('email codes', () => {
  it('wrong, expired and reused codes are rejected; a new code voids the old one', async () => {
    const email = freshEmail();
    const b = await h.browser({ ip: '192.0.2.1' });
    await (await b.call()).auth.signUp(signUpInput({ email }));
    const first = h.lastCodeFor(email);
    const wrong = String((Number(first) + 1) % 1_000_000).padStart(6, '0');

    const e1 = await failure((await b.call()).auth.verifyEmail({ email, code: wrong }));
    expect(e1.code).toBe('BAD_REQUEST');
    expect(fieldIssuesOf(e1)).toEqual([
      { path: 'code', message: expect.stringMatching(/not right/) as string },
    ]);

    // A new code voids the first.
    await (await b.call()).auth.resendVerification({ email });
    await waitForMails(h, email, 2); // sent after the answer
    const second = h.lastCodeFor(email);
    expect((await failure((await b.call()).auth.verifyEmail({ email, code: first }))).code).toBe(
      'BAD_REQUEST',
    );

    // Expired after 10 minutes (time passed in through the clock).
    h.clock.advance(10 * 60 + 1);
    expect((await failure((await b.call()).auth.verifyEmail({ email, code: second }))).code).toBe(
      'BAD_REQUEST',
    );

    await (await b.call()).auth.resendVerification({ email });
    await waitForMails(h, email, 3);
    const third = h.lastCodeFor(email);
    await expect((await b.call()).auth.verifyEmail({ email, code: third })).resolves.toEqual({ ok: true });
    // Single use.
    expect((await failure((await b.call()).auth.verifyEmail({ email, code: third }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  it(`a code dies after ${CODE_MAX_WRONG_TRIES} wrong tries, even if the right one comes next`, async () => {
    const email = freshEmail();
    const b = await h.browser({ ip: '192.0.2.77' });
    await (await b.call()).auth.signUp(signUpInput({ email }));
    const right = h.lastCodeFor(email);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < CODE_MAX_WRONG_TRIES; i++) {
      h.clock.advance(120); // past the growing delays of the rate limiter
      await failure((await b.call()).auth.verifyEmail({ email, code: wrong }));
    }
    h.clock.advance(900);
    expect((await failure((await b.call()).auth.verifyEmail({ email, code: right }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('resending for an unknown address answers the same and sends nothing', async () => {
    const b = await h.browser();
    const before = h.smtp.inbox.length;
    await expect((await b.call()).auth.resendVerification({ email: 'nobody@example.org' })).resolves.toEqual({
      ok: true,
    });
    await expect(
      (await b.call()).auth.requestPasswordReset({ email: 'nobody@example.org' }),
    ).resolves.toEqual({ ok: true });
    expect(h.smtp.inbox.length).toBe(before);
  });
});

describe('password policy at sign-up', () => {
  it.each([
    ['password123', 'common'],
    ['Qwerty123!', 'common'],
    ['short', 'too short'],
  ])('rejects %s (%s) with a message on the password field', async (password) => {
    const b = await h.browser();
    const e = await failure((await b.call()).auth.signUp(signUpInput({ email: freshEmail(), password })));
    expect(e.code).toBe('BAD_REQUEST');
    expect(fieldIssuesOf(e)?.[0]?.path).toBe('password');
  });

  it('rejects the email address as password', async () => {
    const email = freshEmail();
    const b = await h.browser();
    const e = await failure((await b.call()).auth.signUp(signUpInput({ email, password: email })));
    expect(fieldIssuesOf(e)?.[0]?.message).toMatch(/name or email/);
  });
});

describe('under 16', () => {
  it('is refused with a clear message; only the day counter is stored', async () => {
    const tables = [
      'events',
      'subject_keys',
      'auth_users',
      'credentials',
      'verification_codes',
      'rm_accounts',
      'rm_consents',
      'rate_limits',
      'trial_registry',
    ];
    const before = Object.fromEntries(
      await Promise.all(tables.map(async (t) => [t, await count(t)] as const)),
    );
    const mailsBefore = h.smtp.inbox.length;
    const b = await h.browser({ ip: '100.64.1.1' });
    const e = await failure(
      (await b.call()).auth.signUp(signUpInput({ email: 'young@example.org', dateOfBirth: '2011-01-15' })),
    );
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toBe(UNDER_16_MESSAGE);
    expect(e.message).toMatch(/^You must be at least 16/);
    const after = Object.fromEntries(
      await Promise.all(tables.map(async (t) => [t, await count(t)] as const)),
    );
    expect(after).toEqual(before);
    expect(h.smtp.inbox.length).toBe(mailsBefore);
    expect(await h.db.sql`select day::text, count::int from underage_refusals`).toEqual([
      { day: '2026-11-30', count: 1 },
    ]);
  });
});

describe('duplicate email', () => {
  it('answers the same, creates no second account and tells the owner by email', async () => {
    const email = freshEmail();
    const b = await h.browser();
    const first = await (await b.call()).auth.signUp(signUpInput({ email }));
    const again = await (
      await b.call()
    ).auth.signUp(signUpInput({ email: email.toUpperCase(), name: 'Someone Else' }));
    expect(Object.keys(again).sort()).toEqual(Object.keys(first).sort());
    expect(again.verificationSent).toBe(true);
    expect(again.userId).not.toBe(first.userId);
    expect(
      await h.db.sql`select user_id from rm_accounts where email_lookup = ${h.auth.emailLookup(email)}`,
    ).toHaveLength(1);
    const mails = await waitForMails(h, email, 2);
    expect(mails[1]!.raw).toMatch(/already have a TrueInterviewAI account/);
    expect(await h.db.sql`select 1 from auth_users where id = ${again.userId}`).toHaveLength(0);
  });
});

describe('sign-in', () => {
  it('signs in with a new token each time and reports email verification', async () => {
    const { email, password } = await verifiedAccount();
    const b = await h.browser();
    await expect((await b.call()).auth.signIn({ email, password })).resolves.toEqual({
      ok: true,
      mfaRequired: false,
      emailVerified: true,
      passwordChangeRequired: false,
    });
    const t1 = b.token();
    await (await b.call()).auth.signIn({ email, password });
    const t2 = b.token();
    expect(t1).not.toBe(t2);
    // Signing in again from the same browser ended the previous session (no fixation).
    const rows = await h.db
      .sql`select 1 from auth_sessions where id = ${createHash('sha256').update(t1!).digest('hex')}`;
    expect(rows).toHaveLength(0);
    expect((await b.session())?.userId).toBeDefined();
  });

  it('brute force: 401s, then 429 with Retry-After over HTTP, and one SecurityAlertRaised per window', async () => {
    const { email, userId } = await verifiedAccount();
    const ip = '100.100.100.100';
    const handle = (body: unknown) => {
      const req = new Request('http://localhost/api/trpc/auth.signIn', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return fetchRequestHandler({
        endpoint: '/api/trpc',
        req,
        router: appRouter,
        createContext: ({ resHeaders }): Context => ({
          sql: h.db.sql,
          requestId: randomUUID(),
          session: null,
          ip,
          userAgent: 'curl/8.5.0',
          log: silentLogger,
          cookies: headerCookies(resHeaders, false),
          auth: h.auth,
        }),
        responseMeta: tRPCResponseMeta,
      });
    };
    const wrong = { email, password: 'not my password at all' };
    for (let i = 0; i < 5; i++) expect((await handle(wrong)).status).toBe(401);
    const limited = await handle(wrong);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    const body = (await limited.json()) as { error: { data: { retryAfterSeconds: number; code: string } } };
    expect(body.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 1 });
    // Even the right password is refused while blocked.
    expect((await handle({ email, password: 'analytical engine notes' })).status).toBe(429);

    // Read straight from the table (consumer reads wait on a cluster-wide horizon other tests can hold back).
    const alerts = async () => {
      const streams = await h.db.sql<{ stream_id: string }[]>`
        select stream_id from events where type = 'SecurityAlertRaised' order by global_position`;
      return (await Promise.all(streams.map((r) => h.auth.store.readStream(r.stream_id))))
        .flat()
        .filter((e) => e.type === 'SecurityAlertRaised');
    };
    const before = (await alerts()).length;
    for (let i = 5; i < 12; i++) {
      h.clock.advance(2 ** (i - 4)); // wait out each growing delay
      expect((await handle(wrong)).status).toBe(401);
    }
    const raised = (await alerts()).slice(before);
    const forAccount = raised.filter((e) => e.data.kind === 'repeated_sign_in_failures_account');
    expect(forAccount).toHaveLength(1);
    expect(forAccount[0]!.data).toMatchObject({
      userId,
      count: 10,
      windowMinutes: 60, // the account-wide ceiling's window
      ipPrefix: '100.100.100.0/24',
    });
    expect(raised.filter((e) => e.data.kind === 'repeated_sign_in_failures_ip')).toHaveLength(1);
    // Compliance sees it.
    const failedEvents = await h.db
      .sql`select 1 from events where stream_id = ${`user-${userId}`} and type = 'SignInFailed'`;
    expect(failedEvents).toHaveLength(12);
  });

  it('an unknown email fails like a wrong password and stores no account', async () => {
    const b = await h.browser({ ip: '192.0.2.200' });
    const e = await failure(
      (await b.call()).auth.signIn({ email: 'ghost@example.org', password: 'whatever it is' }),
    );
    expect(e.code).toBe('UNAUTHORIZED');
    expect(
      await h.db
        .sql`select 1 from rm_accounts where email_lookup = ${h.auth.emailLookup('ghost@example.org')}`,
    ).toHaveLength(0);
  });

  it('the session cookie travels as Set-Cookie through the HTTP adapter', async () => {
    const { email, password } = await verifiedAccount();
    const req = new Request('http://localhost/api/trpc/auth.signIn', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: ({ resHeaders }): Context => ({
        sql: h.db.sql,
        requestId: randomUUID(),
        session: null,
        ip: '198.18.0.1',
        userAgent: null,
        log: silentLogger,
        cookies: headerCookies(resHeaders, true),
        auth: h.auth,
      }),
      responseMeta: tRPCResponseMeta,
    });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(
      /^__Host-tia_session=[a-z2-7]{52}; HttpOnly; SameSite=Lax; Path=\/; Max-Age=\d+; Secure$/,
    );
  });
});

describe('sign-out, password change and reset end every session', () => {
  it('sign-out ends all sessions of the account and clears the cookie', async () => {
    const { email, password } = await verifiedAccount();
    const other = await h.browser();
    await (await other.call()).auth.signIn({ email, password });
    const b = await h.browser();
    await (await b.call()).auth.signIn({ email, password });
    await expect((await b.call()).auth.signOut()).resolves.toEqual({ ok: true });
    expect(b.cookies.jar.get('tia_session')).toEqual({ value: '', attrs: 'Max-Age=0' });
    expect(await other.session()).toBeNull();
  });

  it('password reset by emailed code ends every session; the new password works, the old does not', async () => {
    const { b, email, password } = await verifiedAccount();
    const other = await h.browser();
    await (await other.call()).auth.signIn({ email, password });
    expect(await b.session()).not.toBeNull();

    const anon = await h.browser();
    const sent = h.mailsTo(email).length;
    await (await anon.call()).auth.requestPasswordReset({ email });
    const mails = await waitForMails(h, email, sent + 1); // sent after the answer
    expect(mails.at(-1)!.raw).toMatch(/Reset your TrueInterviewAI password/);
    const code = h.lastCodeFor(email);
    const weak = await failure(
      (await anon.call()).auth.resetPassword({ email, code, newPassword: 'password1' }),
    );
    expect(fieldIssuesOf(weak)?.[0]?.path).toBe('newPassword');
    await expect(
      (await anon.call()).auth.resetPassword({ email, code, newPassword: 'a brand new passphrase' }),
    ).resolves.toEqual({ ok: true });

    expect(await b.session()).toBeNull();
    expect(await other.session()).toBeNull();
    expect(
      await h.db
        .sql`select 1 from auth_sessions s join rm_accounts a on a.user_id = s.user_id where a.email_lookup = ${h.auth.emailLookup(email)}`,
    ).toHaveLength(0);
    expect((await failure((await anon.call()).auth.signIn({ email, password }))).code).toBe('UNAUTHORIZED');
    await expect(
      (await anon.call()).auth.signIn({ email, password: 'a brand new passphrase' }),
    ).resolves.toMatchObject({ ok: true });
    // The code was single use.
    expect(
      (
        await failure(
          (await anon.call()).auth.resetPassword({ email, code, newPassword: 'yet another passphrase' }),
        )
      ).code,
    ).toBe('BAD_REQUEST');
  });

  it('password change ends the other sessions and keeps this browser signed in with a new token', async () => {
    const { b, email, password } = await verifiedAccount();
    const other = await h.browser();
    await (await other.call()).auth.signIn({ email, password });
    const before = b.token();
    const wrong = await failure(
      (await b.call()).auth.changePassword({
        currentPassword: 'nope nope nope',
        newPassword: 'fresh passphrase here',
      }),
    );
    expect(fieldIssuesOf(wrong)?.[0]?.path).toBe('currentPassword');
    await expect(
      (await b.call()).auth.changePassword({
        currentPassword: password,
        newPassword: 'fresh passphrase here',
      }),
    ).resolves.toEqual({ ok: true });
    expect(await other.session()).toBeNull();
    expect(b.token()).not.toBe(before);
    expect(await b.session()).not.toBeNull();
  });

  it('signOut and changePassword need a session', async () => {
    const b = await h.browser();
    expect((await failure((await b.call()).auth.signOut())).code).toBe('UNAUTHORIZED');
  });
});

describe('free trial', () => {
  it('is granted once per address: not again after erasure and re-signup', async () => {
    const email = freshEmail();
    const { b, userId } = await verifiedAccount(email);
    expect((await (await b.call()).auth.me())?.trial).toEqual({ remaining: 5, total: 5 });

    await eraseSubject(
      { store: h.auth.store, keys: h.auth.keys, inline: h.auth.inline },
      { subjectId: userId, reason: 'user_request', eventId: randomUUID(), now: h.clock.now.toISOString() },
    );
    // The read model row, the sessions and the credentials are gone; the trial registry keeps an HMAC only.
    expect(await h.db.sql`select 1 from rm_accounts where user_id = ${userId}`).toHaveLength(0);
    expect(await h.db.sql`select 1 from auth_sessions where user_id = ${userId}`).toHaveLength(0);
    expect(await h.db.sql`select 1 from credentials where user_id = ${userId}`).toHaveLength(0);
    expect(await b.session()).toBeNull();
    const registry = await h.db.sql<{ email_lookup: string }[]>`select email_lookup from trial_registry`;
    expect(JSON.stringify(registry)).not.toContain(email);
    expect(registry.every((r) => /^[0-9a-f]{64}$/.test(r.email_lookup))).toBe(true);

    const again = await verifiedAccount(email);
    expect(again.userId).not.toBe(userId);
    expect((await (await again.b.call()).auth.me())?.trial).toEqual({ remaining: 0, total: 0 });
    const grants = await h.db
      .sql`select 1 from events where stream_id = ${`user-${again.userId}`} and type = 'TrialGranted'`;
    expect(grants).toHaveLength(0);
  });
});

describe('session storage', () => {
  it('the database holds only SHA-256 of the cookie token', async () => {
    const { b } = await verifiedAccount();
    const token = b.token()!;
    expect(token).toMatch(/^[a-z2-7]{52}$/); // 256 bits
    const dump = JSON.stringify(await h.db.sql`select * from auth_sessions`);
    expect(dump).not.toContain(token);
    expect(dump).toContain(createHash('sha256').update(token).digest('hex'));
  });
});
