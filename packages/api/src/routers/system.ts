import { publicHealth, staffHealth } from '../health.js';
import { PUBLIC, procedure, router } from '../trpc.js';
import { APP_VERSION, POLICY_VERSION } from '../version.js';

export const systemRouter = router({
  /**
   * Database and event-transport health for anyone: cheap (cached for a second, lag estimated from positions),
   * error texts redacted, never in a batch (see batching.ts).
   */
  health: procedure(PUBLIC).query(({ ctx }) => publicHealth(ctx.sql, ctx.log)),
  /** Exact consumer lag and error texts: staff (compliance officers, admins) with a passed second factor. */
  healthDetails: procedure({ kind: 'role', roles: ['compliance_officer', 'admin'], mfa: true }).query(
    ({ ctx }) => staffHealth(ctx.sql),
  ),
  info: procedure(PUBLIC).query(() => ({ version: APP_VERSION, policyVersion: POLICY_VERSION })),
});
