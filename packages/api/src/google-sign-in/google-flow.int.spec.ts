import { openAccountFields, type SealedAccountRow } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import type { AuthServices } from '../services.js';
import { resolveSession } from '../accounts/sign-in.js';
import { startFakeOidc, type FakeOidcProvider } from '../testing/fake-oidc.js';
import { createTestAccount, TEST_AUTH_SECRET, testAuthServices, testClock } from '../testing/identity.js';
import { GoogleSignIn } from './oidc.js';
import {
  googleSubLookup,
  handleGoogleCallback,
  handleGoogleStart,
  type GoogleDeps,
} from './flow.js';

const APP = 'http://localhost:3000';
let db: TestDatabase;
let idp: FakeOidcProvider;
let a: AuthServices;
let deps: GoogleDeps;
const clock = testClock(new Date());

beforeAll(async () => {
  db = await createTestDatabase();
  idp = await startFakeOidc('tia-client', 'tia-secret');
  a = testAuthServices(db.sql, clock);
  deps = {
    auth: a,
    google: new GoogleSignIn({
      clientId: 'tia-client',
      clientSecret: 'tia-secret',
      issuer: idp.issuer,
      redirectUri: `${APP}/api/auth/google/callback`,
      secure: false,
    }),
    subLookup: googleSubLookup(TEST_AUTH_SECRET),
  };
});
afterAll(async () => {
  await idp?.stop();
  await db?.drop();
});

const scope = {
  requestId: 'req-google',
  ip: '198.51.100.23',
  userAgent: 'Mozilla/5.0 Firefox/130.0',
  log: silentLogger,
  secure: false,
};
const cookiePairs = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]!);

/** The browser's trip: our start route → the provider (auto-approve) → our callback with the cookies. */
const signInWithGoogle = async (mangle: (callback: URL, cookies: string[]) => void = () => undefined) => {
  const start = await handleGoogleStart(deps, silentLogger);
  expect(start.status).toBe(302);
  const toProvider = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  expect(toProvider.status).toBe(302);
  const callback = new URL(toProvider.headers.get('location')!);
  expect(callback.origin + callback.pathname).toBe(`${APP}/api/auth/google/callback`);
  const cookies = cookiePairs(start);
  mangle(callback, cookies);
  const res = await handleGoogleCallback(
    new Request(callback, { headers: { cookie: cookies.join('; ') } }),
    deps,
    scope,
  );
  const session = await resolveSession(a, cookiePairs(res).join('; '), false);
  return { res, location: res.headers.get('location'), session };
};

const accounts = async () =>
  Number((await db.sql<{ n: string }[]>`select count(*) as n from rm_accounts`)[0]!.n);

