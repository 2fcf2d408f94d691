import { describe, expect, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import { dueDate, recordDecider } from './requests.js';

describe('privacy request due date (received + 1 calendar month)', () => {
  it('adds one calendar month at the same UTC time', () => {
    expect(dueDate('2026-12-07T15:30:00.000Z')).toBe('2027-01-07T15:30:00.000Z');
    expect(dueDate('2026-03-15T00:00:00.000Z')).toBe('2026-04-15T00:00:00.000Z');
  });
  it('clamps to the last day of a shorter month, leap years included', () => {
    expect(dueDate('2027-01-31T09:00:00.000Z')).toBe('2027-02-28T09:00:00.000Z');
    expect(dueDate('2028-01-31T09:00:00.000Z')).toBe('2028-02-29T09:00:00.000Z');
    expect(dueDate('2026-08-31T23:59:59.000Z')).toBe('2026-09-30T23:59:59.000Z');
  });
});

describe('expiry of a request record (retention, P18)', () => {
  const spec = specFor(recordDecider);
  const received = {
    type: 'PrivacyRequestReceived' as const,
    data: {
      requestId: 'r1',
      subjectId: 'u1',
      kind: 'export' as const,
      receivedAt: '2026-01-10T09:00:00.000Z',
      dueAt: '2026-02-10T09:00:00.000Z',
    },
  };
  const completed = {
    type: 'PrivacyRequestCompleted' as const,
    data: {
      requestId: 'r1',
      subjectId: 'u1',
      handledBy: { kind: 'system' as const },
      completedAt: '2026-01-10T09:00:00.000Z',
    },
  };
  const expire = (closedBefore: string) => ({
    type: 'ExpireRecord' as const,
    requestId: 'r1',
    runId: 'run-1',
    limitMonths: 36,
    closedBefore,
    now: '2029-01-11T00:00:00.000Z',
  });
  const expired = {
    type: 'PrivacyRequestRecordExpired' as const,
    data: {
      requestId: 'r1',
      subjectId: 'u1',
      runId: 'run-1',
      limitMonths: 36,
      closedAt: '2026-01-10T09:00:00.000Z',
      expiredAt: '2029-01-11T00:00:00.000Z',
    },
  };
  it('expires a record closed before the cut-off, once', () => {
    spec.given([received, completed]).when(expire('2026-01-11T00:00:00.000Z')).then([expired]);
    spec.given([received, completed, expired]).when(expire('2026-01-11T00:00:00.000Z')).then([]);
  });
  it('never expires an open request, nor one closed on or after the cut-off', () => {
    spec.given([received]).when(expire('2030-01-01T00:00:00.000Z')).then([]);
    spec.given([received, completed]).when(expire('2026-01-10T09:00:00.000Z')).then([]);
    spec.given([]).when(expire('2030-01-01T00:00:00.000Z')).then([]);
  });
});
