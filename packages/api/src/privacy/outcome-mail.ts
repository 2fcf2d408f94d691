/**
 * Emails about the outcome of a right (P07), sent by the worker's `privacy-outcome-mail` handler as policy-change
 * notices are: when a data export is ready (`DataExportPrepared`: "it is ready in your privacy center" — never the
 * link, never the data), and when a compliance officer handles or refuses a complaint (`PrivacyRequestCompleted` /
 * `PrivacyRequestRefused` of a `complaint` request, by staff).
 *
 * Idempotent: `sendOutcomeMail` (the handler's `prepare`, no transaction open) first claims the email in
 * `outcome_mail_claims` (committed before anything goes out), so a redelivery, a crash or a second worker never
 * sends it twice; a mail server refusing it releases the claim and the handler tries again. `recordOutcomeMail`
 * (the handler's `handle`, in its inbox transaction) records `PrivacyOutcomeEmailSent` through the command
 * handler. A crash between the two leaves a claim without event: the email is not sent again.
 *
 * Nothing stale goes out (a handler deployed on an old log replays it): an export only while it is still ready to
 * download, a complaint's answer only within `OUTCOME_MAIL_FRESH_DAYS` of it. Nobody erased is written to.
 */
import {
  CommandHandler,
  openAccountFields,
  type EventStore,
  type InlineProjection,
  type KeyStore,
  type RecordedEvent,
  type SealedAccountRow,
  type Sql,
  type TxSql,
} from '@tia/db';
import { outcomeMail, type EventOf, type OutcomeMailTopic } from '@tia/domain';
import type { Mailer } from '../mail/mailer.js';
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

export interface OutcomeMailDeps {
  sql: Sql;
  store: EventStore;
  keys: KeyStore;
  inline: readonly InlineProjection[];
  mailer: Mailer;
  clock: () => Date;
  newId: () => string;
  /** Where the emailed link to the privacy center points, e.g. `https://trueinterview.example`. */
  origin: string;
}

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
 * Sends the email an event calls for, once (claimed first). Null: no email (not one of ours, stale, erased,
 * already claimed). Throws when the mail server refused it (the claim is released; the handler retries).
 */
export const sendOutcomeMail = async (
  d: OutcomeMailDeps,
  e: OutcomeMailTrigger,
): Promise<OutcomeMailSent | null> => {
  const p = await plan(d, e);
  if (!p) return null;
  const rows = await d.sql<SealedAccountRow[]>`
    select user_id, name_enc, email_enc from rm_accounts where user_id = ${p.subjectId}`;
  const person = (await openAccountFields(d.keys, d.sql, rows)).get(p.subjectId);
  if (!person) return null; // erased: nobody to write to
  const key = `${p.topic}:${p.refId}`;
  const claimed = await d.sql`
    insert into outcome_mail_claims (mail_key, claimed_at) values (${key}, ${d.clock()})
    on conflict do nothing returning mail_key`;
  if (claimed.length === 0) return null;
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
  return { subjectId: p.subjectId, topic: p.topic, refId: p.refId };
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
