/*
 * Sign-up rules for every path (issue 3): an account created through Google is "profile incomplete" until its
 * holder gives a date of birth (≥ 16) and the required consent; only then the free trial. And the bootstrap
 * admin's one-time password must be changed before anything else. Real PostgreSQL, real OIDC round trip.
 */
import { TRPCError } from '@trpc/server';
import { TEST_MASTER_KEY } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { bootstrapAdmin } from '../staff/first-admin.js';
import { GoogleSignIn } from '../google-sign-in/oidc.js';
import {
  googleSubLookup,
  handleGoogleCallback,
  handleGoogleStart,
  type GoogleDeps,
} from '../google-sign-in/flow.js';
import { sessionCookieName } from '../sessions/sessions.js';
import { startFakeOidc, type FakeOidcProvider } from '../testing/fake-oidc.js';
import { AUTH_SECRET, createHarness, type Browser, type Harness } from '../testing/identity-harness.js';
import { PASSWORD_CHANGE_REQUIRED_MESSAGE } from '../trpc.js';
import { UNDER_16_ERASED_MESSAGE } from './sign-up.js';

const APP = 'http://localhost:3000';
let h: Harness;
let idp: FakeOidcProvider;
let deps: GoogleDeps;

beforeAll(async () => {
  h = await createHarness({ freeTrialAnswers: 5 });
  idp = await startFakeOidc('tia-client', 'tia-secret');
  deps = {
    auth: h.auth,
    google: new GoogleSignIn({
      clientId: 'tia-client',
      clientSecret: 'tia-secret',
      issuer: idp.issuer,
      redirectUri: `${APP}/api/auth/google/callback`,
      secure: false,
    }),
    subLookup: googleSubLookup(AUTH_SECRET),
  };
});
afterAll(async () => {
  await idp?.stop();
  await h?.close();
});

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

const cookiePairs = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

/** The full trip through the provider; the session cookie lands in the harness browser `b`. */
const googleSignIn = async (b: Browser, user: NonNullable<FakeOidcProvider['user']>) => {
  idp.user = user;
  const start = await handleGoogleStart(deps, silentLogger);
  const toProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  const res = await handleGoogleCallback(
    new Request(toProvider.headers.get('location')!, { headers: { cookie: cookiePairs(start).join('; ') } }),
    deps,
    {
      requestId: 'req-google',
      ip: '198.51.100.23',
      userAgent: 'Firefox/140.0',
      log: silentLogger,
      secure: false,
    },
  );
  const name = sessionCookieName(false);
  const pair = cookiePairs(res).find((c) => c.startsWith(`${name}=`));
  if (pair) b.cookies.set(name, pair.slice(name.length + 1), 'HttpOnly; SameSite=Lax; Path=/');
  return res.headers.get('location');
};

const consents = { recordingFeedback: true, productImprovement: false, marketingEmail: false };
const POLICY = '2026-11-30';

