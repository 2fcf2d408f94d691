import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOidc, type FakeOidcProvider } from '../testing/fake-oidc.js';
import { GoogleSignIn, GoogleSignInError, parseCookies, type GoogleSignInFailure } from './oidc.js';

let idp: FakeOidcProvider;
let google: GoogleSignIn;
const REDIRECT = 'http://localhost:3000/api/auth/google/callback';

beforeAll(async () => {
  idp = await startFakeOidc('tia-client', 'tia-secret');
  google = new GoogleSignIn({
    clientId: 'tia-client',
    clientSecret: 'tia-secret',
    issuer: idp.issuer,
    redirectUri: REDIRECT,
    secure: false,
  });
});
afterAll(async () => idp?.stop());

/** start → provider (auto-approve) → the callback URL and the cookies the browser would send back. */
const throughProvider = async (g = google) => {
  const started = await g.start();
  const res = await fetch(started.location, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const callback = new URL(res.headers.get('location')!);
  const cookieHeader = started.setCookies.map((c) => c.split(';')[0]).join('; ');
  return { started, callback, cookieHeader };
};

const failure = async (p: Promise<unknown>): Promise<GoogleSignInFailure | 'none'> => {
  try {
    await p;
    return 'none';
  } catch (e) {
    if (e instanceof GoogleSignInError) return e.reason;
    throw e;
  }
};

describe('Google sign-in protocol (against a local OpenID provider)', () => {
  it('start: PKCE S256, state, nonce, scopes; flow cookies are HttpOnly, SameSite=Lax, 10 minutes', async () => {
    const { location, setCookies } = await google.start();
    const u = new URL(location);
    expect(u.origin + u.pathname).toBe(`${idp.issuer}/authorize`);
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('scope')).toBe('openid email profile');
    expect(u.searchParams.get('client_id')).toBe('tia-client');
    expect(u.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(u.searchParams.get('nonce')).toBeTruthy();
    expect(setCookies).toHaveLength(3);
    for (const c of setCookies) {
      expect(c).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
    }
    const jar = parseCookies(setCookies.map((c) => c.split(';')[0]).join('; '));
    expect(jar.get('tia_google_state')).toBe(u.searchParams.get('state'));
    expect(jar.get('tia_google_nonce')).toBe(u.searchParams.get('nonce'));
    // the verifier never travels to the provider
    expect(location).not.toContain(jar.get('tia_google_verifier'));
  });

  it('secure origins use __Host- cookies with Secure', async () => {
    const g = new GoogleSignIn({
      clientId: 'tia-client',
      clientSecret: 'tia-secret',
      issuer: idp.issuer,
      redirectUri: 'https://app.example/api/auth/google/callback',
      secure: true,
    });
    const { setCookies } = await g.start();
    for (const c of setCookies) expect(c).toMatch(/^__Host-tia_google_\w+=.+; Secure$/);
  });

  it('callback: exchanges the code with the verifier and returns the verified profile', async () => {
    idp.tamper = {};
    const { callback, cookieHeader } = await throughProvider();
    const profile = await google.callback(callback, cookieHeader);
    expect(profile).toEqual({
      sub: idp.user.sub,
      email: idp.user.email,
      name: idp.user.name,
      picture: idp.user.picture,
    });
  });

  it('wrong or missing state → state_mismatch (the code is never redeemed)', async () => {
    const { callback, cookieHeader } = await throughProvider();
    const before = idp.tokenRequests.length;
    const forged = new URL(callback);
    forged.searchParams.set('state', 'attacker-state');
    expect(await failure(google.callback(forged, cookieHeader))).toBe('state_mismatch');
    expect(await failure(google.callback(callback, null))).toBe('state_mismatch');
    expect(idp.tokenRequests.length).toBe(before);
  });

  it('a different code verifier → the provider refuses the exchange', async () => {
    const { callback, cookieHeader } = await throughProvider();
    const swapped = cookieHeader.replace(/tia_google_verifier=[^;]+/, 'tia_google_verifier=not-the-verifier');
    expect(await failure(google.callback(callback, swapped))).toBe('token_exchange_failed');
  });

  it('a wrong client secret → token_exchange_failed', async () => {
    const g = new GoogleSignIn({
      clientId: 'tia-client',
      clientSecret: 'wrong',
      issuer: idp.issuer,
      redirectUri: REDIRECT,
      secure: false,
    });
    const { callback, cookieHeader } = await throughProvider(g);
    expect(await failure(g.callback(callback, cookieHeader))).toBe('token_exchange_failed');
  });

  const tampered = async (t: FakeOidcProvider['tamper']) => {
    idp.tamper = t;
    try {
      const { callback, cookieHeader } = await throughProvider();
      return await failure(google.callback(callback, cookieHeader));
    } finally {
      idp.tamper = {};
    }
  };

  it('bad nonce → nonce_mismatch', async () => {
    expect(await tampered({ nonce: 'replayed-nonce' })).toBe('nonce_mismatch');
  });

  it('wrong audience, wrong issuer, expired token, foreign signature → invalid_id_token', async () => {
    expect(await tampered({ aud: 'someone-else' })).toBe('invalid_id_token');
    expect(await tampered({ iss: 'https://evil.example' })).toBe('invalid_id_token');
    expect(await tampered({ expiresIn: -600 })).toBe('invalid_id_token');
    expect(await tampered({ foreignKey: true })).toBe('invalid_id_token');
  });

  it('unverified email → email_not_verified', async () => {
    const saved = idp.user;
    idp.user = { ...saved, email_verified: false };
    try {
      const { callback, cookieHeader } = await throughProvider();
      expect(await failure(google.callback(callback, cookieHeader))).toBe('email_not_verified');
    } finally {
      idp.user = saved;
    }
  });

  it('provider error in the redirect → provider_error', async () => {
    const { callback, cookieHeader } = await throughProvider();
    callback.searchParams.set('error', 'access_denied');
    expect(await failure(google.callback(callback, cookieHeader))).toBe('provider_error');
  });
});
