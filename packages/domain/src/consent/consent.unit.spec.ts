import { describe, expect, it } from 'vitest';
import {
  ConsentRuleViolated,
  decide,
  evolve,
  purposeStatus,
  type ConsentEvent,
  consentDecider,
} from './consent.js';
import { specFor } from '../decider-spec.js';

/** The shared Given/When/Then helper: the state the given events fold to. */
const given = (events: ConsentEvent[]) => specFor(consentDecider).given(events).state;
const T0 = '2026-11-30T10:00:00.000Z';
const T1 = '2026-11-30T11:00:00.000Z';

describe('consent decider', () => {
  it('Given nothing, When consent is given, Then ConsentGiven names the policy version and time', () => {
    expect(
      decide(
        {
          type: 'GiveConsent',
          subjectId: 'u1',
          purpose: 'recording_feedback',
          policyVersion: '2026-11-30',
          now: T0,
        },
        given([]),
      ),
    ).toEqual([
      {
        type: 'ConsentGiven',
        data: { subjectId: 'u1', purpose: 'recording_feedback', policyVersion: '2026-11-30', givenAt: T0 },
      },
    ]);
  });

  it('Given consent for the same policy version, When given again, Then nothing new happens', () => {
    const s = given([
      {
        type: 'ConsentGiven',
        data: { subjectId: 'u1', purpose: 'marketing_email', policyVersion: 'v1', givenAt: T0 },
      },
    ]);
    expect(
      decide(
        { type: 'GiveConsent', subjectId: 'u1', purpose: 'marketing_email', policyVersion: 'v1', now: T1 },
        s,
      ),
    ).toEqual([]);
    expect(
      decide(
        { type: 'GiveConsent', subjectId: 'u1', purpose: 'marketing_email', policyVersion: 'v2', now: T1 },
        s,
      ),
    ).toHaveLength(1);
  });

  it('Given consent, When withdrawn, Then ConsentWithdrawn and the purpose reads withdrawn', () => {
    const s = given([
      {
        type: 'ConsentGiven',
        data: { subjectId: 'u1', purpose: 'product_improvement', policyVersion: 'v1', givenAt: T0 },
      },
    ]);
    const events = decide(
      { type: 'WithdrawConsent', subjectId: 'u1', purpose: 'product_improvement', now: T1 },
      s,
    );
    expect(events).toEqual([
      {
        type: 'ConsentWithdrawn',
        data: { subjectId: 'u1', purpose: 'product_improvement', withdrawnAt: T1 },
      },
    ]);
    expect(purposeStatus(events.reduce(evolve, s), 'product_improvement')).toEqual({
      status: 'withdrawn',
      since: T1,
    });
  });

  it('Given no consent, When withdrawn, Then no event', () => {
    expect(
      decide({ type: 'WithdrawConsent', subjectId: 'u1', purpose: 'marketing_email', now: T1 }, given([])),
    ).toEqual([]);
  });

  it('Given an erased subject, When consent is given, Then it is refused', () => {
    const s = given([
      { type: 'SubjectErased', data: { subjectId: 'u1', reason: 'user_request', erasedAt: T0 } },
    ]);
    expect(() =>
      decide(
        { type: 'GiveConsent', subjectId: 'u1', purpose: 'recording_feedback', policyVersion: 'v1', now: T1 },
        s,
      ),
    ).toThrow(ConsentRuleViolated);
  });
});
