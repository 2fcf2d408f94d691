export { createAuthServices, deriveKey, type AuthServices } from './services.js';
export {
  signUp,
  verifyEmail,
  resendVerification,
  trialAnswersFor,
  completeProfile,
  UNDER_16_MESSAGE,
  UNDER_16_ERASED_MESSAGE,
} from './accounts.js';
export { signIn, signOut, me, resolveSession } from './sign-in.js';
export { requestPasswordReset, resetPassword, changePassword } from './passwords.js';
export { raiseSecurityAlert } from './alerts.js';
export { runAccountCommand, findAccountByEmail, findAccountById, startSession, accessOf } from './common.js';
