import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

/**
 * The account decider (stream `user-<userId>`): pure `decide`, `evolve`, `initialState`. Time comes in with
 * each command; nothing here reads a clock or makes ids. Secrets (password hashes, codes) never pass through.
 */
export type SignInMethod = 'password' | 'google' | 'email_code';

export type AccountState =
  | { kind: 'none' }
  | { kind: 'unverified'; userId: string; registeredAt: string; trialGranted: boolean }
  | { kind: 'active'; userId: string; verifiedAt: string; trialGranted: boolean }
  | { kind: 'erased'; userId: string };

export const accountEvents = eventSlice([
  'AccountRegistered',
  'EmailVerificationSent',
  'EmailVerified',
  'PasswordChanged',
  'PasswordResetRequested',
  'SignedIn',
  'SignInFailed',
  'SignedOut',
  'SessionsRevoked',
  'TrialGranted',
  'GoogleAccountLinked',
  'MfaEnrolled',
  'MfaRecoveryCodeUsed',
  'SubjectErased',
]);
export type AccountEvent = EventOf<(typeof accountEvents.types)[number]>;

export type AccountCommand =
  | {
      type: 'Register';
      userId: string;
      name: string;
      email: string;
      signupMethod: 'password' | 'google';
      now: string;
    }
  | { type: 'SendVerification'; now: string }
  /** `trialAnswers`: what the trial registry allows for this address (0 when it was used before). */
  | { type: 'VerifyEmail'; trialAnswers: number; now: string }
  | {
      type: 'RecordSignIn';
      method: SignInMethod;
      ipPrefix: string | null;
      uaFamily: string | null;
      now: string;
    }
  | {
      type: 'RecordSignInFailure';
      reason: 'wrong_password' | 'wrong_code';
      ipPrefix: string | null;
      uaFamily: string | null;
      now: string;
    }
  | { type: 'SignOut'; now: string }
  | { type: 'RequestPasswordReset'; now: string }
  | { type: 'ChangePassword'; via: 'change' | 'reset'; now: string }
  | { type: 'RevokeSessions'; reason: 'erased' | 'admin'; now: string }
  /** The free trial for an account whose email is already proven (Google sign-up, once its profile is complete). */
  | { type: 'GrantTrial'; trialAnswers: number; now: string }
  /** A verified Google identity (`sub`) now signs in to this account. */
  | { type: 'LinkGoogle'; sub: string; picture: string | null; now: string }
  /** The TOTP second factor was confirmed (the secret never passes through here). */
  | { type: 'RecordMfaEnrolment'; now: string }
  /** A single-use recovery code was spent; `remaining` are left. */
  | { type: 'RecordRecoveryCodeUse'; remaining: number; now: string };

export class AccountRuleViolated extends DomainRuleViolated {
  readonly kind = 'conflict' as const;
  constructor(
    override readonly rule: 'already_registered' | 'no_account' | 'erased',
    message: string,
  ) {
    super(rule, message);
  }
}

export const initialState: AccountState = { kind: 'none' };

