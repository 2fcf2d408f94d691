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
