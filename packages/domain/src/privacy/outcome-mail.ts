/**
 * Emails about the outcome of a right (P07): "your data export is ready in the privacy center", "your
 * complaint was answered". One stream per email (`outcome-mail-<topic>-<refId>`): the email is recorded once
 * (a second record decides nothing). Pure: the time comes in with the command.
 */
import { eventSlice, type EventOf } from '../events/domain-event.js';
import type { Decider } from '../decider.js';
import type { OutcomeMailTopic } from '../events/rights.js';

export const outcomeMailStream = (topic: OutcomeMailTopic, refId: string) => `outcome-mail-${topic}-${refId}`;

export type RecordOutcomeMailSent = {
  type: 'RecordOutcomeMailSent';
  subjectId: string;
  topic: OutcomeMailTopic;
  refId: string;
  now: string;
};

export const outcomeMailEvents = eventSlice(['PrivacyOutcomeEmailSent']);
export type OutcomeMailEvent = EventOf<(typeof outcomeMailEvents.types)[number]>;

export const outcomeMailDecider: Decider<
  { sent: boolean },
  RecordOutcomeMailSent,
  (typeof outcomeMailEvents.types)[number]
> = {
  events: outcomeMailEvents,
  initialState: { sent: false },
  decide: (cmd, s) =>
    s.sent
      ? []
      : [
          {
            type: 'PrivacyOutcomeEmailSent',
            data: { subjectId: cmd.subjectId, topic: cmd.topic, refId: cmd.refId, sentAt: cmd.now },
          },
        ],
  evolve: () => ({ sent: true }),
};
