import { describe, expect, it } from 'vitest';
import { accountDecider, AccountRuleViolated, decide, type AccountEvent } from './account.js';
import { specFor } from '../decider-spec.js';

/** The shared Given/When/Then helper: the state the given events fold to. */
const given = (events: AccountEvent[]) => specFor(accountDecider).given(events).state;
const T0 = '2026-11-30T10:00:00.000Z';
const T1 = '2026-11-30T10:05:00.000Z';
const registered: AccountEvent = {
  type: 'AccountRegistered',
  data: { userId: 'u1', name: 'Ada', email: 'ada@example.org', signupMethod: 'password', registeredAt: T0 },
};
const verified: AccountEvent = { type: 'EmailVerified', data: { userId: 'u1', verifiedAt: T1 } };

describe('account decider', () => {
  it('Given no account, When registering with a password, Then AccountRegistered and a verification is sent', () => {
    const events = decide(
      {
        type: 'Register',
        userId: 'u1',
        name: 'Ada',
        email: 'ada@example.org',
        signupMethod: 'password',
        now: T0,
      },
      given([]),
    );
    expect(events.map((e) => e.type)).toEqual(['AccountRegistered', 'EmailVerificationSent']);
    expect(given(events)).toEqual({
      kind: 'unverified',
      userId: 'u1',
      registeredAt: T0,
      trialGranted: false,
    });
  });

  it('Given an account, When registering again, Then it is refused', () => {
    expect(() =>
      decide(
        { type: 'Register', userId: 'u1', name: 'A', email: 'a@b.c', signupMethod: 'password', now: T1 },
        given([registered]),
      ),
    ).toThrow(AccountRuleViolated);
  });

  it('Given an unverified account, When the email is verified with trial answers, Then EmailVerified and TrialGranted', () => {
    const events = decide({ type: 'VerifyEmail', trialAnswers: 5, now: T1 }, given([registered]));
    expect(events).toEqual([
      { type: 'EmailVerified', data: { userId: 'u1', verifiedAt: T1 } },
      { type: 'TrialGranted', data: { userId: 'u1', answers: 5, grantedAt: T1 } },
    ]);
    expect(given([registered, ...events])).toMatchObject({ kind: 'active', trialGranted: true });
  });

  it('Given an address that already had its trial, When verified, Then no TrialGranted', () => {
    expect(
      decide({ type: 'VerifyEmail', trialAnswers: 0, now: T1 }, given([registered])).map((e) => e.type),
    ).toEqual(['EmailVerified']);
  });

  it('Given a verified account, When verified again or a code is requested, Then nothing new happens', () => {
    const s = given([registered, verified]);
    expect(decide({ type: 'VerifyEmail', trialAnswers: 5, now: T1 }, s)).toEqual([]);
    expect(decide({ type: 'SendVerification', now: T1 }, s)).toEqual([]);
  });

  it('Given an account, When the password changes, Then every session is revoked with the reason', () => {
    const s = given([registered, verified]);
    expect(decide({ type: 'ChangePassword', via: 'change', now: T1 }, s)).toEqual([
      { type: 'PasswordChanged', data: { userId: 'u1', via: 'change', changedAt: T1 } },
      { type: 'SessionsRevoked', data: { userId: 'u1', reason: 'password_changed', revokedAt: T1 } },
    ]);
  });

  it('Given an unverified account, When the password is reset by emailed code, Then the address counts as verified', () => {
    const events = decide({ type: 'ChangePassword', via: 'reset', now: T1 }, given([registered]));
    expect(events.map((e) => e.type)).toEqual(['EmailVerified', 'PasswordChanged', 'SessionsRevoked']);
  });

  it('Given an account, When signing in, Then SignedIn carries only the truncated IP and UA family', () => {
    expect(
      decide(
        {
          type: 'RecordSignIn',
          method: 'password',
          ipPrefix: '203.0.113.0/24',
          uaFamily: 'Firefox on Linux',
          now: T1,
        },
        given([registered]),
      ),
    ).toEqual([
      {
        type: 'SignedIn',
        data: {
          userId: 'u1',
          method: 'password',
          ipPrefix: '203.0.113.0/24',
          uaFamily: 'Firefox on Linux',
          signedInAt: T1,
        },
      },
    ]);
  });

  it('Given a verified account without a trial, When the trial is granted, Then TrialGranted once (none when the registry says 0)', () => {
    const out = decide({ type: 'GrantTrial', trialAnswers: 5, now: T1 }, given([registered, verified]));
    expect(out).toEqual([{ type: 'TrialGranted', data: { userId: 'u1', answers: 5, grantedAt: T1 } }]);
    expect(
      decide({ type: 'GrantTrial', trialAnswers: 5, now: T1 }, given([registered, verified, ...out])),
    ).toEqual([]);
    expect(decide({ type: 'GrantTrial', trialAnswers: 0, now: T1 }, given([registered, verified]))).toEqual(
      [],
    );
  });

  it('Given no account, When anything but Register, Then it is refused', () => {
    expect(() => decide({ type: 'SignOut', now: T0 }, given([]))).toThrow(/no such account/);
  });

  it('Given an erased account, When anything, Then it is refused', () => {
    const s = given([
      registered,
      { type: 'SubjectErased', data: { subjectId: 'u1', reason: 'user_request', erasedAt: T1 } },
    ]);
    expect(s.kind).toBe('erased');
    expect(() => decide({ type: 'RequestPasswordReset', now: T1 }, s)).toThrow(/erased/);
  });
});
