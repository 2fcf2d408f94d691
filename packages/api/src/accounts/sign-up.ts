import { consent, identity, type ConsentPurpose } from '@tia/domain';
import { eraseSubject } from '@tia/db';
import type { Context, ServiceContext, Session } from '../context.js';
import { Conflict, Unauthenticated, ValidationFailed } from '../errors.js';
import { CODE_TTL_SECONDS } from './email-codes.js';
import { MESSAGES } from '../mail/mailer.js';
import { POLICIES } from '../rate-limit.js';
import { hashPassword } from './password-hashing.js';
import {
  clearSessionCookie,
  findAccountByEmail,
  findAccountById,
  isUniqueViolation,
  runAccountCommand,
  sendQuietly,
  startSession,
  technical,
  withConcurrencyRetry,
} from './common.js';
import { privacyStream } from '../privacy/stream.js';
import type { AuthServices } from '../services.js';
import type { TxSql } from '@tia/db';

export const UNDER_16_MESSAGE =
  'You must be at least 16 to use TrueInterviewAI. We have not stored anything you entered.';
export const RECORDING_CONSENT_MESSAGE =
  'Please agree to us processing your recordings for feedback: practice with feedback cannot work without it.';
export const CODE_WRONG_MESSAGE = 'That code is not right or has expired. Request a new one if needed.';

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  dateOfBirth: string;
  consents: { recordingFeedback: boolean; productImprovement: boolean; marketingEmail: boolean };
  policyVersion: string;
}

export const passwordIssue = (
  password: string,
  personal: { email?: string; name?: string },
  path: string,
) => {
  const problem = identity.checkPassword(password, personal);
  if (problem) {
    const message = identity.PASSWORD_MESSAGES[problem];
    throw new ValidationFailed([{ path, message }], message);
  }
};

/** Appends `ConsentGiven` for each ticked purpose on `privacy-<userId>`. */
const recordConsents = async (
  a: AuthServices,
  tx: TxSql,
  ctx: Pick<Context, 'requestId'>,
  userId: string,
  purposes: readonly ConsentPurpose[],
  policyVersion: string,
) => {
  const now = a.clock().toISOString();
  await a.commands.handle(
    consent.consentDecider,
    privacyStream(userId),
    purposes.map((purpose): consent.ConsentCommand => ({
      type: 'GiveConsent',
      subjectId: userId,
      purpose,
      policyVersion,
      now,
    })),
    { actor: { kind: 'user', id: userId }, requestId: ctx.requestId },
    { tx },
  );
};

/** One more in today's under-16 counter: the only trace of a refused minor. */
const countUnderageRefusal = (a: AuthServices, now: Date) =>
  a.sql`insert into underage_refusals (day, count) values (${now.toISOString().slice(0, 10)}, 1)
        on conflict (day) do update set count = underage_refusals.count + 1`;

const requireRecordingConsent = (consents: { recordingFeedback: boolean }) => {
  if (!consents.recordingFeedback)
    throw new ValidationFailed(
      [{ path: 'consents.recordingFeedback', message: RECORDING_CONSENT_MESSAGE }],
      RECORDING_CONSENT_MESSAGE,
    );
};

const consentPurposes = (consents: SignUpInput['consents']): ConsentPurpose[] => [
  'recording_feedback',
  ...(consents.productImprovement ? (['product_improvement'] as const) : []),
  ...(consents.marketingEmail ? (['marketing_email'] as const) : []),
];

