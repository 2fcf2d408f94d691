import { identity } from '@tia/domain';
import type { ServiceContext, Session } from '../context.js';
import { ValidationFailed } from '../errors.js';
import { CODE_TTL_SECONDS } from './email-codes.js';
import { MESSAGES } from '../mail/mailer.js';
import { hashPassword, ONE_TIME_PASSWORD_HOURS, verifyPassword } from './password-hashing.js';
import { POLICIES } from '../rate-limit.js';
import { CODE_WRONG_MESSAGE, passwordIssue } from './sign-up.js';
import {
  clearSessionCookie,
  findAccountByEmail,
  findAccountById,
  runAccountCommand,
  sendQuietly,
  startSession,
  technical,
  withConcurrencyRetry,
} from './common.js';
import { signInPairKey } from './sign-in.js';

export const requestPasswordReset = async (ctx: ServiceContext, input: { email: string }) => {
  const a = ctx.services;
  const now = a.clock();
  const email = identity.normaliseEmail(input.email);
  const { ipPrefix } = technical(ctx);
  await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key('reset-send-acct', email), policy: POLICIES.send },
      { key: a.limiter.key('reset-send-ip', ipPrefix ?? 'unknown'), policy: POLICIES.send },
    ],
    now,
  );
  const account = await findAccountByEmail(a, email);
  if (account) {
    const code = await a.sql.begin(async (tx) => {
      await runAccountCommand(a, tx, ctx, account.userId, [
        { type: 'RequestPasswordReset', now: now.toISOString() },
      ]);
      return a.codes.issue(tx, account.userId, 'reset_password', now);
    });
    // Sent after answering: waiting for the mail server would tell who has an account.
    void sendQuietly(
      a,
      ctx,
      { to: account.email, ...MESSAGES.passwordResetCode(account.name, code, CODE_TTL_SECONDS / 60) },
      'password reset code',
    );
  }
  return { ok: true as const };
};

export const resetPassword = async (
  ctx: ServiceContext,
  input: { email: string; code: string; newPassword: string },
) => {
  const a = ctx.services;
  const now = a.clock();
  const email = identity.normaliseEmail(input.email);
  const { ipPrefix } = technical(ctx);
  const account = await findAccountByEmail(a, email);
  passwordIssue(input.newPassword, { email, ...(account ? { name: account.name } : {}) }, 'newPassword');
  // Reserved before the code is compared (parallel guesses queue on the counters).
  const [byAccount, byIp] = await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key('reset-code-acct', email), policy: POLICIES.code },
      { key: a.limiter.key('reset-code-ip', ipPrefix ?? 'unknown'), policy: POLICIES.code },
    ],
    now,
  );
  const hash = await hashPassword(input.newPassword);
  const result = account
    ? await withConcurrencyRetry(() =>
        a.sql.begin(async (tx) => {
          const check = await a.codes.consume(tx, account.userId, 'reset_password', input.code, now);
          if (check !== 'ok') return check;
          // A reset proves the mailbox, not the person the one-time password was handed to: "must change
          // password" (bootstrap admin) stays until they change it while signed in.
          // …and it is one-time again: it expires like the bootstrap password did.
          await tx`insert into credentials (user_id, password_hash, updated_at) values (${account.userId}, ${hash}, ${now})
                 on conflict (user_id) do update set password_hash = excluded.password_hash,
                   updated_at = excluded.updated_at,
                   one_time_expires_at = case when credentials.change_required
                     then ${new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * 3600_000)} end`;
          await runAccountCommand(a, tx, ctx, account.userId, [
            { type: 'ChangePassword', via: 'reset', now: now.toISOString() },
          ]);
          return 'ok' as const;
        }),
      )
    : 'none';
  if (result !== 'ok')
    throw new ValidationFailed([{ path: 'code', message: CODE_WRONG_MESSAGE }], CODE_WRONG_MESSAGE);
  await a.limiter.reset(a.sql, byAccount!.key);
  await a.limiter.release(a.sql, byIp!);
  // The owner proved the address: their sign-in delays from this network end.
  await a.limiter.reset(a.sql, signInPairKey(a, email, ipPrefix));
  await a.sessions.invalidateAllFor(account!.userId);
  clearSessionCookie(ctx);
  return { ok: true as const };
};

export const CURRENT_PASSWORD_WRONG = 'Your current password is not right.';

/** Ends every session, then starts a fresh one for this browser so the person stays signed in here. */
export const changePassword = async (
  ctx: ServiceContext & { session: Session },
  input: { currentPassword: string; newPassword: string },
) => {
  const a = ctx.services;
  const now = a.clock();
  const userId = ctx.session.userId;
  const [reservation] = await a.limiter.reserve(
    a.sql,
    [{ key: a.limiter.key('change-acct', userId), policy: POLICIES.signInAccount }],
    now,
  );
  const account = await findAccountById(a, userId);
  const cred = (
    await a.sql<{ password_hash: string }[]>`select password_hash from credentials where user_id = ${userId}`
  )[0];
  if (!account || !cred) {
    const message = 'This account has no password yet. Use "Forgot password" to set one.';
    throw new ValidationFailed([{ path: 'currentPassword', message }], message);
  }
  if (!(await verifyPassword(cred.password_hash, input.currentPassword))) {
    throw new ValidationFailed(
      [{ path: 'currentPassword', message: CURRENT_PASSWORD_WRONG }],
      CURRENT_PASSWORD_WRONG,
    );
  }
  passwordIssue(input.newPassword, { email: account.email, name: account.name }, 'newPassword');
  const hash = await hashPassword(input.newPassword);
  await withConcurrencyRetry(() =>
    a.sql.begin(async (tx) => {
      await tx`update credentials set password_hash = ${hash}, updated_at = ${now}, change_required = false,
                 one_time_expires_at = null
               where user_id = ${userId}`;
      await runAccountCommand(a, tx, ctx, userId, [
        { type: 'ChangePassword', via: 'change', now: now.toISOString() },
      ]);
    }),
  );
  await a.limiter.reset(a.sql, reservation!.key);
  await a.sessions.invalidateAllFor(userId);
  await startSession(a, { ...ctx, session: null }, userId);
  return { ok: true as const };
};
