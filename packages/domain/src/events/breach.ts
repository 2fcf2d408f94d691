import { z } from 'zod';
import { defineEvent } from './registry.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Breach response (P36, GDPR Art. 33–34). Every step a compliance officer takes is an event on the stream
 * `breach-<breachId>`; the console reads the `rm_breaches*` tables projected from them.
 */

/** An incident was registered; `awareAt` starts the 72-hour clock for telling the supervisory authority. */
export const BreachRegistered = defineEvent({
  type: 'BreachRegistered',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    title: text(200),
    description: text(5000),
    awareAt: isoTime,
    registeredBy: id,
    registeredAt: isoTime,
  }),
});

export const CONTAINMENT_ACTIONS = ['suspend_account', 'lift_suspension', 'revoke_sessions'] as const;
export const ContainmentAction = z.enum(CONTAINMENT_ACTIONS);
export type ContainmentAction = z.infer<typeof ContainmentAction>;

/** A containment step was carried out on one account (the suspension itself is `AccountSuspended`). */
export const BreachContained = defineEvent({
  type: 'BreachContained',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    action: ContainmentAction,
    userId: id,
    /** Sessions ended by this step (revocation and suspension end every session of the account). */
    sessionsEnded: z.number().int().min(0),
    takenBy: id,
    takenAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/**
 * The affected people were computed from the event log: every data subject of an event of `category`
 * recorded in the window. Ids only (pseudonymous); the notice step looks the addresses up when it sends.
 */
export const BreachAffectedAssessed = defineEvent({
  type: 'BreachAffectedAssessed',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    windowFrom: isoTime,
    windowTo: isoTime,
    category: z.string().min(1).max(40),
    subjectIds: z.array(id).max(100_000),
    records: z.number().int().min(0),
    assessedBy: id,
    assessedAt: isoTime,
  }),
});

/**
 * What the notice to affected people says (Art. 34(2): in clear and plain language, the nature of the breach,
 * a contact point, likely consequences, measures taken). Each new wording gets the next `noticeVersion`.
 */
export const BreachNoticeWorded = defineEvent({
  type: 'BreachNoticeWorded',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    noticeVersion: z.number().int().min(1),
    whatHappened: text(3000),
    likelyConsequences: text(3000),
    measuresTaken: text(3000),
    whatYouCanDo: text(3000),
    contact: text(500),
    wordedBy: id,
    wordedAt: isoTime,
  }),
});

/** One affected person was sent the notice of `noticeVersion` by email. */
export const BreachNoticeSent = defineEvent({
  type: 'BreachNoticeSent',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    userId: id,
    noticeVersion: z.number().int().min(1),
    sentBy: id,
    sentAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/** The report to the supervisory authority, with the fields GDPR Art. 33(3) asks for. */
export const BreachAuthorityReported = defineEvent({
  type: 'BreachAuthorityReported',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    /** (a) nature of the breach */
    nature: text(5000),
    /** (a) categories and approximate number of data subjects and of records concerned */
    subjectCategories: text(1000),
    approxSubjects: z.number().int().min(0).max(1_000_000_000),
    recordCategories: text(1000),
    approxRecords: z.number().int().min(0).max(1_000_000_000_000),
    /** (b) contact point where more information can be obtained */
    dpoContact: text(500),
    /** (c) likely consequences */
    likelyConsequences: text(5000),
    /** (d) measures taken or proposed, including to mitigate possible adverse effects */
    measuresTaken: text(5000),
    measuresProposed: text(5000),
    /** Why the report came after 72 hours (Art. 33(1)); null when in time. */
    delayReason: text(2000).nullable(),
    reportedBy: id,
    reportedAt: isoTime,
  }),
});

export const BreachRemediationNoted = defineEvent({
  type: 'BreachRemediationNoted',
  category: 'compliance',
  schema: z.object({ breachId: id, note: text(5000), notedBy: id, notedAt: isoTime }),
});

export const BreachClosed = defineEvent({
  type: 'BreachClosed',
  category: 'compliance',
  schema: z.object({
    breachId: id,
    summary: text(5000),
    /** Set when no authority report was filed: why the breach is unlikely to result in a risk (Art. 33(1)). */
    notReportedReason: text(2000).nullable(),
    closedBy: id,
    closedAt: isoTime,
  }),
});

/**
 * An account was suspended (signing in and every session refused) or the suspension lifted. Stream
 * `suspension-<userId>`; `breachId` names the incident it contains.
 */
export const AccountSuspended = defineEvent({
  type: 'AccountSuspended',
  category: 'identity',
  schema: z.object({ userId: id, breachId: id, suspendedBy: id, suspendedAt: isoTime }),
  subject: (d) => d.userId,
});

export const AccountSuspensionLifted = defineEvent({
  type: 'AccountSuspensionLifted',
  category: 'identity',
  schema: z.object({ userId: id, breachId: id, liftedBy: id, liftedAt: isoTime }),
  subject: (d) => d.userId,
});

export const BREACH_EVENTS = [
  BreachRegistered,
  BreachContained,
  BreachAffectedAssessed,
  BreachNoticeWorded,
  BreachNoticeSent,
  BreachAuthorityReported,
  BreachRemediationNoted,
  BreachClosed,
  AccountSuspended,
  AccountSuspensionLifted,
] as const;
