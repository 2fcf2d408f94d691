import { z } from 'zod';
import { identity as id } from '@tia/domain';
import {
  changePassword,
  completeProfile,
  me,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signIn,
  signOut,
  signUp,
  verifyEmail,
} from '../accounts/index.js';
import { AUTHENTICATED, PUBLIC, procedure, router } from '../trpc.js';
import { ValidationFailed } from '../errors.js';
import { policyVersionInForce } from '../policy/revisions.js';
import type { AuthServices } from '../services.js';

const email = z
  .string()
  .trim()
  .max(320, 'That email address is too long.')
  .refine(id.looksLikeEmail, 'Enter a valid email address.');
// Length and content rules are checked by the password policy, with readable messages.
const password = z.string().min(1, 'Enter a password.').max(1024, 'That password is too long.');
const code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from the email.');

const dateOfBirth = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter your date of birth as YYYY-MM-DD.');
const consents = z.object({
  recordingFeedback: z.boolean(),
  productImprovement: z.boolean(),
  marketingEmail: z.boolean(),
});
/**
 * The version of the privacy notice the person saw. Only the published one is accepted: a consent record must
 * name what was actually in force, not whatever a client sends.
 */
export const POLICY_VERSION_CHANGED =
  'The privacy notice was updated while you were signing up. Reload the page, read it, and try again.';
const policyVersion = z.string().trim().min(1).max(40);

/** Refuses a consent naming any notice but the revision in force now (the page was opened before a change). */
const inForce = async (ctx: { services: AuthServices }, named: string): Promise<void> => {
  if (named !== (await policyVersionInForce(ctx.services)))
    throw new ValidationFailed(
      [{ path: 'policyVersion', message: POLICY_VERSION_CHANGED }],
      POLICY_VERSION_CHANGED,
    );
};

export const authRouter = router({
  signUp: procedure(PUBLIC)
    .input(
      z.object({
        name: z.string().trim().min(1, 'Enter your name.').max(200, 'That name is too long.'),
        email,
        password,
        dateOfBirth,
        consents,
        policyVersion,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await inForce(ctx, input.policyVersion);
      return signUp(ctx, input);
    }),
  /** The sign-up rules for an account created through Google (date of birth, consents) → trial. */
  completeProfile: procedure(AUTHENTICATED)
    .input(z.object({ dateOfBirth, consents, policyVersion }))
    .mutation(async ({ ctx, input }) => {
      await inForce(ctx, input.policyVersion);
      return completeProfile(ctx, input);
    }),
  verifyEmail: procedure(PUBLIC)
    .input(z.object({ email, code }))
    .mutation(({ ctx, input }) => verifyEmail(ctx, input)),
  resendVerification: procedure(PUBLIC)
    .input(z.object({ email }))
    .mutation(({ ctx, input }) => resendVerification(ctx, input)),
  signIn: procedure(PUBLIC)
    .input(z.object({ email, password }))
    .mutation(({ ctx, input }) => signIn(ctx, input)),
  signOut: procedure(AUTHENTICATED).mutation(({ ctx }) => signOut(ctx)),
  requestPasswordReset: procedure(PUBLIC)
    .input(z.object({ email }))
    .mutation(({ ctx, input }) => requestPasswordReset(ctx, input)),
  resetPassword: procedure(PUBLIC)
    .input(z.object({ email, code, newPassword: password }))
    .mutation(({ ctx, input }) => resetPassword(ctx, input)),
  changePassword: procedure(AUTHENTICATED)
    .input(z.object({ currentPassword: password, newPassword: password }))
    .mutation(({ ctx, input }) => changePassword(ctx, input)),
  me: procedure(PUBLIC).query(({ ctx }) => me(ctx)),
});
