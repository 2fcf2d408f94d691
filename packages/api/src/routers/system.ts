import { publicHealth } from '../health.js';
import { PUBLIC, procedure, router } from '../trpc.js';
import { APP_VERSION, POLICY_VERSION } from '../version.js';

export const systemRouter = router({
  /** Database and event-transport health (consumer lag, heartbeats), with error texts redacted. */
  health: procedure(PUBLIC).query(({ ctx }) => publicHealth(ctx.sql, ctx.log)),
  info: procedure(PUBLIC).query(() => ({ version: APP_VERSION, policyVersion: POLICY_VERSION })),
});
