import type { Queryable } from '@tia/db';
import { identity } from '@tia/domain';
import { STAFF_ROLES, type Role, type ServiceContext, type Session } from '../context.js';
import { Unauthenticated } from '../errors.js';
import { burnVerifyTime, hashPassword, needsRehash, verifyPassword } from './password-hashing.js';
import { POLICIES } from '../rate-limit.js';
import { rolesFor } from '../sessions/roles.js';
import { sessionCookieName } from '../sessions/sessions.js';
import { raiseSecurityAlert } from './raise-security-alert.js';
import { isSuspended } from '../compliance/suspension.js';
import {
  accessOf,
  clearSessionCookie,
  findAccountByEmail,
  findAccountById,
  mfaEnrolled,
  runAccountCommand,
  startSession,
  technical,
  withConcurrencyRetry,
} from './common.js';
import type { AuthServices } from '../services.js';

/** The sign-in limiter's key for one account from one network. */
export const signInPairKey = (a: AuthServices, email: string, ipPrefix: string | null): string =>
  a.limiter.key('signin-acct-net', `${email}|${ipPrefix ?? 'unknown'}`);

export const SIGN_IN_FAILED_MESSAGE = 'That email and password do not match an account.';

export const signIn = async (ctx: ServiceContext, input: { email: string; password: string }) => {
  const a = ctx.services;
  const now = a.clock();
  const email = identity.normaliseEmail(input.email);
  const { ipPrefix, uaFamily } = technical(ctx);
  // Reserved before the password is checked: parallel or batched attempts queue on these rows and never
  // verify more passwords than the allowance. Per (account, network) so a stranger cannot lock a victim out,
  // plus a ceiling per account over all networks (alerting), plus one per network.
  const [pair, ceiling, network] = await a.limiter.reserve(
    a.sql,
    [
      { key: signInPairKey(a, email, ipPrefix), policy: POLICIES.signInAccount },
      { key: a.limiter.key('signin-acct', email), policy: POLICIES.signInAccountCeiling },
      { key: a.limiter.key('signin-ip', ipPrefix ?? 'unknown'), policy: POLICIES.signInIp },
    ],
    now,
  );

  const account = await findAccountByEmail(a, email);
  const cred = account
    ? (
        await a.sql<{ password_hash: string; one_time_expires_at: Date | null }[]>`
          select password_hash, case when change_required then one_time_expires_at end as one_time_expires_at
            from credentials where user_id = ${account.userId}`
      )[0]
    : undefined;
  const verified = cred
    ? await verifyPassword(cred.password_hash, input.password)
    : (await burnVerifyTime(input.password), false);
  // A one-time password past its expiry works no more (same answer as a wrong one).
  const ok = verified && !(cred?.one_time_expires_at && cred.one_time_expires_at <= now);

  if (!ok || !account) {
    const byAccount = await a.limiter.alertOnce(a.sql, ceiling!);
    const byIp = await a.limiter.alertOnce(a.sql, network!);
    await withConcurrencyRetry(() =>
      a.sql.begin(async (tx) => {
        if (account)
          await runAccountCommand(a, tx, ctx, account.userId, [
            {
              type: 'RecordSignInFailure',
              reason: 'wrong_password',
              ipPrefix,
              uaFamily,
              now: now.toISOString(),
            },
          ]);
        if (byAccount && account)
          await raiseSecurityAlert(
            a,
            ctx,
            {
              kind: 'repeated_sign_in_failures_account',
              userId: account.userId,
              ipPrefix,
              count: byAccount.failures,
              windowStartedAt: byAccount.windowStartedAt,
              windowMinutes: POLICIES.signInAccountCeiling.windowSeconds / 60,
            },
            tx,
          );
        if (byIp)
          await raiseSecurityAlert(
            a,
            ctx,
            {
              kind: 'repeated_sign_in_failures_ip',
              userId: null,
              ipPrefix,
              count: byIp.failures,
              windowStartedAt: byIp.windowStartedAt,
              windowMinutes: POLICIES.signInIp.windowSeconds / 60,
            },
            tx,
          );
      }),
    );
    throw new Unauthenticated(SIGN_IN_FAILED_MESSAGE);
  }

  await a.limiter.reset(a.sql, pair!.key);
  await a.limiter.release(a.sql, ceiling!);
  await a.limiter.release(a.sql, network!);
  if (needsRehash(cred!.password_hash)) {
    const fresh = await hashPassword(input.password);
    await a.sql`update credentials set password_hash = ${fresh}, updated_at = ${now} where user_id = ${account.userId}`;
  }
  await withConcurrencyRetry(() =>
    a.sql.begin((tx) =>
      runAccountCommand(a, tx, ctx, account.userId, [
        { type: 'RecordSignIn', method: 'password', ipPrefix, uaFamily, now: now.toISOString() },
      ]),
    ),
  );
  const started = await startSession(a, ctx, account.userId);
  return {
    ok: true as const,
    mfaRequired: started.mfaRequired,
    emailVerified: account.emailVerifiedAt !== null,
    passwordChangeRequired: await passwordChangeRequired(a.sql, account.userId),
  };
};

