/**
 * The right to rectification (P27): the person corrects their name at once, or changes their email after
 * proving the new address with a one-time code sent there. History is kept as events on `user-<id>`
 * (`NameCorrected`, `EmailChangeRequested`, `EmailChanged`; the values encrypted under the person's key), and
 * each correction is a privacy request of kind `rectification`. The old address is told when the email
 * changes. An address that already belongs to another account is never revealed: that address gets a
 * notice instead of a code, and the answer looks the same.
 */
import { identity, type DomainEvent } from '@tia/domain';
import { lockSubject, openAccountFields, type SealedAccountRow, type TxSql } from '@tia/db';
import { z } from 'zod';
import type { AuthServices } from '../services.js';
import { CODE_TTL_SECONDS } from '../accounts/email-codes.js';
import { POLICIES } from '../rate-limit.js';
import { escapeHtml, type MailMessage } from '../mail/mailer.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../errors.js';
import { closePrivacyRequest, recordCompletedRequest, recordPrivacyRequest } from './requests.js';

export const correctNameInput = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(200, 'That name is too long.'),
});
export const changeEmailInput = z.object({
  email: z
    .string()
    .trim()
    .max(320, 'That email address is too long.')
    .refine(identity.looksLikeEmail, 'Enter a valid email address.'),
});
export const confirmEmailInput = z.object({
  code: z
    .string()
    .trim()
    .max(20, 'Enter the 6-digit code.')
    .regex(/^\d{6}$/, 'Enter the 6-digit code.'),
});

type Actor = { userId: string; requestId: string };
const userStream = (userId: string) => `user-${userId}`;

const appendAccountEvent = (a: AuthServices, tx: TxSql, actor: Actor, at: string, event: DomainEvent) =>
  // 'any' on purpose: callers hold the person's lock (`guard`) and decide on the read model, not on this stream.
  a.store.append(
    userStream(actor.userId),
    'any',
    [
      {
        ...event,
        eventId: a.newId(),
        metadata: {
          occurredAt: at,
          actor: { kind: 'user', id: actor.userId },
          correlationId: actor.requestId,
        },
      },
    ],
    { tx, inline: a.inline },
  );

const accountOf = async (a: AuthServices, tx: TxSql, userId: string) => {
  const rows = await tx<SealedAccountRow[]>`
    select user_id, name_enc, email_enc from rm_accounts where user_id = ${userId}`;
  const personal = rows[0] && (await openAccountFields(a.keys, tx, rows)).get(userId);
  if (!personal) throw new NotFound('No such account.');
  return personal;
};

const guard = async (a: AuthServices, tx: TxSql, userId: string) => {
  await lockSubject(tx, userId);
  if (await a.keys.isErased(tx, userId)) throw new Forbidden('This account was erased.');
};

/** Corrects the name at once. */
export const correctName = async (
  a: AuthServices,
  actor: Actor,
  raw: z.input<typeof correctNameInput>,
): Promise<{ name: string }> => {
  const { name } = correctNameInput.parse(raw);
  await a.sql.begin(async (tx) => {
    await guard(a, tx, actor.userId);
    const current = await accountOf(a, tx, actor.userId);
    if (current.name === name) return;
    const at = a.clock().toISOString();
    await appendAccountEvent(a, tx, actor, at, {
      type: 'NameCorrected',
      data: {
        userId: actor.userId,
        name,
        correctedAt: at,
      },
    });
    await recordCompletedRequest(a, tx, {
      subjectId: actor.userId,
      kind: 'rectification',
      actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
      now: at,
    });
  });
  return { name };
};

