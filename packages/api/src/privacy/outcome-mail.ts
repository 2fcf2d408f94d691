/**
 * Emails about the outcome of a right (P07), sent by the worker's `privacy-outcome-mail` handler as policy-change
 * notices are: when a data export is ready (`DataExportPrepared`: "it is ready in your privacy center" — never the
 * link, never the data), and when a compliance officer handles or refuses a complaint (`PrivacyRequestCompleted` /
 * `PrivacyRequestRefused` of a `complaint` request, by staff).
 *
 * Idempotent, and never lost: `sendOutcomeMail` (the handler's `prepare`, no transaction open) first claims the
 * email in `outcome_mail_claims` (committed before anything goes out) for a lease of `OUTCOME_MAIL_LEASE_MS`,
 * longer than an SMTP send can take, and marks it `sent_at` once the mail server took it. A redelivery or a second
 * worker finding a claim marked sent sends nothing (and `handle` records the event if a crash came before it was
 * recorded); finding a claim still being sent, it waits for that attempt to finish or its lease to run out (a
 * worker that died between claiming and sending), then claims it and sends it. A mail server refusing the email
 * releases the claim and the handler tries again. `recordOutcomeMail` (the handler's `handle`, in its inbox
 * transaction) records `PrivacyOutcomeEmailSent` through the command handler. An email can go out twice only if
 * a send outlives its lease or its `sent_at` mark is lost; both copies carry the same Message-ID.
 *
 * Nothing stale goes out (a handler deployed on an old log replays it): an export only while it is still ready to
 * download, a complaint's answer only within `OUTCOME_MAIL_FRESH_DAYS` of it. Nobody erased is written to.
 */
import {
  CommandHandler,
  openAccountFields,
  sleep,
  type RecordedEvent,
  type SealedAccountRow,
  type TxSql,
} from '@tia/db';
import { outcomeMail, type EventOf, type OutcomeMailTopic } from '@tia/domain';
import type { WorkerMailDeps } from '../mail/worker-mail.js';
import { complaintAnsweredMail, exportReadyMail } from './outcome-mail-text.js';

export { createMailer, type Mailer, type MailMessage } from '../mail/mailer.js';

export const OUTCOME_MAIL_TRIGGERS = [
  'DataExportPrepared',
  'PrivacyRequestCompleted',
  'PrivacyRequestRefused',
] as const;
export type OutcomeMailTrigger = RecordedEvent<EventOf<(typeof OUTCOME_MAIL_TRIGGERS)[number]>>;

/** A complaint's answer older than this is not emailed (a handler replaying old history). */
export const OUTCOME_MAIL_FRESH_DAYS = 14;

/** How long a claim holds an email: longer than nodemailer's own limits on one send (10 min socket timeout). */
export const OUTCOME_MAIL_LEASE_MS = 11 * 60_000;

export type OutcomeMailDeps = WorkerMailDeps;

export interface OutcomeMailSent {
  subjectId: string;
  topic: OutcomeMailTopic;
  refId: string;
}

type Planned = OutcomeMailSent & { message: (origin: string) => ReturnType<typeof exportReadyMail> };

/** Which email an event calls for, if any (read-only). */
const plan = async (d: OutcomeMailDeps, e: OutcomeMailTrigger): Promise<Planned | null> => {
  const now = d.clock();
  if (e.type === 'DataExportPrepared') {
    const rows = await d.sql<{ status: string; requested_at: Date; expires_at: Date | null }[]>`
      select status, requested_at, expires_at from privacy_exports where export_id = ${e.data.exportId}`;
    const x = rows[0];
    if (!x || x.status !== 'ready' || !x.expires_at || x.expires_at.getTime() <= now.getTime()) return null;
    const r = { requestedAt: x.requested_at.toISOString(), expiresAt: x.expires_at.toISOString() };
    return {
      subjectId: e.data.subjectId,
      topic: 'export_ready',
      refId: e.data.exportId,
      message: (origin) => exportReadyMail(r, origin),
    };
  }
  if (e.data.handledBy.kind !== 'staff') return null; // only an officer's answer is news to the person
  const closedAt = e.type === 'PrivacyRequestCompleted' ? e.data.completedAt : e.data.refusedAt;
  if (now.getTime() - new Date(closedAt).getTime() > OUTCOME_MAIL_FRESH_DAYS * 86_400_000) return null;
  const rows = await d.sql<{ kind: string; received_at: Date }[]>`
    select kind, received_at from rm_privacy_requests where request_id = ${e.data.requestId}`;
  const req = rows[0];
  if (!req || req.kind !== 'complaint') return null;
  const r = {
    lodgedAt: req.received_at.toISOString(),
    outcome: e.type === 'PrivacyRequestCompleted' ? ('completed' as const) : ('refused' as const),
  };
  return {
    subjectId: e.data.subjectId,
    topic: 'complaint_answered',
    refId: e.data.requestId,
    message: (origin) => complaintAnsweredMail(r, origin),
  };
};

