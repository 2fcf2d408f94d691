import { StaffRole } from '@tia/domain';
import { z } from 'zod';
import { changeStaffAccess, DEFAULT_ACCESS_REVIEW_DAYS, listGrants } from '../staff/grants.js';
import { procedure, router, type RoleAccess } from '../trpc.js';
import { findAccountByEmail } from '../accounts/common.js';
import { NotFound } from '../errors.js';

const ADMIN: RoleAccess = { kind: 'role', roles: ['admin'], mfa: true };
const grantInput = z.object({ userId: z.string().trim().min(1).max(200), role: StaffRole });
/** A grant names the person by the email they signed up with (or, from the grants list, by account id). */
const grantByInput = z
  .object({
    email: z
      .string()
      .trim()
      .max(320)
      .pipe(z.email({ message: 'Enter the email address the person signed up with.' }))
      .optional(),
    userId: z.string().trim().min(1).max(200).optional(),
    role: StaffRole,
  })
  .refine((v) => (v.email === undefined) !== (v.userId === undefined), {
    message: 'Name the person by their email address.',
    path: ['email'],
  });

export const adminRouter = router({
  /** Every staff grant with who granted it, its last review, and whether a review is overdue. */
  listGrants: procedure(ADMIN).query(async ({ ctx }) => {
    const auth = ctx.services;
    return listGrants(
      auth.sql,
      auth.keys,
      auth.clock(),
      ctx.staff?.accessReviewDays ?? DEFAULT_ACCESS_REVIEW_DAYS,
    );
  }),

  grantRole: procedure(ADMIN)
    .input(grantByInput)
    .mutation(async ({ ctx, input }) => {
      const auth = ctx.services;
      let userId: string;
      if (input.email !== undefined) {
        const account = await findAccountByEmail(auth, input.email);
        if (!account)
          throw new NotFound('No account uses this email address. The person must sign up first.');
        userId = account.userId;
      } else userId = input.userId!; // the refinement: exactly one of email and userId
      await changeStaffAccess(auth, {
        type: 'GrantRole',
        actorId: ctx.session.userId,
        userId,
        role: input.role,
        now: auth.clock().toISOString(),
      });
      return { ok: true as const, userId };
    }),

  revokeRole: procedure(ADMIN)
    .input(grantInput)
    .mutation(async ({ ctx, input }) => {
      const auth = ctx.services;
      await changeStaffAccess(auth, {
        type: 'RevokeRole',
        actorId: ctx.session.userId,
        userId: input.userId,
        role: input.role,
        now: auth.clock().toISOString(),
      });
      return { ok: true as const };
    }),

  /** Confirms that a grant is still needed (resets its review clock). */
  reviewGrant: procedure(ADMIN)
    .input(grantInput)
    .mutation(async ({ ctx, input }) => {
      const auth = ctx.services;
      await changeStaffAccess(auth, {
        type: 'ReviewAccess',
        actorId: ctx.session.userId,
        userId: input.userId,
        role: input.role,
        now: auth.clock().toISOString(),
      });
      return { ok: true as const };
    }),
});
