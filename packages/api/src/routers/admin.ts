import { StaffRole } from '@tia/domain';
import { z } from 'zod';
import { changeStaffAccess, DEFAULT_ACCESS_REVIEW_DAYS, listGrants } from '../auth/staff.js';
import { procedure, router, type RoleAccess } from '../trpc.js';
import { authOf } from '../identity/common.js';

const ADMIN: RoleAccess = { kind: 'role', roles: ['admin'], mfa: true };
const grantInput = z.object({ userId: z.string().trim().min(1).max(200), role: StaffRole });

export const adminRouter = router({
  /** Every staff grant with who granted it, its last review, and whether a review is overdue. */
  listGrants: procedure(ADMIN).query(async ({ ctx }) => {
    const auth = authOf(ctx);
    return listGrants(auth.sql, auth.clock(), ctx.staff?.accessReviewDays ?? DEFAULT_ACCESS_REVIEW_DAYS);
  }),

  grantRole: procedure(ADMIN)
    .input(grantInput)
    .mutation(async ({ ctx, input }) => {
      const auth = authOf(ctx);
      await changeStaffAccess(auth, {
        type: 'GrantRole',
        actorId: ctx.session.userId,
        userId: input.userId,
        role: input.role,
        now: auth.clock().toISOString(),
      });
      return { ok: true as const };
    }),

  revokeRole: procedure(ADMIN)
    .input(grantInput)
    .mutation(async ({ ctx, input }) => {
      const auth = authOf(ctx);
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
      const auth = authOf(ctx);
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
