import { createHmac } from 'node:crypto';
import { identity } from '@tia/domain';
import type { TxSql } from '@tia/db';
import { headerCookies, type Context } from '../context.js';
import type { Logger } from '../log.js';
import {
  findAccountByEmail,
  findAccountById,
  runAccountCommand,
  startSession,
  technical,
} from '../accounts/common.js';
import { deriveKey, type AuthServices } from '../services.js';
import { resolveSession } from '../accounts/sign-in.js';
import { GoogleSignInError, type GoogleProfile, type GoogleSignIn } from './oidc.js';

/** HMAC(AUTH_SECRET-derived key, sub): how `google_identities` finds an account without storing `sub`. */
export const googleSubLookup =
  (authSecret: Buffer) =>
  (sub: string): string =>
    createHmac('sha256', deriveKey(authSecret, 'google-sub')).update(sub, 'utf8').digest('hex');

export interface GoogleDeps {
  auth: AuthServices;
  google: GoogleSignIn;
  subLookup: (sub: string) => string;
}

export type GoogleLinkFailure = 'email_in_use';

export class GoogleLinkError extends Error {
  constructor(readonly reason: GoogleLinkFailure) {
    super(reason);
    this.name = 'GoogleLinkError';
  }
}

/**
 * Finds the account for a verified Google profile, by `sub`; else links it to the account with the same
 * (verified) email; else registers a new account (signup method `google`, email verified by the provider).
 * We keep only name, email and picture. An existing account whose email was never verified is not linked:
 * whoever registered it has not proven the address, and linking would let them into the Google user's account.
 */
export const linkOrRegister = async (
  deps: GoogleDeps,
  ctx: Pick<Context, 'requestId'>,
  p: GoogleProfile,
): Promise<{ userId: string; created: boolean; linked: boolean }> => {
  const a = deps.auth;
  const lookup = deps.subLookup(p.sub);
  return a.sql.begin(async (tx: TxSql) => {
    await tx`select pg_advisory_xact_lock(hashtext(${'tia:google:' + lookup}))`;
    const known = await tx<
      { user_id: string }[]
    >`select user_id from google_identities where sub_lookup = ${lookup}`;
    if (known[0]) return { userId: known[0].user_id, created: false, linked: false };
    const now = a.clock();
    const iso = now.toISOString();
    const existing = await findAccountByEmail(a, p.email, tx);
    if (existing) {
      if (!existing.emailVerifiedAt) throw new GoogleLinkError('email_in_use');
      await runAccountCommand(a, tx, ctx, existing.userId, [
        { type: 'LinkGoogle', sub: p.sub, picture: p.picture ?? null, now: iso },
      ]);
      await tx`insert into google_identities (sub_lookup, user_id, linked_at) values (${lookup}, ${existing.userId}, ${now})`;
      return { userId: existing.userId, created: false, linked: true };
    }
    const userId = a.newId();
    // Not usable until its holder meets the sign-up rules (date of birth, consent): `auth.completeProfile`.
    await tx`insert into auth_users (id, created_at, profile_complete) values (${userId}, ${now}, false)`;
    await runAccountCommand(a, tx, ctx, userId, [
      {
        type: 'Register',
        userId,
        name: p.name,
        email: identity.normaliseEmail(p.email),
        signupMethod: 'google',
        now: iso,
      },
      { type: 'LinkGoogle', sub: p.sub, picture: p.picture ?? null, now: iso },
    ]);
    await tx`insert into google_identities (sub_lookup, user_id, linked_at) values (${lookup}, ${userId}, ${now})`;
    return { userId, created: true, linked: true };
  });
};

const redirect = (location: string, headers = new Headers()) => {
  headers.set('location', location);
  headers.set('cache-control', 'no-store');
  return new Response(null, { status: 302, headers });
};

/** GET /api/auth/google/start: 302 to the provider with the flow cookies set. */
export const handleGoogleStart = async (deps: Pick<GoogleDeps, 'google'>, log: Logger): Promise<Response> => {
  try {
    const { location, setCookies } = await deps.google.start();
    const headers = new Headers();
    for (const c of setCookies) headers.append('set-cookie', c);
    return redirect(location, headers);
  } catch (e) {
    log.error('google sign-in could not start', { error: e });
    return redirect('/signin?error=google_unavailable');
  }
};

/**
 * GET /api/auth/google/callback: verifies the answer, links or registers the account, records the
 * sign-in, starts a session (cookie) and sends the browser to /account, or to /welcome while the profile is
 * incomplete (a new Google account: date of birth and consent still to give). Failures go to /signin?error=….
 */
export const handleGoogleCallback = async (
  req: Request,
  deps: GoogleDeps,
  scope: { requestId: string; ip: string | null; userAgent: string | null; log: Logger; secure: boolean },
): Promise<Response> => {
  const headers = new Headers();
  for (const c of deps.google.clearCookies()) headers.append('set-cookie', c);
  const fail = (reason: string) => redirect(`/signin?error=google_${reason}`, headers);
  let profile: GoogleProfile;
  try {
    profile = await deps.google.callback(new URL(req.url), req.headers.get('cookie'));
  } catch (e) {
    if (e instanceof GoogleSignInError) {
      scope.log.warn('google sign-in refused', { reason: e.reason, detail: e.message });
      return fail(e.reason);
    }
    scope.log.error('google sign-in failed', { error: e });
    return fail('failed');
  }
  const ctx: Context = {
    sql: deps.auth.sql,
    requestId: scope.requestId,
    // A session already in this browser is replaced (no session fixation).
    session: await resolveSession(deps.auth, req.headers.get('cookie'), scope.secure),
    ip: scope.ip,
    userAgent: scope.userAgent,
    log: scope.log,
    cookies: headerCookies(headers, scope.secure),
    auth: deps.auth,
  };
  try {
    const { userId } = await linkOrRegister(deps, ctx, profile);
    const { ipPrefix, uaFamily } = technical(ctx);
    await deps.auth.sql.begin((tx) =>
      runAccountCommand(deps.auth, tx, ctx, userId, [
        { type: 'RecordSignIn', method: 'google', ipPrefix, uaFamily, now: deps.auth.clock().toISOString() },
      ]),
    );
    await startSession(deps.auth, ctx, userId);
    const account = await findAccountById(deps.auth, userId);
    // A new account (or one whose holder left before finishing) must meet the sign-up rules first.
    if (account && !account.profileComplete) return redirect('/welcome', headers);
  } catch (e) {
    if (e instanceof GoogleLinkError) return fail(e.reason);
    scope.log.error('google sign-in failed', { error: e });
    return fail('failed');
  }
  return redirect('/account', headers);
};