describe('Google sign-up meets the password sign-up rules', () => {
  it('new account → /welcome, profile incomplete, no trial; ≥ 16 + consent → ConsentGiven events and the trial', async () => {
    const b = await h.browser();
    const location = await googleSignIn(b, {
      sub: 'g-adult',
      email: 'Margaret@Example.org',
      email_verified: true,
      name: 'Margaret Hamilton',
    });
    expect(location).toBe('/welcome');
    const before = await (await b.call()).auth.me();
    expect(before).toMatchObject({ profileComplete: false, trial: { remaining: 0, total: 0 } });

    // the required consent cannot be skipped
    const noConsent = await failure(
      (await b.call()).auth.completeProfile({
        dateOfBirth: '1990-01-01',
        consents: { ...consents, recordingFeedback: false },
        policyVersion: POLICY,
      }),
    );
    expect(noConsent.code).toBe('BAD_REQUEST');
    expect((await (await b.call()).auth.me())!.profileComplete).toBe(false);

    const done = await (
      await b.call()
    ).auth.completeProfile({
      dateOfBirth: '1990-01-01',
      consents: { ...consents, marketingEmail: true },
      policyVersion: POLICY,
    });
    expect(done).toEqual({ ok: true, trialAnswers: 5 });
    const me = await (await b.call()).auth.me();
    expect(me).toMatchObject({ profileComplete: true, trial: { remaining: 5, total: 5 } });

    const userId = me!.userId;
    const privacy = await h.auth.store.readStream(`privacy-${userId}`);
    expect(privacy.filter((e) => e.type === 'ConsentGiven').map((e) => e.data)).toEqual([
      expect.objectContaining({ purpose: 'recording_feedback', policyVersion: POLICY }),
      expect.objectContaining({ purpose: 'marketing_email', policyVersion: POLICY }),
    ]);
    const account = await h.auth.store.readStream(`user-${userId}`);
    expect(account.filter((e) => e.type === 'TrialGranted').map((e) => e.data)).toEqual([
      expect.objectContaining({ answers: 5 }),
    ]);

    // once only; and a later Google sign-in goes straight to /account
    expect(
      (
        await failure(
          (await b.call()).auth.completeProfile({
            dateOfBirth: '1990-01-01',
            consents,
            policyVersion: POLICY,
          }),
        )
      ).code,
    ).toBe('CONFLICT');
    expect(
      await googleSignIn(await h.browser(), {
        sub: 'g-adult',
        email: 'margaret@example.org',
        email_verified: true,
        name: 'Margaret Hamilton',
      }),
    ).toBe('/account');
  });

  it('under 16 → refused, the account erased (minor_reported), sessions ended; only the counter stays', async () => {
    const refusals = async () =>
      Number(
        (await h.db.sql<{ n: string | null }[]>`select sum(count) as n from underage_refusals`)[0]!.n ?? 0,
      );
    const before = await refusals();
    const b = await h.browser();
    expect(
      await googleSignIn(b, { sub: 'g-minor', email: 'kid@example.org', email_verified: true, name: 'Kid' }),
    ).toBe('/welcome');
    const userId = (await (await b.call()).auth.me())!.userId;

    const err = await failure(
      (await b.call()).auth.completeProfile({ dateOfBirth: '2015-05-05', consents, policyVersion: POLICY }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toBe(UNDER_16_ERASED_MESSAGE);
    expect(await refusals()).toBe(before + 1);
    expect(await (await b.call()).auth.me()).toBeNull();
    expect(await h.db.sql`select 1 from rm_accounts where user_id = ${userId}`).toHaveLength(0);
    expect(await h.db.sql`select 1 from auth_users where id = ${userId}`).toHaveLength(0);
    expect(await h.db.sql`select 1 from google_identities where user_id = ${userId}`).toHaveLength(0);
    expect(
      await h.db
        .sql`select 1 from trial_registry where email_lookup = ${h.auth.trialLookup('kid@example.org')}`,
    ).toHaveLength(0);
    const privacy = await h.auth.store.readStream(`privacy-${userId}`);
    expect(privacy.map((e) => [e.type, 'reason' in e.data ? e.data.reason : undefined])).toEqual([
      ['SubjectErased', 'minor_reported'],
    ]);
    // the name and email can no longer be read
    const registered = (await h.auth.store.readStream(`user-${userId}`)).find(
      (e) => e.type === 'AccountRegistered',
    );
    expect(JSON.stringify(registered!.data)).not.toContain('kid@example.org');
  });

  it('a returning email after erasure gets no second trial', async () => {
    const b = await h.browser();
    await googleSignIn(b, { sub: 'g-back-1', email: 'back@example.org', email_verified: true, name: 'Back' });
    await (
      await b.call()
    ).auth.completeProfile({ dateOfBirth: '1980-02-02', consents, policyVersion: POLICY });
    const first = (await (await b.call()).auth.me())!;
    expect(first.trial.total).toBe(5);
    const { eraseSubject } = await import('@tia/db');
    await eraseSubject(
      { store: h.auth.store, keys: h.auth.keys, inline: h.auth.inline },
      {
        subjectId: first.userId,
        reason: 'user_request',
        eventId: h.auth.newId(),
        now: h.clock.now.toISOString(),
      },
    );
    const again = await h.browser();
    expect(
      await googleSignIn(again, {
        sub: 'g-back-2',
        email: 'back@example.org',
        email_verified: true,
        name: 'Back',
      }),
    ).toBe('/welcome');
    const done = await (
      await again.call()
    ).auth.completeProfile({
      dateOfBirth: '1980-02-02',
      consents,
      policyVersion: POLICY,
    });
    expect(done.trialAnswers).toBe(0);
    expect(await (await again.call()).auth.me()).toMatchObject({
      profileComplete: true,
      trial: { remaining: 0, total: 0 },
    });
  });

  it('password sign-ups are complete from the start', async () => {
    const b = await h.browser();
    const email = 'pw@example.org';
    await (
      await b.call()
    ).auth.signUp({
      name: 'Pat',
      email,
      password: 'analytical engine notes',
      dateOfBirth: '1990-12-10',
      consents,
      policyVersion: POLICY,
    });
    await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
    expect((await (await b.call()).auth.me())!.profileComplete).toBe(true);
  });
});

describe("bootstrap admin's one-time password", () => {
  it('sign-in → passwordChangeRequired; everything else FORBIDDEN; changePassword clears it', async () => {
    const { password } = await bootstrapAdmin(
      h.db.sql,
      { masterKey: TEST_MASTER_KEY, authSecret: AUTH_SECRET },
      { email: 'root@example.org', name: 'Root Admin' },
    );
    const b = await h.browser();
    const signedIn = await (await b.call()).auth.signIn({ email: 'root@example.org', password });
    expect(signedIn).toMatchObject({ ok: true, mfaRequired: true, passwordChangeRequired: true });
    expect(await (await b.call()).auth.me()).toMatchObject({ passwordChangeRequired: true });

    const refused = await failure((await b.call()).mfa.beginEnrolment());
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toBe(PASSWORD_CHANGE_REQUIRED_MESSAGE);
    const staff = await failure((await b.call()).admin.listGrants());
    expect(staff.code).toBe('FORBIDDEN');
    expect(staff.message).toBe(PASSWORD_CHANGE_REQUIRED_MESSAGE);

    expect(
      await (
        await b.call()
      ).auth.changePassword({
        currentPassword: password,
        newPassword: 'a brand new passphrase for root',
      }),
    ).toEqual({ ok: true });
    expect(await (await b.call()).auth.me()).toMatchObject({ passwordChangeRequired: false });
    const enrol = await (await b.call()).mfa.beginEnrolment();
    expect(enrol.otpauthUri).toMatch(/^otpauth:\/\/totp\//);

    // a later sign-in with the new password needs no change
    const later = await (
      await (await h.browser()).call()
    ).auth.signIn({
      email: 'root@example.org',
      password: 'a brand new passphrase for root',
    });
    expect(later).toMatchObject({ passwordChangeRequired: false });
  });
});
