/**
 * Erasure on the candidate's own request (P19, P20, P28). The person proves it is them (current password, or —
 * for an account made with Google and no password — a sign-in less than `RECENT_SIGN_IN_SECONDS` old), then:
 * every session ends; `eraseSubject` destroys the subject key under the subject lock (a racing upload or key
 * creation waits and then sees the tombstone), deletes pending audio, and appends the PII-free `SubjectErased`
 * whose inline projections purge the read models (the asynchronous ones follow from the same event); the
 * completion email goes out; then the dev mailbox forgets every message to the address. Only HMAC(email)
 * stays, in the trial registry.
 */
import { z } from 'zod';
import { eraseSubject } from '@tia/db';
import { recordCompletedRequest } from './requests.js';
import type { ServiceContext, Session } from '../context.js';
import { Forbidden, Unauthenticated, ValidationFailed } from '../errors.js';
import { MESSAGES, type MailMessage } from '../mail/mailer.js';
import { verifyPassword } from '../accounts/password-hashing.js';
import { POLICIES } from '../rate-limit.js';
import { clearSessionCookie, findAccountById, sendQuietly } from '../accounts/common.js';
import type { AuthServices } from '../services.js';
import { CURRENT_PASSWORD_WRONG } from '../accounts/reset-or-change-password.js';

export const eraseAccountInput = z.object({
  /** Required when the account has a password. */
  currentPassword: z.string().max(1024).optional(),
});

/** How fresh a Google sign-in must be to erase an account that has no password. */
export const RECENT_SIGN_IN_SECONDS = 10 * 60;

export const PASSWORD_NEEDED_MESSAGE = 'Enter your current password to erase your account.';
export const RECENT_SIGN_IN_NEEDED_MESSAGE =
  'For your safety, sign out and sign in with Google again, then erase your account within 10 minutes.';

export interface ErasureOutcome {
  ok: true;
  erasedAt: string;
  /** Dev mailbox messages removed (0 with real SMTP, which keeps no copy). */
  mailboxMessagesRemoved: number;
}

const proveIdentity = async (
  ctx: ServiceContext & { session: Session },
  input: z.output<typeof eraseAccountInput>,
  now: Date,
) => {
  const a = ctx.services;
  const userId = ctx.session.userId;
  const cred = (
    await a.sql<{ password_hash: string }[]>`select password_hash from credentials where user_id = ${userId}`
  )[0];
  if (cred) {
    if (!input.currentPassword)
      throw new ValidationFailed(
        [{ path: 'currentPassword', message: PASSWORD_NEEDED_MESSAGE }],
        PASSWORD_NEEDED_MESSAGE,
      );
    if (!(await verifyPassword(cred.password_hash, input.currentPassword)))
      throw new ValidationFailed(
        [{ path: 'currentPassword', message: CURRENT_PASSWORD_WRONG }],
        CURRENT_PASSWORD_WRONG,
      );
    return;
  }
  // No password (Google sign-up): the sign-in that created this session must be recent.
  const row = ctx.session.sessionId
    ? (
        await a.sql<
          { created_at: Date }[]
        >`select created_at from auth_sessions where id = ${ctx.session.sessionId}`
      )[0]
    : undefined;
  if (!row || now.getTime() - row.created_at.getTime() > RECENT_SIGN_IN_SECONDS * 1000)
    throw new Forbidden(RECENT_SIGN_IN_NEEDED_MESSAGE);
};

/**
 * Erases the caller's account. The compliance request record (issue 10, `privacy/requests.ts`) can be wired
 * around it: the outcome carries the time, and the `SubjectErased` event's correlation id is the request id.
 */
export const eraseMyAccount = async (
  ctx: ServiceContext & { session: Session },
  raw: z.input<typeof eraseAccountInput>,
): Promise<ErasureOutcome> => {
  const input = eraseAccountInput.parse(raw);
  const a = ctx.services;
  const now = a.clock();
  const userId = ctx.session.userId;
  // Wrong passwords count as sign-in failures do: erasure is no way round the sign-in rate limit.
  const [reservation] = await a.limiter.reserve(
    a.sql,
    [{ key: a.limiter.key('erase-acct', userId), policy: POLICIES.signInAccount }],
    now,
  );
  const account = await findAccountById(a, userId);
  if (!account) throw new Unauthenticated();
  await proveIdentity(ctx, input, now);
  await a.limiter.reset(a.sql, reservation!.key);

  const email = account.email; // read (decrypted) before the key goes
  const { erasedAt, mailboxMessagesRemoved } = await eraseAccount(a, ctx, {
    userId,
    email,
    reason: 'user_request',
    actor: { kind: 'user', id: userId },
    correlationId: ctx.requestId,
    // On record for compliance (ids and times only, no personal field): the request and its completion.
    afterErasure: async (at) => {
      await a.sql.begin((tx) =>
        recordCompletedRequest(a, tx, {
          subjectId: userId,
          kind: 'erasure',
          actor: { kind: 'user', id: userId, requestId: ctx.requestId },
          now: at,
        }),
      );
      clearSessionCookie(ctx);
    },
    message: MESSAGES.accountErased(),
  });
  return { ok: true, erasedAt, mailboxMessagesRemoved };
};

/**
 * The one erasure of an account, whoever asks (the person above, the retention job with reason `retention`):
 * every session ends; `eraseSubject` destroys the subject key, deletes pending audio, appends `SubjectErased`
 * (read models purged) and journals it; `afterErasure` runs; the last email goes to the address read before;
 * then the dev mailbox forgets every message to it.
 */
export const eraseAccount = async (
  a: AuthServices,
  ctx: Pick<ServiceContext, 'log'>,
  cmd: {
    userId: string;
    email: string;
    reason: 'user_request' | 'retention';
    actor: { kind: 'user' | 'system'; id: string };
    correlationId?: string;
    afterErasure?: (erasedAt: string) => Promise<void>;
    message: Omit<MailMessage, 'to'>;
  },
): Promise<{ erasedAt: string; mailboxMessagesRemoved: number }> => {
  const erasedAt = a.clock().toISOString();
  await a.sessions.invalidateAllFor(cmd.userId);
  await eraseSubject(
    { store: a.store, keys: a.keys, inline: a.inline, journal: a.erasureJournal },
    {
      subjectId: cmd.userId,
      reason: cmd.reason,
      eventId: a.newId(),
      now: erasedAt,
      actor: cmd.actor,
      ...(cmd.correlationId ? { correlationId: cmd.correlationId } : {}),
    },
  );
  await cmd.afterErasure?.(erasedAt);
  await sendQuietly(a, ctx, { to: cmd.email, ...cmd.message }, 'erasure completed');
  const mailboxMessagesRemoved = (await a.mailer.forget?.(cmd.email)) ?? 0;
  return { erasedAt, mailboxMessagesRemoved };
};