/**
 * Sends the email an event calls for, once (claimed first). Null: no email (not one of ours, stale, erased).
 * Already sent (a redelivery): what was sent, without sending it again. Throws when the mail server refused it
 * (the claim is released; the handler retries), or when another attempt still held it after a whole lease.
 */
export const sendOutcomeMail = async (
  d: OutcomeMailDeps,
  e: OutcomeMailTrigger,
  opts: { leaseMs?: number; pollMs?: number; signal?: AbortSignal } = {},
): Promise<OutcomeMailSent | null> => {
  const p = await plan(d, e);
  if (!p) return null;
  const rows = await d.sql<SealedAccountRow[]>`
    select user_id, name_enc, email_enc from rm_accounts where user_id = ${p.subjectId}`;
  const person = (await openAccountFields(d.keys, d.sql, rows)).get(p.subjectId);
  if (!person) return null; // erased: nobody to write to
  const key = `${p.topic}:${p.refId}`;
  const sent: OutcomeMailSent = { subjectId: p.subjectId, topic: p.topic, refId: p.refId };
  const leaseMs = opts.leaseMs ?? OUTCOME_MAIL_LEASE_MS;
  const waitUntil = Date.now() + leaseMs;
  for (;;) {
    const now = d.clock();
    // A new claim, or one whose holder died before sending (unsent, lease run out).
    const claimed = await d.sql`
      insert into outcome_mail_claims (mail_key, claimed_at) values (${key}, ${now})
      on conflict (mail_key) do update set claimed_at = excluded.claimed_at
        where outcome_mail_claims.sent_at is null
          and outcome_mail_claims.claimed_at <= ${new Date(now.getTime() - leaseMs)}
      returning mail_key`;
    if (claimed.length > 0) break;
    const held = await d.sql<{ sent_at: Date | null }[]>`
      select sent_at from outcome_mail_claims where mail_key = ${key}`;
    if (held.length === 0) continue; // released meanwhile (a refused send): claim it
    if (held[0]!.sent_at) return sent; // sent already: `handle` records it if that did not happen yet
    // Another attempt is sending it, or died holding it: wait for it to finish or for its lease to run out.
    if (Date.now() >= waitUntil) throw new Error('an outcome email is still claimed by another attempt');
    await sleep(Math.min(opts.pollMs ?? 5_000, Math.max(1, waitUntil - Date.now())), opts.signal);
    if (opts.signal?.aborted) throw opts.signal.reason as Error; // stopping: the next run sends it
  }
  try {
    await d.mailer.send({
      to: person.email,
      ...p.message(d.origin),
      messageId: `<outcome-${p.topic}-${p.refId}@trueinterview.ai>`,
    });
  } catch (err) {
    await d.sql`delete from outcome_mail_claims where mail_key = ${key}`;
    throw Object.assign(new Error('the mail server refused an outcome email'), { cause: err });
  }
  await d.sql`update outcome_mail_claims set sent_at = ${d.clock()} where mail_key = ${key}`;
  return sent;
};

/** Records a sent email (`PrivacyOutcomeEmailSent`, once per email) in the caller's transaction. */
export const recordOutcomeMail = async (
  d: Pick<OutcomeMailDeps, 'sql' | 'store' | 'inline' | 'clock' | 'newId'>,
  tx: TxSql,
  sent: OutcomeMailSent,
  causationId: string,
): Promise<void> => {
  const commands = new CommandHandler({
    sql: d.sql,
    store: d.store,
    clock: d.clock,
    newId: d.newId,
    inline: d.inline,
  });
  await commands.handle(
    outcomeMail.outcomeMailDecider,
    outcomeMail.outcomeMailStream(sent.topic, sent.refId),
    (_s, now): outcomeMail.RecordOutcomeMailSent => ({ type: 'RecordOutcomeMailSent', ...sent, now }),
    { actor: { kind: 'system', id: 'privacy-outcome-mail' }, causationId },
    { tx },
  );
};