export const signUp = async (ctx: ServiceContext, input: SignUpInput) => {
  const a = ctx.services;
  const now = a.clock();
  const age = identity.checkMinimumAge(input.dateOfBirth, now.toISOString().slice(0, 10));
  if (!age.ok) {
    if (age.reason === 'too_young') {
      await countUnderageRefusal(a, now);
      throw new ValidationFailed([{ path: 'dateOfBirth', message: UNDER_16_MESSAGE }], UNDER_16_MESSAGE);
    }
    throw new ValidationFailed([{ path: 'dateOfBirth', message: 'Enter a valid date of birth.' }]);
  }
  requireRecordingConsent(input.consents);
  const email = identity.normaliseEmail(input.email);
  const name = input.name.trim();
  passwordIssue(input.password, { email, name }, 'password');

  const { ipPrefix } = technical(ctx);
  await a.limiter.reserve(
    a.sql,
    [{ key: a.limiter.key('signup-ip', ipPrefix ?? 'unknown'), policy: POLICIES.signUp }],
    now,
  );

  // Hashed before looking the address up: an existing account answers after the same work as a new one.
  const passwordHash = await hashPassword(input.password);
  const answer = (userId: string) => ({ userId, email, verificationSent: true as const });
  const alreadyThere = async () => {
    // Never reveal that the address has an account: tell its owner instead, answer the same.
    await sendQuietly(a, ctx, { to: email, ...MESSAGES.alreadyRegistered() }, 'already registered');
    return answer(a.newId());
  };
  if (await findAccountByEmail(a, email)) return alreadyThere();

  const userId = a.newId();
  const purposes = consentPurposes(input.consents);
  let code: string;
  try {
    code = await a.sql.begin(async (tx) => {
      await tx`insert into auth_users (id, created_at) values (${userId}, ${now})`;
      await tx`insert into credentials (user_id, password_hash, updated_at) values (${userId}, ${passwordHash}, ${now})`;
      await runAccountCommand(a, tx, ctx, userId, [
        { type: 'Register', userId, name, email, signupMethod: 'password', now: now.toISOString() },
      ]);
      await recordConsents(a, tx, ctx, userId, purposes, input.policyVersion);
      return a.codes.issue(tx, userId, 'verify_email', now);
    });
  } catch (e) {
    if (isUniqueViolation(e, 'rm_accounts')) return alreadyThere(); // lost a race to a twin
    throw e;
  }
  await sendQuietly(
    a,
    ctx,
    { to: email, ...MESSAGES.verificationCode(name, code, CODE_TTL_SECONDS / 60) },
    'verification code',
  );
  return answer(userId);
};

/** Answers how many trial answers this address gets: the configured number the first time, then 0. */
export const trialAnswersFor = async (a: AuthServices, tx: TxSql, email: string): Promise<number> => {
  if (a.freeTrialAnswers <= 0) return 0;
  const rows =
    await tx`insert into trial_registry (email_lookup, answers) values (${a.trialLookup(email)}, ${a.freeTrialAnswers})
                        on conflict (email_lookup) do nothing returning answers`;
  return rows.length > 0 ? a.freeTrialAnswers : 0;
};

export const verifyEmail = async (ctx: ServiceContext, input: { email: string; code: string }) => {
  const a = ctx.services;
  const now = a.clock();
  const email = identity.normaliseEmail(input.email);
  const { ipPrefix, uaFamily } = technical(ctx);
  // Reserved before the code is compared (parallel guesses queue on the counters).
  const [byAccount, byIp] = await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key('code-acct', email), policy: POLICIES.code },
      { key: a.limiter.key('code-ip', ipPrefix ?? 'unknown'), policy: POLICIES.code },
    ],
    now,
  );
  const account = await findAccountByEmail(a, email);
  const result = account
    ? await withConcurrencyRetry(() =>
        a.sql.begin(async (tx) => {
          const check = await a.codes.consume(tx, account.userId, 'verify_email', input.code, now);
          if (check !== 'ok') return check;
          const trialAnswers = account.emailVerifiedAt ? 0 : await trialAnswersFor(a, tx, email);
          await runAccountCommand(a, tx, ctx, account.userId, [
            { type: 'VerifyEmail', trialAnswers, now: now.toISOString() },
            { type: 'RecordSignIn', method: 'email_code', ipPrefix, uaFamily, now: now.toISOString() },
          ]);
          return 'ok' as const;
        }),
      )
    : 'none';
  if (result !== 'ok')
    throw new ValidationFailed([{ path: 'code', message: CODE_WRONG_MESSAGE }], CODE_WRONG_MESSAGE);
  await a.limiter.reset(a.sql, byAccount!.key);
  await a.limiter.release(a.sql, byIp!);
  // Whoever pre-registered this address (and kept a session) is signed out: only the proven owner stays.
  await a.sessions.invalidateAllFor(account!.userId);
  await startSession(a, ctx, account!.userId);
  return { ok: true as const };
};

