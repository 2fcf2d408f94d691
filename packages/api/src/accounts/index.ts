export { createAuthServices, deriveKey, type AuthServices } from '../services.js';
export {
  signUp,
  verifyEmail,
  resendVerification,
  trialAnswersFor,
  completeProfile,
  UNDER_16_MESSAGE,
  UNDER_16_ERASED_MESSAGE,
} from './sign-up.js';
export { signIn, signOut, me, resolveSession } from './sign-in.js';
export { requestPasswordReset, resetPassword, changePassword } from './reset-or-change-password.js';
export { raiseSecurityAlert } from './raise-security-alert.js';
export { runAccountCommand, findAccountByEmail, findAccountById, startSession, accessOf } from './common.js';
