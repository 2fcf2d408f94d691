import { z } from 'zod';
import { defineEvent } from './registry.js';
import { pii } from './pii.js';

/**
 * The rights a person exercises (issue 10): each one is a privacy request with a due date that compliance
 * tracks (`privacy-request-<requestId>` streams), and the events of the right itself (export, deleting an
 * answer or a session, correcting name or email, a complaint). Only the complaint text, the corrected name
 * and the new email are personal content: encrypted under the person's key.
 */
const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

export const PRIVACY_REQUEST_KINDS = [
  'access',
  'export',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'withdrawal',
  'complaint',
  'minor_report',
] as const;
export const PrivacyRequestKind = z.enum(PRIVACY_REQUEST_KINDS);
export type PrivacyRequestKind = z.infer<typeof PrivacyRequestKind>;

/** Who closed a request: the system (the right was carried out at once) or a staff member. */
const HandledBy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('system') }),
  z.object({ kind: z.literal('staff'), staffId: id }),
]);

/** A right was exercised: the request is on record with its due date (received + 1 calendar month). */
export const PrivacyRequestReceived = defineEvent({
  type: 'PrivacyRequestReceived',
  category: 'privacy',
  schema: z.object({
    requestId: id,
    subjectId: id,
    kind: PrivacyRequestKind,
    receivedAt: isoTime,
    dueAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

/** The request was carried out (by the system at once, or marked handled by a compliance officer). */
export const PrivacyRequestCompleted = defineEvent({
  type: 'PrivacyRequestCompleted',
  category: 'privacy',
  schema: z.object({ requestId: id, subjectId: id, handledBy: HandledBy, completedAt: isoTime }),
  subject: (d) => d.subjectId,
});

export const REFUSAL_REASONS = ['manifestly_unfounded', 'identity_not_confirmed', 'not_applicable'] as const;

/** The request was refused, for one of the fixed reasons the law allows (never free text). */
export const PrivacyRequestRefused = defineEvent({
  type: 'PrivacyRequestRefused',
  category: 'privacy',
  schema: z.object({
    requestId: id,
    subjectId: id,
    reason: z.enum(REFUSAL_REASONS),
    handledBy: HandledBy,
    refusedAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

/** A complaint about how personal data is handled, for compliance. Its text is personal content. */
export const ComplaintLodged = defineEvent({
  type: 'ComplaintLodged',
  category: 'privacy',
  schema: z.object({
    requestId: id,
    subjectId: id,
    text: pii(z.string().min(1).max(5000)),
    lodgedAt: isoTime,
  }),
  pii: ['text'],
  subject: (d) => d.subjectId,
});

/** Stream `export-<exportId>`: the person asked for a copy of everything held about them. */
export const DataExportRequested = defineEvent({
  type: 'DataExportRequested',
  category: 'privacy',
  schema: z.object({ exportId: id, requestId: id, subjectId: id, requestedAt: isoTime }),
  subject: (d) => d.subjectId,
});

/** The worker built the ZIP; it can be downloaded once until `expiresAt`. */
export const DataExportPrepared = defineEvent({
  type: 'DataExportPrepared',
  category: 'privacy',
  schema: z.object({
    exportId: id,
    subjectId: id,
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    files: z.number().int().min(0),
    readyAt: isoTime,
    expiresAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

export const DataExportDownloaded = defineEvent({
  type: 'DataExportDownloaded',
  category: 'privacy',
  schema: z.object({ exportId: id, subjectId: id, downloadedAt: isoTime }),
  subject: (d) => d.subjectId,
});

/** The ZIP is gone: after its one download, or when nobody fetched it in time. */
export const DataExportDeleted = defineEvent({
  type: 'DataExportDeleted',
  category: 'privacy',
  schema: z.object({
    exportId: id,
    subjectId: id,
    reason: z.enum(['downloaded', 'expired']),
    deletedAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

/** Stream `recording-<recordingId>`: the person deleted one answer (its transcript, scores and feedback). */
export const AnswerDeleted = defineEvent({
  type: 'AnswerDeleted',
  category: 'privacy',
  schema: z.object({ recordingId: id, sessionId: id, userId: id, deletedAt: isoTime }),
  subject: (d) => d.userId,
});

/** Stream `practice-<sessionId>`: the person deleted a whole practice session and every answer in it. */
export const PracticeSessionDeleted = defineEvent({
  type: 'PracticeSessionDeleted',
  category: 'privacy',
  schema: z.object({
    sessionId: id,
    userId: id,
    recordingIds: z.array(id).max(1000),
    deletedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/** Stream `user-<userId>`: the person corrected their name (rectification). */
export const NameCorrected = defineEvent({
  type: 'NameCorrected',
  category: 'identity',
  schema: z.object({ userId: id, name: pii(z.string().min(1).max(200)), correctedAt: isoTime }),
  pii: ['name'],
  subject: (d) => d.userId,
});

/** A code went to the new address; the email changes only once that code comes back. */
export const EmailChangeRequested = defineEvent({
  type: 'EmailChangeRequested',
  category: 'identity',
  schema: z.object({ userId: id, newEmail: pii(z.string().max(320)), requestedAt: isoTime }),
  pii: ['newEmail'],
  subject: (d) => d.userId,
});

/** The new address was proven (code) and is now the account's email. */
export const EmailChanged = defineEvent({
  type: 'EmailChanged',
  category: 'identity',
  schema: z.object({ userId: id, email: pii(z.string().max(320)), changedAt: isoTime }),
  pii: ['email'],
  subject: (d) => d.userId,
});

/** What an outcome email was about: a data export ready in the privacy center, a complaint answered. */
export const OUTCOME_MAIL_TOPICS = ['export_ready', 'complaint_answered'] as const;
export const OutcomeMailTopic = z.enum(OUTCOME_MAIL_TOPICS);
export type OutcomeMailTopic = z.infer<typeof OutcomeMailTopic>;

/**
 * Stream `outcome-mail-<topic>-<refId>`: the person was emailed the outcome of a right they exercised (P07):
 * their export is ready in the privacy center, or compliance answered their complaint. `refId` is the export
 * or the request. No address and no text: the mail itself is not recorded.
 */
export const PrivacyOutcomeEmailSent = defineEvent({
  type: 'PrivacyOutcomeEmailSent',
  category: 'privacy',
  schema: z.object({
    subjectId: id,
    topic: OutcomeMailTopic,
    refId: id,
    sentAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

/**
 * Stream `privacy-request-<requestId>`: the record of a closed request reached the end of its retention period
 * (P18) and left the compliance queue and the person's list. Identifiers and dates only.
 */
export const PrivacyRequestRecordExpired = defineEvent({
  type: 'PrivacyRequestRecordExpired',
  category: 'privacy',
  schema: z.object({
    requestId: id,
    subjectId: id,
    runId: id,
    /** The rule applied: months after the request was closed. */
    limitMonths: z.number().int().min(1),
    closedAt: isoTime,
    expiredAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

export const RIGHTS_EVENTS = [
  PrivacyRequestReceived,
  PrivacyRequestCompleted,
  PrivacyRequestRefused,
  ComplaintLodged,
  DataExportRequested,
  DataExportPrepared,
  DataExportDownloaded,
  DataExportDeleted,
  AnswerDeleted,
  PracticeSessionDeleted,
  NameCorrected,
  EmailChangeRequested,
  EmailChanged,
  PrivacyOutcomeEmailSent,
  PrivacyRequestRecordExpired,
] as const;