export const resendVerification = async (ctx: ServiceContext, input: { email: string }) => {
  const a = ctx.services;
  const now = a.clock();
  const email = identity.normaliseEmail(input.email);
  const { ipPrefix } = technical(ctx);
  await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key('send-acct', email), policy: POLICIES.send },
      { key: a.limiter.key('send-ip', ipPrefix ?? 'unknown'), policy: POLICIES.send },
    ],
    now,
  );
  const account = await findAccountByEmail(a, email);
  if (account && !account.emailVerifiedAt) {
    const code = await a.sql.begin(async (tx) => {
      await runAccountCommand(a, tx, ctx, account.userId, [
        { type: 'SendVerification', now: now.toISOString() },
      ]);
      return a.codes.issue(tx, account.userId, 'verify_email', now);
    });
    // Sent after answering: waiting for the mail server would tell which addresses await verification.
    void sendQuietly(
      a,
      ctx,
      { to: account.email, ...MESSAGES.verificationCode(account.name, code, CODE_TTL_SECONDS / 60) },
      'verification code',
    );
  }
  return { ok: true as const };
};

export const UNDER_16_ERASED_MESSAGE =
  'You must be at least 16 to use TrueInterviewAI. We have erased the account and everything it held.';
export const PROFILE_ALREADY_COMPLETE_MESSAGE = 'Your profile is already complete.';

export interface CompleteProfileInput {
  dateOfBirth: string;
  consents: SignUpInput['consents'];
  policyVersion: string;
}

/**
 * The sign-up rules for an account created through Google: date of birth (≥ 16) and the required consent,
 * then the free trial (HMAC trial registry, as for a password sign-up). Under 16 → the account is erased
 * (crypto-shredded, reason `minor_reported`), its sessions end, and only the refusal counter remains.
 */
export const completeProfile = async (ctx: ServiceContext & { session: Session }, input: CompleteProfileInput) => {
  const a = ctx.services;
  const now = a.clock();
  const userId = ctx.session.userId;
  const account = await findAccountById(a, userId);
  if (!account) throw new Unauthenticated();
  if (account.profileComplete) throw new Conflict(PROFILE_ALREADY_COMPLETE_MESSAGE);
  const age = identity.checkMinimumAge(input.dateOfBirth, now.toISOString().slice(0, 10));
  if (!age.ok) {
    if (age.reason !== 'too_young')
      throw new ValidationFailed([{ path: 'dateOfBirth', message: 'Enter a valid date of birth.' }]);
    await countUnderageRefusal(a, now);
    await a.sessions.invalidateAllFor(userId);
    await eraseSubject(
      { store: a.store, keys: a.keys, inline: a.inline, journal: a.erasureJournal },
      {
        subjectId: userId,
        reason: 'minor_reported',
        eventId: a.newId(),
        now: now.toISOString(),
        actor: { kind: 'system', id: 'sign-up-age-check' },
      },
    );
    clearSessionCookie(ctx);
    throw new ValidationFailed(
      [{ path: 'dateOfBirth', message: UNDER_16_ERASED_MESSAGE }],
      UNDER_16_ERASED_MESSAGE,
    );
  }
  requireRecordingConsent(input.consents);
  const trialAnswers = await a.sql.begin(async (tx) => {
    const row = await tx<
      { profile_complete: boolean }[]
    >`select profile_complete from auth_users where id = ${userId} for update`;
    if (!row[0]) throw new Unauthenticated();
    if (row[0].profile_complete) throw new Conflict(PROFILE_ALREADY_COMPLETE_MESSAGE);
    await recordConsents(a, tx, ctx, userId, consentPurposes(input.consents), input.policyVersion);
    const answers = await trialAnswersFor(a, tx, account.email);
    await runAccountCommand(a, tx, ctx, userId, [
      { type: 'GrantTrial', trialAnswers: answers, now: now.toISOString() },
    ]);
    await tx`update auth_users set profile_complete = true where id = ${userId}`;
    return answers;
  });
  return { ok: true as const, trialAnswers };
};
