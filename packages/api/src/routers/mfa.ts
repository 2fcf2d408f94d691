import { z } from 'zod';
import type { ServiceContext, Session } from '../context.js';
import { sessionCookieName } from '../sessions/sessions.js';
import { Conflict, ValidationFailed } from '../errors.js';
import { findAccountById, runAccountCommand } from '../accounts/common.js';
import type { AuthServices } from '../services.js';
import { POLICIES } from '../rate-limit.js';
import { TotpFactors } from '../second-factor/totp.js';
import { AUTHENTICATED, procedure, router } from '../trpc.js';

const totpOf = (auth: AuthServices) => new TotpFactors(auth.sql, auth.keys);

const codeInput = z.object({ code: z.string().trim().min(1).max(64) });

const wrongCode = (message = 'That code is not right. Check your authenticator app and try again.') =>
  new ValidationFailed([{ path: 'code', message }], message);

/**
 * Second-factor attempts per account share the policy of email codes (growing delays, 429), plus a cap per
 * 30-second TOTP step. Both are reserved before the code is checked, so a batch or a burst of parallel
 * requests cannot try more codes than that.
 */
const limited = async <T>(
  auth: AuthServices,
  userId: string,
  attempt: () => Promise<T | null>,
): Promise<T> => {
  const now = auth.clock();
  const [account, step] = await auth.limiter.reserve(
    auth.sql,
    [
      { key: auth.limiter.key('mfa', userId), policy: POLICIES.code },
      { key: auth.limiter.key('mfa-step', userId), policy: POLICIES.totpStep },
    ],
    now,
  );
  const r = await attempt();
  if (r === null) throw wrongCode();
  await auth.limiter.reset(auth.sql, account!.key);
  await auth.limiter.release(auth.sql, step!);
  return r;
};

/** The factor is passed: the session continues under a new token (the pre-MFA token stops working). */
const markPassed = async (ctx: ServiceContext & { session: Session }) => {
  const auth = ctx.services;
  const sessionId = ctx.session.sessionId;
  if (!sessionId) return;
  const token = await auth.sessions.rotatePassingMfa(sessionId);
  if (token)
    ctx.cookies.set(
      sessionCookieName(ctx.cookies.secure),
      token,
      auth.sessions.cookieAttributes(ctx.cookies.secure),
    );
};

export const mfaRouter = router({
  /** A fresh TOTP secret for the authenticator app (QR from the otpauth URI). */
  beginEnrolment: procedure(AUTHENTICATED).mutation(async ({ ctx }) => {
    const auth = ctx.services;
    const account = await findAccountById(auth, ctx.session.userId);
    const begun = await totpOf(auth).begin(ctx.session.userId, account?.email ?? ctx.session.userId);
    if (!begun) throw new Conflict('Two-factor authentication is already set up for this account.');
    return begun;
  }),

  /** The first code from the app enables the factor; the recovery codes are shown this once only. */
  confirmEnrolment: procedure(AUTHENTICATED)
    .input(codeInput)
    .mutation(async ({ ctx, input }) => {
      const auth = ctx.services;
      const userId = ctx.session.userId;
      const recoveryCodes = await limited(auth, userId, () =>
        auth.sql.begin(async (tx) => {
          const now = auth.clock();
          const r = await totpOf(auth).confirm(tx, userId, input.code, now);
          if (!r.ok) {
            if (r.reason === 'not_enrolled') throw new Conflict('Start the set-up first.');
            return null;
          }
          await runAccountCommand(auth, tx, ctx, userId, [
            { type: 'RecordMfaEnrolment', now: now.toISOString() },
          ]);
          return r.recoveryCodes;
        }),
      );
      await markPassed(ctx);
      return { recoveryCodes };
    }),

  /** Second step of signing in: a code from the app (each code works once). */
  verify: procedure(AUTHENTICATED)
    .input(codeInput)
    .mutation(async ({ ctx, input }) => {
      const auth = ctx.services;
      const userId = ctx.session.userId;
      await limited(auth, userId, async () => {
        const outcome = await totpOf(auth).verify(userId, input.code, auth.clock());
        if (outcome === 'not_enrolled') throw new Conflict('Two-factor authentication is not set up yet.');
        return outcome === 'ok' ? true : null;
      });
      await markPassed(ctx);
      return { ok: true as const };
    }),

  /** When the phone is lost: one of the recovery codes, each usable once. */
  useRecoveryCode: procedure(AUTHENTICATED)
    .input(codeInput)
    .mutation(async ({ ctx, input }) => {
      const auth = ctx.services;
      const userId = ctx.session.userId;
      const remaining = await limited(auth, userId, () =>
        auth.sql.begin(async (tx) => {
          const now = auth.clock();
          const left = await totpOf(auth).useRecoveryCode(tx, userId, input.code, now);
          if (left === null) return null;
          await runAccountCommand(auth, tx, ctx, userId, [
            { type: 'RecordRecoveryCodeUse', remaining: left, now: now.toISOString() },
          ]);
          return left;
        }),
      );
      await markPassed(ctx);
      return { ok: true as const, remaining };
    }),
});
