import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_ACTOR,
  decide,
  evolve,
  initialState,
  isReviewOverdue,
  StaffAccessRuleViolated,
  type StaffAccessCommand,
  type StaffAccessEvent,
  type StaffAccessRule,
} from './access.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-02-01T00:00:00.000Z';
const given = (events: StaffAccessEvent[]) => events.reduce(evolve, initialState);
const granted = (userId: string, role: 'admin' | 'analyst' | 'compliance_officer', by = 'root') =>
  ({ type: 'RoleGranted', data: { userId, role, grantedBy: by, grantedAt: T0 } }) as const;

const ruleOf = (cmd: StaffAccessCommand, events: StaffAccessEvent[]): StaffAccessRule | 'none' => {
  try {
    decide(cmd, given(events));
    return 'none';
  } catch (e) {
    if (e instanceof StaffAccessRuleViolated) return e.rule;
    throw e;
  }
};

describe('staff access decider', () => {
  it('Given no admin, When bootstrapped, Then the first admin is granted by "bootstrap"', () => {
    expect(decide({ type: 'BootstrapAdmin', userId: 'a1', now: T0 }, given([]))).toEqual([
      {
        type: 'RoleGranted',
        data: { userId: 'a1', role: 'admin', grantedBy: BOOTSTRAP_ACTOR, grantedAt: T0 },
      },
    ]);
  });

  it('Given an admin, When bootstrapped again, Then refused', () => {
    expect(ruleOf({ type: 'BootstrapAdmin', userId: 'a2', now: T1 }, [granted('a1', 'admin')])).toBe(
      'admin_exists',
    );
  });

  it('Given an admin, When they grant a role, Then RoleGranted names who granted it', () => {
    expect(
      decide(
        { type: 'GrantRole', actorId: 'a1', userId: 'u2', role: 'analyst', now: T1 },
        given([granted('a1', 'admin')]),
      ),
    ).toEqual([
      { type: 'RoleGranted', data: { userId: 'u2', role: 'analyst', grantedBy: 'a1', grantedAt: T1 } },
    ]);
  });

  it('Given a non-admin staff member, When they grant a role, Then refused', () => {
    expect(
      ruleOf({ type: 'GrantRole', actorId: 'c1', userId: 'u2', role: 'analyst', now: T1 }, [
        granted('a1', 'admin'),
        granted('c1', 'compliance_officer'),
      ]),
    ).toBe('not_admin');
  });

  it('Given an admin, When they grant admin to themselves, Then refused', () => {
    expect(
      ruleOf({ type: 'GrantRole', actorId: 'u1', userId: 'u1', role: 'admin', now: T1 }, [
        granted('u1', 'admin'),
      ]),
    ).toBe('self_grant_admin');
  });

  it('Given a role already held, When granted again, Then refused', () => {
    expect(
      ruleOf({ type: 'GrantRole', actorId: 'a1', userId: 'u2', role: 'analyst', now: T1 }, [
        granted('a1', 'admin'),
        granted('u2', 'analyst', 'a1'),
      ]),
    ).toBe('already_granted');
  });

  it('Given two admins, When one revokes the other, Then RoleRevoked names who revoked it', () => {
    const s = given([granted('a1', 'admin'), granted('a2', 'admin', 'a1')]);
    const events = decide({ type: 'RevokeRole', actorId: 'a1', userId: 'a2', role: 'admin', now: T1 }, s);
    expect(events).toEqual([
      { type: 'RoleRevoked', data: { userId: 'a2', role: 'admin', revokedBy: 'a1', revokedAt: T1 } },
    ]);
    expect(events.reduce(evolve, s).grants.map((g) => g.userId)).toEqual(['a1']);
  });

  it('Given one admin, When they revoke their own admin role, Then refused (last admin)', () => {
    expect(
      ruleOf({ type: 'RevokeRole', actorId: 'a1', userId: 'a1', role: 'admin', now: T1 }, [
        granted('a1', 'admin'),
      ]),
    ).toBe('last_admin');
  });

  it('Given no such grant, When revoked or reviewed, Then refused', () => {
    const events = [granted('a1', 'admin')];
    expect(ruleOf({ type: 'RevokeRole', actorId: 'a1', userId: 'x', role: 'analyst', now: T1 }, events)).toBe(
      'not_granted',
    );
    expect(
      ruleOf({ type: 'ReviewAccess', actorId: 'a1', userId: 'x', role: 'analyst', now: T1 }, events),
    ).toBe('not_granted');
  });

  it('Given a grant, When an admin reviews it, Then AccessReviewed names the reviewer and the review date moves', () => {
    const s = given([granted('a1', 'admin'), granted('u2', 'analyst', 'a1')]);
    const events = decide({ type: 'ReviewAccess', actorId: 'a1', userId: 'u2', role: 'analyst', now: T1 }, s);
    expect(events).toEqual([
      { type: 'AccessReviewed', data: { userId: 'u2', role: 'analyst', reviewedBy: 'a1', reviewedAt: T1 } },
    ]);
    expect(events.reduce(evolve, s).grants.find((g) => g.userId === 'u2')?.lastReviewedAt).toBe(T1);
  });

  it('Given a grant, When its holder is erased, Then the grant is gone', () => {
    const s = given([
      granted('a1', 'admin'),
      granted('u2', 'analyst'),
      {
        type: 'SubjectErased',
        data: { subjectId: 'u2', reason: 'user_request', erasedAt: '2026-01-01T00:00:00.000Z' },
      },
    ]);
    expect(s.grants.map((g) => g.userId)).toEqual(['a1']);
  });

  describe('review period', () => {
    const grant = { grantedAt: '2026-01-01T00:00:00.000Z', lastReviewedAt: null };
    it('Given a grant never reviewed, When the period has not passed, Then not overdue', () => {
      expect(isReviewOverdue(grant, '2026-03-31T00:00:00.000Z', 90)).toBe(false);
    });
    it('Given a grant never reviewed, When more than the period has passed, Then overdue', () => {
      expect(isReviewOverdue(grant, '2026-04-02T00:00:00.000Z', 90)).toBe(true);
    });
    it('Given a recent review, When measured, Then the review date counts, not the grant date', () => {
      expect(
        isReviewOverdue(
          { ...grant, lastReviewedAt: '2026-03-15T00:00:00.000Z' },
          '2026-05-01T00:00:00.000Z',
          90,
        ),
      ).toBe(false);
    });
  });
});
