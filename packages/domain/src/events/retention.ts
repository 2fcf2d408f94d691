import { z } from 'zod';
import { defineEvent } from './registry.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

/** What the retention job expires (besides technical data and exports, which have events of their own). */
export const RETENTION_CATEGORIES = ['practice_session', 'inactive_account'] as const;
export const RetentionCategory = z.enum(RETENTION_CATEGORIES);
export type RetentionCategory = z.infer<typeof RetentionCategory>;

/**
 * The retention job expired one item (P18). Stream `retention-log`. Identifiers and dates only: the session id
 * or the erased account's id, the rule applied and the date the clock ran from — no name, email or content.
 */
export const RetentionExpired = defineEvent({
  type: 'RetentionExpired',
  category: 'privacy',
  schema: z.object({
    runId: id,
    category: RetentionCategory,
    itemId: id,
    /** The rule applied, e.g. 24 (months after the session started / after the last activity). */
    limitMonths: z.number().int().min(1),
    /** When the clock started: the session's start or the account's last activity. */
    since: isoTime,
    expiredAt: isoTime,
  }),
});

/**
 * An inactive account's holder was warned by email that it will be erased (P18). Stream
 * `retention-account-<userId>`. No address: the mail itself is not recorded.
 */
export const InactivityWarningSent = defineEvent({
  type: 'InactivityWarningSent',
  category: 'privacy',
  schema: z.object({
    userId: id,
    runId: id,
    lastActiveAt: isoTime,
    /** Not erased before this, and not at all if the person signs in or practises meanwhile. */
    eraseAfter: isoTime,
    warnedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

const runCounts = {
  runId: id,
  startedAt: isoTime,
  finishedAt: isoTime,
  sessionsExpired: z.number().int().min(0),
  accountsWarned: z.number().int().min(0),
  accountsErased: z.number().int().min(0),
  /** Items due but left for a later run (still being analysed, or past the batch limit). */
  deferred: z.number().int().min(0),
};

/**
 * One run of the retention job that did something (stream `retention-runs`): counts only. v2 added
 * `requestsExpired` (records of closed privacy requests past their period; v1 runs expired none).
 */
export const RetentionRunCompleted = defineEvent({
  type: 'RetentionRunCompleted',
  category: 'privacy',
  schema: z.object({ ...runCounts, requestsExpired: z.number().int().min(0) }),
  history: [{ schema: z.object(runCounts), upcastToNext: (d) => ({ ...d, requestsExpired: 0 }) }],
});

export const RETENTION_EVENTS = [RetentionExpired, InactivityWarningSent, RetentionRunCompleted] as const;
