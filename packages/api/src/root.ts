import { adminRouter } from './routers/admin.js';
import { analyticsRouter } from './routers/analytics.js';
import { breachesRouter } from './routers/breaches.js';
import { registersRouter } from './routers/registers.js';
import { policyRouter } from './routers/policy.js';
import { lifecycleRouter } from './routers/lifecycle.js';
import { dependenciesRouter } from './routers/dependencies.js';
import { privacyRouter } from './routers/privacy.js';
import { authRouter } from './routers/auth.js';
import { complianceRouter } from './routers/compliance.js';
import { mfaRouter } from './routers/mfa.js';
import { practiceRouter } from './routers/practice.js';
import { systemRouter } from './routers/system.js';
import { router } from './trpc.js';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  mfa: mfaRouter,
  admin: adminRouter,
  compliance: complianceRouter,
  practice: practiceRouter,
  privacy: privacyRouter,
  analytics: analyticsRouter,
  breaches: breachesRouter,
  registers: registersRouter,
  policy: policyRouter,
  lifecycle: lifecycleRouter,
  dependencies: dependenciesRouter,
});

export type AppRouter = typeof appRouter;
