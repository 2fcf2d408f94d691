export { appRouter, type AppRouter } from './root.js';
export {
  procedure,
  router,
  createCallerFactory,
  authorize,
  PUBLIC,
  AUTHENTICATED,
  type Access,
  type PublicAccess,
  type AuthenticatedAccess,
  type RoleAccess,
  type Meta,
} from './trpc.js';
export { ROLES, STAFF_ROLES, type Role, type Session, type Context } from './context.js';
export * from './errors.js';
export {
  createJsonLogger,
  serializeError,
  silentLogger,
  type Logger,
  type LogFields,
  type LogLevel,
} from './log.js';
export { APP_VERSION, POLICY_VERSION } from './version.js';
export { tRPCResponseMeta } from './http.js';
export { publicHealth, redactHealth, type HealthReport } from './health.js';
