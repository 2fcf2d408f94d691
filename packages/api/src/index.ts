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
export {
  ROLES,
  STAFF_ROLES,
  headerCookies,
  memoryCookies,
  withServices,
  type Role,
  type ServiceContext,
  type Session,
  type Context,
  type CookieJar,
} from './context.js';
export { createAuthServices, resolveSession, type AuthServices } from './accounts/index.js';
export {
  assertMailConfigured,
  createMailer,
  devMailboxProblem,
  fileMailer,
  forgetMailTo,
  smtpMailer,
  type Mailer,
  type MailMessage,
} from './mail/mailer.js';
export { eraseMyAccount, RECENT_SIGN_IN_SECONDS } from './privacy/erase-account.js';
export { runRetention, RETENTION_ACTOR, type RetentionRunResult } from './privacy/retention.js';
export { COOKIE_INVENTORY, STORAGE_INVENTORY, type CookieEntry } from './privacy/cookie-inventory.js';
/** What `privacy.processing` answers (also the `trpc_query` benchmark's bare baseline, scripts/lib). */
export { processingNotice, type ProcessingNotice } from './privacy/processing-notice.js';
export { sessionCookieName } from './sessions/sessions.js';
export { rolesFor } from './sessions/roles.js';
export { DEFAULT_ACCESS_REVIEW_DAYS } from './staff/grants.js';
export { DEFAULT_ANALYTICS, type AnalyticsSettings } from './analytics/service.js';
export { GoogleSignIn, type GoogleConfig } from './google-sign-in/oidc.js';
export {
  googleSubLookup,
  handleGoogleCallback,
  handleGoogleStart,
  type GoogleDeps,
} from './google-sign-in/flow.js';
export * from './errors.js';
export { downloadExport } from './privacy/export-data.js';
export {
  handleRecordingUpload,
  MAX_RECORDING_BYTES,
  redactJobQuestions,
  revealQuestion,
  sniffAudio,
  type RecordingDetail,
  type RecordingSummary,
  type SniffResult,
  type UploadBody,
  type UploadRequest,
  type UploadResponse,
} from './practice/index.js';
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
/** Command-path entry points used by `npm run db:seed` (synthetic candidates). */
export { signUp, verifyEmail } from './accounts/sign-up.js';
export { startSession as startPracticeSession } from './practice/start-session.js';
export { changeStaffAccess } from './staff/grants.js';
export { totpCode, stepAt } from './second-factor/totp.js';
export { browseTrail, TrailPage } from './compliance/trail.js';
export { affectedBy } from './compliance/breaches.js';
