import {
  OUTCOME_MAIL_TRIGGERS,
  recordOutcomeMail,
  sendOutcomeMail,
  type OutcomeMailDeps,
  type OutcomeMailSent,
} from '@tia/api/privacy-outcome-mail';
import type { Handler } from '../transport/port.js';

/**
 * Emails the outcome of a right (P07): a data export ready in the privacy center, a complaint answered by
 * compliance. The email is claimed and sent in `prepare` (no transaction open; once, whatever is redelivered,
 * and not lost when a worker dies between claiming and sending: see `sendOutcomeMail`), then recorded as
 * `PrivacyOutcomeEmailSent` in the inbox transaction.
 */
export const privacyOutcomeMailHandler = (
  deps: Omit<OutcomeMailDeps, 'sql' | 'store'>,
): Handler<OutcomeMailSent | null, (typeof OUTCOME_MAIL_TRIGGERS)[number]> => ({
  name: 'privacy-outcome-mail',
  types: OUTCOME_MAIL_TRIGGERS,
  prepare: (event, ctx) =>
    sendOutcomeMail(
      { ...deps, sql: ctx.store.sql, store: ctx.store },
      event,
      ctx.signal ? { signal: ctx.signal } : {},
    ),
  handle: async (event, { tx, store, prepared, log }) => {
    if (!prepared) return; // no email called for, or already sent
    await recordOutcomeMail({ ...deps, sql: store.sql, store }, tx, prepared, event.eventId);
    log.info('privacy outcome email sent', { topic: prepared.topic, refId: prepared.refId });
  },
});