export const decide = (cmd: AccountCommand, state: AccountState): AccountEvent[] => {
  if (state.kind === 'erased') throw new AccountRuleViolated('erased', 'This account was erased.');
  if (cmd.type === 'Register') {
    if (state.kind !== 'none') throw new AccountRuleViolated('already_registered', 'The account exists.');
    const registered: AccountEvent = {
      type: 'AccountRegistered',
      data: {
        userId: cmd.userId,
        name: cmd.name,
        email: cmd.email,
        signupMethod: cmd.signupMethod,
        registeredAt: cmd.now,
      },
    };
    // A password sign-up must prove the address; Google already did.
    return cmd.signupMethod === 'password'
      ? [registered, { type: 'EmailVerificationSent', data: { userId: cmd.userId, sentAt: cmd.now } }]
      : [registered, { type: 'EmailVerified', data: { userId: cmd.userId, verifiedAt: cmd.now } }];
  }
  if (state.kind === 'none') throw new AccountRuleViolated('no_account', 'There is no such account.');
  const userId = state.userId;
  switch (cmd.type) {
    case 'SendVerification':
      return state.kind === 'unverified'
        ? [{ type: 'EmailVerificationSent', data: { userId, sentAt: cmd.now } }]
        : [];
    case 'VerifyEmail': {
      if (state.kind === 'active') return []; // already verified: nothing new
      const out: AccountEvent[] = [{ type: 'EmailVerified', data: { userId, verifiedAt: cmd.now } }];
      if (!state.trialGranted && cmd.trialAnswers > 0)
        out.push({ type: 'TrialGranted', data: { userId, answers: cmd.trialAnswers, grantedAt: cmd.now } });
      return out;
    }
    case 'RecordSignIn':
      return [
        {
          type: 'SignedIn',
          data: {
            userId,
            method: cmd.method,
            ipPrefix: cmd.ipPrefix,
            uaFamily: cmd.uaFamily,
            signedInAt: cmd.now,
          },
        },
      ];
    case 'RecordSignInFailure':
      return [
        {
          type: 'SignInFailed',
          data: {
            userId,
            reason: cmd.reason,
            ipPrefix: cmd.ipPrefix,
            uaFamily: cmd.uaFamily,
            failedAt: cmd.now,
          },
        },
      ];
    case 'SignOut':
      return [{ type: 'SignedOut', data: { userId, signedOutAt: cmd.now } }];
    case 'RequestPasswordReset':
      return [{ type: 'PasswordResetRequested', data: { userId, requestedAt: cmd.now } }];
    case 'ChangePassword': {
      const out: AccountEvent[] = [
        { type: 'PasswordChanged', data: { userId, via: cmd.via, changedAt: cmd.now } },
        {
          type: 'SessionsRevoked',
          data: {
            userId,
            reason: cmd.via === 'reset' ? 'password_reset' : 'password_changed',
            revokedAt: cmd.now,
          },
        },
      ];
      // Resetting by an emailed code proves the address too.
      if (cmd.via === 'reset' && state.kind === 'unverified')
        out.unshift({ type: 'EmailVerified', data: { userId, verifiedAt: cmd.now } });
      return out;
    }
    case 'RevokeSessions':
      return [{ type: 'SessionsRevoked', data: { userId, reason: cmd.reason, revokedAt: cmd.now } }];
    case 'GrantTrial':
      return !state.trialGranted && cmd.trialAnswers > 0
        ? [{ type: 'TrialGranted', data: { userId, answers: cmd.trialAnswers, grantedAt: cmd.now } }]
        : [];
    case 'LinkGoogle':
      return [
        {
          type: 'GoogleAccountLinked',
          data: { userId, sub: cmd.sub, ...(cmd.picture ? { picture: cmd.picture } : {}), linkedAt: cmd.now },
        },
      ];
    case 'RecordMfaEnrolment':
      return [{ type: 'MfaEnrolled', data: { userId, method: 'totp', enrolledAt: cmd.now } }];
    case 'RecordRecoveryCodeUse':
      return [{ type: 'MfaRecoveryCodeUsed', data: { userId, remaining: cmd.remaining, usedAt: cmd.now } }];
  }
};

export const evolve = (state: AccountState, event: AccountEvent): AccountState => {
  switch (event.type) {
    case 'AccountRegistered':
      return {
        kind: 'unverified',
        userId: event.data.userId,
        registeredAt: event.data.registeredAt,
        trialGranted: false,
      };
    case 'EmailVerified':
      if (state.kind !== 'unverified') return state;
      return {
        kind: 'active',
        userId: state.userId,
        verifiedAt: event.data.verifiedAt,
        trialGranted: state.trialGranted,
      };
    case 'TrialGranted':
      if (state.kind === 'unverified' || state.kind === 'active') return { ...state, trialGranted: true };
      return state;
    case 'SubjectErased':
      return { kind: 'erased', userId: event.data.subjectId };
    default:
      return state;
  }
};

export const accountDecider: Decider<AccountState, AccountCommand, (typeof accountEvents.types)[number]> = {
  events: accountEvents,
  decide,
  evolve,
  initialState,
};