/** The same message as plain text and as simple HTML (one paragraph per blank-line block). */
const withHtml = (m: { subject: string; text: string }) => ({
  ...m,
  html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">${m.text
    .trim()
    .split('\n\n')
    .map((p) => `<p>${escapeHtml(p.trim())}</p>`)
    .join('')}</body></html>`,
});

const codeText = (name: string, code: string, minutes: number) => ({
  subject: 'Confirm your new email address for TrueInterviewAI',
  text: `Hello ${name},\n\nYou asked to use this address for your TrueInterviewAI account. Enter this code on the My data page within ${minutes} minutes; it works once.\n\n    ${code}\n\nIf you did not ask for this, ignore this message: nothing changes without the code.\n`,
});
const takenText = () => ({
  subject: 'Someone tried to move a TrueInterviewAI account to this address',
  text: 'Hello,\n\nSomeone asked to use this email address for a TrueInterviewAI account, but it already belongs to an account. Nothing was changed.\n\nIf this was you, sign in with this address instead.\n',
});
const changedText = (name: string) => ({
  subject: 'The email address of your TrueInterviewAI account changed',
  text: `Hello ${name},\n\nThe email address of your TrueInterviewAI account was just changed, after the new address was confirmed with a code. From now on we write to the new address.\n\nIf this was not you, reply to this message or write to our privacy team at once.\n`,
});

/**
 * Sends a code to the new address (or, if that address is another account's, a notice to it); the email
 * changes only on `confirmEmailChange`. The answer is the same either way.
 */
export const requestEmailChange = async (
  a: AuthServices,
  actor: Actor,
  raw: z.input<typeof changeEmailInput>,
): Promise<{ sentTo: string; minutes: number }> => {
  const { email } = changeEmailInput.parse(raw);
  const minutes = CODE_TTL_SECONDS / 60;
  // Every send counts, per account and per address written to: no mail-bombing anyone through this form.
  await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key('email-change-acct', actor.userId), policy: POLICIES.send },
      { key: a.limiter.key('email-change-to', identity.normaliseEmail(email)), policy: POLICIES.send },
    ],
    a.clock(),
  );
  const mail = await a.sql.begin(async (tx) => {
    await guard(a, tx, actor.userId);
    const current = await accountOf(a, tx, actor.userId);
    if (identity.normaliseEmail(current.email) === identity.normaliseEmail(email))
      throw new ValidationFailed([{ path: 'email', message: 'That is already your email address.' }]);
    const taken = await tx`select 1 from rm_accounts where email_lookup = ${a.emailLookup(email)}`;
    if (taken.length > 0) return { to: email, ...withHtml(takenText()) };
    const now = a.clock();
    const at = now.toISOString();
    const code = await a.codes.issue(tx, actor.userId, 'change_email', now);
    await appendAccountEvent(a, tx, actor, at, {
      type: 'EmailChangeRequested',
      data: {
        userId: actor.userId,
        newEmail: email,
        requestedAt: at,
      },
    });
    const open = await openRectification(tx, actor.userId);
    if (!open)
      await recordPrivacyRequest(a, tx, {
        subjectId: actor.userId,
        kind: 'rectification',
        actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
        now: at,
      });
    return { to: email, ...withHtml(codeText(current.name, code, minutes)) };
  });
  await a.mailer.send(mail);
  return { sentTo: email, minutes };
};

/** The open email-change request of the person, if any (one at a time). */
const openRectification = async (tx: TxSql, userId: string) => {
  const rows = await tx<{ request_id: string }[]>`
    select request_id from rm_privacy_requests
     where subject_id = ${userId} and kind = 'rectification' and status = 'received'
     order by received_at desc limit 1`;
  return rows[0]?.request_id ?? null;
};

const NO_CHANGE = 'There is no email change waiting. Ask for a new code.';
const CODE_MESSAGES: Record<string, string> = {
  wrong: 'That code is not right. Check the latest email we sent to your new address.',
  expired: 'That code has expired. Ask for a new one.',
  none: 'There is no email change waiting. Ask for a new code.',
  too_many_tries: 'Too many wrong codes. Ask for a new one.',
};

/** Confirms the new address with the code it received; the account's email changes, the old one is told. */
export const confirmEmailChange = async (
  a: AuthServices,
  actor: Actor,
  raw: z.input<typeof confirmEmailInput>,
): Promise<{ email: string }> => {
  const { code } = confirmEmailInput.parse(raw);
  type Outcome = { problem: string } | { email: string; notify: MailMessage };
  const result: Outcome = await a.sql.begin<Outcome>(async (tx): Promise<Outcome> => {
    await guard(a, tx, actor.userId);
    const now = a.clock();
    const check = await a.codes.consume(tx, actor.userId, 'change_email', code, now);
    if (check !== 'ok') return { problem: CODE_MESSAGES[check] ?? NO_CHANGE };
    const events = await a.store.readStream(userStream(actor.userId), { db: tx });
    const asked = events.filter((e) => e.type === 'EmailChangeRequested').at(-1);
    const newEmail = asked?.data.newEmail;
    if (typeof newEmail !== 'string') return { problem: NO_CHANGE };
    const taken = await tx`
      select 1 from rm_accounts where email_lookup = ${a.emailLookup(newEmail)} and user_id <> ${actor.userId}`;
    if (taken.length > 0)
      throw new Conflict('That address now belongs to another account. Nothing was changed.');
    const before = await accountOf(a, tx, actor.userId);
    const at = now.toISOString();
    await appendAccountEvent(a, tx, actor, at, {
      type: 'EmailChanged',
      data: {
        userId: actor.userId,
        email: newEmail,
        changedAt: at,
      },
    });
    const requestId = await openRectification(tx, actor.userId);
    if (requestId)
      await closePrivacyRequest(a, tx, {
        requestId,
        subjectId: actor.userId,
        outcome: 'completed',
        actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
        now: at,
      });
    return { email: newEmail, notify: { to: before.email, ...withHtml(changedText(before.name)) } };
  });
  if ('problem' in result) throw new ValidationFailed([{ path: 'code', message: result.problem }]);
  await a.mailer.send(result.notify);
  return { email: result.email };
};
