import { adminRouter } from './routers/admin.js';
import { authRouter } from './routers/auth.js';
import { complianceRouter } from './routers/compliance.js';
import { mfaRouter } from './routers/mfa.js';
import { systemRouter } from './routers/system.js';
import { router } from './trpc.js';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  mfa: mfaRouter,
  admin: adminRouter,
  compliance: complianceRouter,
});

export type AppRouter = typeof appRouter;