describe('Sign in with Google: full flow against a local OpenID provider', () => {
  it('first sign-in creates the account (google, verified email, only name/email/picture), a session, → /welcome (profile to complete)', async () => {
    idp.user = {
      sub: 'g-100',
      email: 'Grace@Example.org',
      email_verified: true,
      name: 'Grace Hopper',
      picture: 'https://example.org/g.png',
    };
    const { res, location, session } = await signInWithGoogle();
    expect(res.status).toBe(302);
    expect(location).toBe('/welcome');
    // flow cookies are cleared, the session cookie is HttpOnly/SameSite=Lax
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.filter((c) => c.startsWith('tia_google_')).every((c) => /Max-Age=0/.test(c))).toBe(
      true,
    );
    expect(setCookies.find((c) => c.startsWith('tia_session='))).toMatch(/HttpOnly; SameSite=Lax; Path=\//);
    expect(session).not.toBeNull();
    expect(session!.mfaPassed).toBe(false);

    const userId = session!.userId;
    const acct = await db.sql<
      (SealedAccountRow & { signup_method: string; email_verified_at: Date | null })[]
    >`
      select user_id, name_enc, email_enc, signup_method, email_verified_at from rm_accounts where user_id = ${userId}`;
    // Name and email are sealed under the subject's key, not plaintext columns.
    expect(JSON.stringify(acct)).not.toContain('Grace Hopper');
    const personal = (await openAccountFields(a.keys, db.sql, acct)).get(userId);
    expect(personal).toEqual({ email: 'grace@example.org', name: 'Grace Hopper' });
    expect(acct[0]).toMatchObject({ signup_method: 'google' });
    expect(acct[0]!.email_verified_at).not.toBeNull();
    const events = await a.store.readStream(`user-${userId}`);
    expect(events.map((e) => e.type)).toEqual([
      'AccountRegistered',
      'EmailVerified',
      'GoogleAccountLinked',
      'SignedIn',
    ]);
    expect(events[2]!.data).toMatchObject({ userId, sub: 'g-100', picture: 'https://example.org/g.png' });
    expect(events[3]!.data).toMatchObject({ method: 'google' });
    // sub and picture are encrypted at rest; the lookup table has only an HMAC
    const raw = await db.sql<
      { data: string }[]
    >`select data::text as data from events where type = 'GoogleAccountLinked'`;
    expect(raw[0]!.data).not.toContain('g-100');
    expect(raw[0]!.data).not.toContain('example.org/g.png');
    const link = await db.sql<
      { sub_lookup: string }[]
    >`select sub_lookup from google_identities where user_id = ${userId}`;
    expect(link[0]!.sub_lookup).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signing in again finds the same account by sub (even with a changed email), no second account; still → /welcome until the profile is complete', async () => {
    const before = await accounts();
    idp.user = { ...idp.user, sub: 'g-100', email: 'grace.new@example.org' };
    const { location, session } = await signInWithGoogle();
    expect(location).toBe('/welcome');
    expect(await accounts()).toBe(before);
    const row = await db.sql<
      { user_id: string }[]
    >`select user_id from google_identities where user_id = ${session!.userId}`;
    expect(row).toHaveLength(1);
  });

  it('links to an existing account with the same verified email', async () => {
    const userId = await createTestAccount(a, { name: 'Linus', email: 'linus@example.org' });
    idp.user = { sub: 'g-200', email: 'linus@example.org', email_verified: true, name: 'Linus T.' };
    const { location, session } = await signInWithGoogle();
    expect(location).toBe('/account');
    expect(session!.userId).toBe(userId);
    const linked = (await a.store.readStream(`user-${userId}`)).filter(
      (e) => e.type === 'GoogleAccountLinked',
    );
    expect(linked).toHaveLength(1);
  });

  it('does not link to an account whose email was never verified (pre-registration hijack)', async () => {
    const squatter = a.newId();
    await db.sql.begin(async (tx) => {
      await tx`insert into auth_users (id, created_at) values (${squatter}, now())`;
      const { runAccountCommand } = await import('../accounts/common.js');
      await runAccountCommand(a, tx, { requestId: 't' }, squatter, [
        {
          type: 'Register',
          userId: squatter,
          name: 'Squatter',
          email: 'victim@example.org',
          signupMethod: 'password',
          now: clock().toISOString(),
        },
      ]);
    });
    idp.user = { sub: 'g-300', email: 'victim@example.org', email_verified: true, name: 'Victim' };
    const { location, session } = await signInWithGoogle();
    expect(location).toBe('/signin?error=google_email_in_use');
    expect(session).toBeNull();
  });

  const refused = async (
    mangle: Parameters<typeof signInWithGoogle>[0],
    tamper: FakeOidcProvider['tamper'] = {},
  ) => {
    const before = await accounts();
    idp.user = {
      sub: `g-${Math.random()}`,
      email: `new${Math.random()}@example.org`,
      email_verified: true,
      name: 'New',
    };
    idp.tamper = tamper;
    try {
      const r = await signInWithGoogle(mangle);
      expect(r.session).toBeNull();
      expect(await accounts()).toBe(before);
      expect(r.res.headers.getSetCookie().some((c) => c.startsWith('tia_session='))).toBe(false);
      return r.location;
    } finally {
      idp.tamper = {};
    }
  };

  it('failures redirect to /signin?error=… and create nothing: wrong state, bad nonce, wrong audience, expired, unverified email', async () => {
    expect(await refused((cb) => cb.searchParams.set('state', 'forged'))).toBe(
      '/signin?error=google_state_mismatch',
    );
    expect(await refused((_cb, cookies) => cookies.splice(0, cookies.length))).toBe(
      '/signin?error=google_state_mismatch',
    );
    expect(await refused(undefined, { nonce: 'other' })).toBe('/signin?error=google_nonce_mismatch');
    expect(await refused(undefined, { aud: 'another-client' })).toBe('/signin?error=google_invalid_id_token');
    expect(await refused(undefined, { expiresIn: -300 })).toBe('/signin?error=google_invalid_id_token');
    const saved = idp.user;
    const before = await accounts();
    idp.user = { ...saved, sub: 'g-unverified', email: 'unverified@example.org', email_verified: false };
    const r = await signInWithGoogle();
    expect(r.location).toBe('/signin?error=google_email_not_verified');
    expect(r.session).toBeNull();
    expect(await accounts()).toBe(before);
  });
});
