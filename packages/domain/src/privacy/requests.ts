import { eventSlice } from '../events/domain-event.js';
import type { Decider } from '../decider.js';
import type { PrivacyRequestKind } from '../events/rights.js';

/**
 * When a privacy request is due: one calendar month after it was received (GDPR Art. 12(3)), at the same
 * UTC time of day. A day that the next month lacks becomes that month's last day (31 January → 28 or 29
 * February), so the deadline is never pushed into the month after.
 */
export const dueDate = (receivedAt: string): string => {
  const r = new Date(receivedAt);
  const y = r.getUTCFullYear();
  const m = r.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const due = new Date(
    Date.UTC(
      y,
      m,
      Math.min(r.getUTCDate(), lastDay),
      r.getUTCHours(),
      r.getUTCMinutes(),
      r.getUTCSeconds(),
      r.getUTCMilliseconds(),
    ),
  );
  return due.toISOString();
};

/** The stream of one request's lifecycle. */
export const requestStream = (requestId: string): string => `privacy-request-${requestId}`;

/** Plain names for the compliance queue and the person's own list. */
export const KIND_LABELS: Readonly<Record<PrivacyRequestKind, string>> = {
  access: 'Access',
  export: 'Export (portability)',
  rectification: 'Rectification',
  erasure: 'Erasure',
  restriction: 'Restriction',
  objection: 'Objection',
  withdrawal: 'Consent withdrawal',
  complaint: 'Complaint',
  minor_report: 'Minor report',
};

// ——— retention of the request records (P18) ———

export const recordEvents = eventSlice([
  'PrivacyRequestReceived',
  'PrivacyRequestCompleted',
  'PrivacyRequestRefused',
  'PrivacyRequestRecordExpired',
]);

export interface RecordState {
  subjectId: string | null;
  /** When the request was completed or refused (null while open). */
  closedAt: string | null;
  expired: boolean;
}

/** Expire the record if it was closed before `closedBefore` (the cut-off of the retention period). */
export type ExpireRecord = {
  type: 'ExpireRecord';
  requestId: string;
  runId: string;
  limitMonths: number;
  closedBefore: string;
  now: string;
};

/**
 * A request's record expires only once closed, and only after its retention period: an open request (still
 * owed an answer) never does, and a second expiry decides nothing.
 */
export const recordDecider: Decider<RecordState, ExpireRecord, (typeof recordEvents.types)[number]> = {
  events: recordEvents,
  initialState: { subjectId: null, closedAt: null, expired: false },
  decide: (cmd, s) => {
    if (s.expired || s.subjectId === null || s.closedAt === null) return [];
    if (new Date(s.closedAt).getTime() >= new Date(cmd.closedBefore).getTime()) return [];
    return [
      {
        type: 'PrivacyRequestRecordExpired',
        data: {
          requestId: cmd.requestId,
          subjectId: s.subjectId,
          runId: cmd.runId,
          limitMonths: cmd.limitMonths,
          closedAt: s.closedAt,
          expiredAt: cmd.now,
        },
      },
    ];
  },
  evolve: (s, e) => {
    switch (e.type) {
      case 'PrivacyRequestReceived':
        return { ...s, subjectId: e.data.subjectId };
      case 'PrivacyRequestCompleted':
        return { ...s, closedAt: e.data.completedAt };
      case 'PrivacyRequestRefused':
        return { ...s, closedAt: e.data.refusedAt };
      case 'PrivacyRequestRecordExpired':
        return { ...s, expired: true };
    }
  },
};
