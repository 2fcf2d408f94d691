import { securityAlerts } from '../auth/alerts.js';
import { procedure, router } from '../trpc.js';
import { authOf } from '../identity/common.js';

export const complianceRouter = router({
  /** Repeated sign-in failures raised by the rate limiter, newest first. */
  securityAlerts: procedure({ kind: 'role', roles: ['compliance_officer', 'admin'], mfa: true }).query(
    async ({ ctx }) => securityAlerts(authOf(ctx).store),
  ),
});