/** Signing out ends every session of the account (issue 3), and clears this browser's cookie. */
export const signOut = async (ctx: ServiceContext & { session: Session }) => {
  const a = ctx.services;
  await a.sessions.invalidateAllFor(ctx.session.userId);
  clearSessionCookie(ctx);
  await a.sql.begin((tx) =>
    runAccountCommand(a, tx, ctx, ctx.session.userId, [{ type: 'SignOut', now: a.clock().toISOString() }]),
  );
  return { ok: true as const };
};

/** Whether the account's password is a one-time password that must be changed before anything else. */
export const passwordChangeRequired = async (db: Queryable, userId: string): Promise<boolean> =>
  (await db`select 1 from credentials where user_id = ${userId} and change_required`).length > 0;

export const me = async (ctx: ServiceContext) => {
  if (!ctx.session) return null;
  const a = ctx.services;
  const account = await findAccountById(a, ctx.session.userId);
  if (!account) return null;
  const access = await accessOf(a, account.userId);
  return {
    userId: account.userId,
    name: account.name,
    email: account.email,
    emailVerified: account.emailVerifiedAt !== null,
    roles: ctx.session.roles,
    mfaPassed: ctx.session.mfaPassed,
    mfaEnrolled: access.mfaEnrolled,
    profileComplete: account.profileComplete,
    passwordChangeRequired: ctx.session.passwordChangeRequired ?? false,
    trial: { remaining: account.trialRemaining, total: account.trialTotal },
  };
};

const parseCookies = (header: string | null): Map<string, string> => {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim());
  }
  return out;
};

/** The request's session from its cookie (null: none, unknown or expired), with the account's roles. */
export const resolveSession = async (
  a: AuthServices,
  cookieHeader: string | null,
  secure: boolean,
): Promise<Session | null> => {
  const token = parseCookies(cookieHeader).get(sessionCookieName(secure));
  if (!token) return null;
  let roles: readonly Role[] = [];
  // The role's current idle limit applies on every request (a grant made mid-session shortens it).
  const info = await a.sessions.validate(token, async (userId) => {
    roles = await rolesFor(a.sql, userId);
    return roles.some((r) => STAFF_ROLES.includes(r));
  });
  if (!info) return null;
  // A suspended account (breach containment) has no working session, whatever its cookie.
  if (await isSuspended(a.sql, info.userId)) {
    await a.sessions.invalidate(info.sessionId);
    return null;
  }
  return {
    sessionId: info.sessionId,
    userId: info.userId,
    roles,
    mfaPassed: info.mfaPassed,
    // A factor is enrolled: pending until passed. (Staff without one yet may still enrol it, change a one-time
    // password or sign out; every staff procedure needs a passed factor anyway.)
    mfaRequired: await mfaEnrolled(a.sql, info.userId),
    passwordChangeRequired: await passwordChangeRequired(a.sql, info.userId),
  };
};
