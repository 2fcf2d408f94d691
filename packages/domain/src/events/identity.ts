import { z } from 'zod';
import { defineEvent } from './registry.js';
import { pii, technicalDataSubject } from './pii.js';

/**
 * Identity events (issue 3, I1): everything that happens to an account, on the stream `user-<userId>`.
 * No secrets ever go into events: no password hash, no code, no code hash, no session token.
 * Technical data is already minimised before it gets here (IP truncated to /24 or /48, coarse UA family)
 * and is still treated as personal data (encrypted with the user's key, shredded on erasure).
 */
const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });
const ipPrefix = z.string().max(64);
const uaFamily = z.string().max(80);

export const SIGN_IN_METHODS = ['password', 'google', 'email_code'] as const;

/** A verification code was sent to the account's email (the code itself is never recorded). */
export const EmailVerificationSent = defineEvent({
  type: 'EmailVerificationSent',
  category: 'identity',
  schema: z.object({ userId: id, sentAt: isoTime }),
  subject: (d) => d.userId,
});

export const EmailVerified = defineEvent({
  type: 'EmailVerified',
  category: 'identity',
  schema: z.object({ userId: id, verifiedAt: isoTime }),
  subject: (d) => d.userId,
});

export const PasswordChanged = defineEvent({
  type: 'PasswordChanged',
  category: 'identity',
  schema: z.object({ userId: id, via: z.enum(['change', 'reset']), changedAt: isoTime }),
  subject: (d) => d.userId,
});

export const PasswordResetRequested = defineEvent({
  type: 'PasswordResetRequested',
  category: 'identity',
  schema: z.object({ userId: id, requestedAt: isoTime }),
  subject: (d) => d.userId,
});

export const SignedIn = defineEvent({
  type: 'SignedIn',
  category: 'identity',
  schema: z.object({
    userId: id,
    method: z.enum(SIGN_IN_METHODS),
    ipPrefix: pii(ipPrefix.nullable()),
    uaFamily: pii(uaFamily.nullable()),
    signedInAt: isoTime,
  }),
  pii: ['ipPrefix', 'uaFamily'],
  subject: (d) => technicalDataSubject(d.userId, d.signedInAt),
});

export const SignInFailed = defineEvent({
  type: 'SignInFailed',
  category: 'identity',
  schema: z.object({
    userId: id,
    reason: z.enum(['wrong_password', 'wrong_code']),
    ipPrefix: pii(ipPrefix.nullable()),
    uaFamily: pii(uaFamily.nullable()),
    failedAt: isoTime,
  }),
  pii: ['ipPrefix', 'uaFamily'],
  subject: (d) => technicalDataSubject(d.userId, d.failedAt),
});

export const SignedOut = defineEvent({
  type: 'SignedOut',
  category: 'identity',
  schema: z.object({ userId: id, signedOutAt: isoTime }),
  subject: (d) => d.userId,
});

/** Every session of the account was ended (password change or reset, erasure, admin action). */
export const SessionsRevoked = defineEvent({
  type: 'SessionsRevoked',
  category: 'identity',
  schema: z.object({
    userId: id,
    reason: z.enum(['password_changed', 'password_reset', 'erased', 'admin']),
    revokedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/** Free practice answers granted once per email address (decided by an HMAC registry that survives erasure). */
export const TrialGranted = defineEvent({
  type: 'TrialGranted',
  category: 'identity',
  schema: z.object({ userId: id, answers: z.number().int().min(0).max(1000), grantedAt: isoTime }),
  subject: (d) => d.userId,
});

/**
 * Repeated failures seen by the rate limiter, raised once per window, for compliance officers.
 * Stream `securityalert-<alertId>`. An account alert names the user; an IP alert names no one, and its
 * truncated IP prefix is encrypted with a key of its own (`alert:<alertId>`) so it can be shredded on retention.
 */
export const SecurityAlertRaised = defineEvent({
  type: 'SecurityAlertRaised',
  category: 'identity',
  schema: z.object({
    alertId: id,
    kind: z.enum(['repeated_sign_in_failures_account', 'repeated_sign_in_failures_ip']),
    userId: id.nullable(),
    ipPrefix: pii(ipPrefix.nullable()),
    count: z.number().int().min(1),
    windowStartedAt: isoTime,
    windowMinutes: z.number().int().min(1),
    raisedAt: isoTime,
  }),
  pii: ['ipPrefix'],
  subject: (d) => technicalDataSubject(d.userId ?? `alert:${d.alertId}`, d.raisedAt),
});

export const IDENTITY_EVENTS = [
  EmailVerificationSent,
  EmailVerified,
  PasswordChanged,
  PasswordResetRequested,
  SignedIn,
  SignInFailed,
  SignedOut,
  SessionsRevoked,
  TrialGranted,
  SecurityAlertRaised,
] as const;
