import { describe, expect, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import { isRestricted, privacyDecider, PrivacyRuleViolated, type PrivacyEvent } from './privacy.js';

const T0 = '2026-12-07T10:00:00.000Z';
const T1 = '2026-12-07T11:00:00.000Z';
const spec = specFor(privacyDecider);
const restricted: PrivacyEvent = { type: 'ProcessingRestricted', data: { subjectId: 'u', restrictedAt: T0 } };
const erased: PrivacyEvent = {
  type: 'SubjectErased',
  data: { subjectId: 'u', reason: 'user_request', erasedAt: T0 },
};

describe('privacy decider: restriction (P26) and erasure', () => {
  it('Given nothing, When restrict, Then ProcessingRestricted', () => {
    spec.given([]).when({ type: 'RestrictProcessing', subjectId: 'u', now: T0 }).then([restricted]);
  });

  it('Given a restriction, When restrict again, Then nothing; When lift, Then ProcessingRestrictionLifted', () => {
    expect(isRestricted(spec.given([restricted]).state)).toBe(true);
    spec.given([restricted]).when({ type: 'RestrictProcessing', subjectId: 'u', now: T1 }).then([]);
    spec
      .given([restricted])
      .when({ type: 'LiftRestriction', subjectId: 'u', now: T1 })
      .then([{ type: 'ProcessingRestrictionLifted', data: { subjectId: 'u', liftedAt: T1 } }]);
  });

  it('Given no restriction, When lift, Then nothing', () => {
    spec.given([]).when({ type: 'LiftRestriction', subjectId: 'u', now: T1 }).then([]);
  });

  it('Given an erased person, When restrict or lift, Then refused; When erase again, Then nothing', () => {
    spec
      .given([erased])
      .when({ type: 'RestrictProcessing', subjectId: 'u', now: T1 })
      .thenThrows(PrivacyRuleViolated);
    spec
      .given([erased])
      .when({ type: 'LiftRestriction', subjectId: 'u', now: T1 })
      .thenThrows(/erased/);
    spec.given([erased]).when({ type: 'Erase', subjectId: 'u', reason: 'admin', now: T1 }).then([]);
  });

  it('Given a restricted person, When erase, Then SubjectErased with the reason', () => {
    spec
      .given([restricted])
      .when({ type: 'Erase', subjectId: 'u', reason: 'minor_reported', now: T1 })
      .then([{ type: 'SubjectErased', data: { subjectId: 'u', reason: 'minor_reported', erasedAt: T1 } }]);
  });
});

describe('the Given/When/Then helper can fail', () => {
  it('reports other events than expected, and an accepted command expected to be refused', () => {
    expect(() =>
      spec.given([]).when({ type: 'RestrictProcessing', subjectId: 'u', now: T0 }).then([]),
    ).toThrow(/Expected events/);
    expect(() =>
      spec
        .given([])
        .when({ type: 'RestrictProcessing', subjectId: 'u', now: T0 })
        .thenThrows(PrivacyRuleViolated),
    ).toThrow(/accepted/);
  });
});
