import { describe, expect, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import {
  BOOTSTRAP_ACTOR,
  evolve,
  isReviewOverdue,
  staffAccessDecider,
  StaffAccessRuleViolated,
  type StaffAccessEvent,
} from './access.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-02-01T00:00:00.000Z';
const spec = specFor(staffAccessDecider);
/** Given events are the target's own stream; `seen` is what the lock-holder read of everyone's grants. */
const granted = (userId: string, role: 'admin' | 'analyst' | 'compliance_officer', by = 'root') =>
  ({ type: 'RoleGranted', data: { userId, role, grantedBy: by, grantedAt: T0 } }) as const;
const admin = (admins = 1) => ({ actorIsAdmin: true, admins });

describe('staff access decider', () => {
  it('Given no admin, When bootstrapped, Then the first admin is granted by "bootstrap"', () => {
    spec
      .given([])
      .when({ type: 'BootstrapAdmin', userId: 'a1', now: T0, seen: { actorIsAdmin: false, admins: 0 } })
      .then([
        {
          type: 'RoleGranted',
          data: { userId: 'a1', role: 'admin', grantedBy: BOOTSTRAP_ACTOR, grantedAt: T0 },
        },
      ]);
  });

  it('Given an admin, When bootstrapped again, Then refused', () => {
    spec
      .given([])
      .when({ type: 'BootstrapAdmin', userId: 'a2', now: T1, seen: { actorIsAdmin: false, admins: 1 } })
      .thenThrows(StaffAccessRuleViolated, 'admin_exists');
  });

  it('Given an admin, When they grant a role, Then RoleGranted names who granted it', () => {
    spec
      .given([])
      .when({ type: 'GrantRole', actorId: 'a1', userId: 'u2', role: 'analyst', now: T1, seen: admin() })
      .then([
        { type: 'RoleGranted', data: { userId: 'u2', role: 'analyst', grantedBy: 'a1', grantedAt: T1 } },
      ]);
  });

  it('Given a non-admin staff member, When they grant a role, Then refused', () => {
    spec
      .given([])
      .when({
        type: 'GrantRole',
        actorId: 'c1',
        userId: 'u2',
        role: 'analyst',
        now: T1,
        seen: { actorIsAdmin: false, admins: 1 },
      })
      .thenThrows(StaffAccessRuleViolated, 'not_admin');
  });

  it('Given an admin, When they grant admin to themselves, Then refused', () => {
    spec
      .given([granted('u1', 'admin')])
      .when({ type: 'GrantRole', actorId: 'u1', userId: 'u1', role: 'admin', now: T1, seen: admin() })
      .thenThrows(StaffAccessRuleViolated, 'self_grant_admin');
  });

  it('Given a role already held, When granted again, Then refused', () => {
    spec
      .given([granted('u2', 'analyst', 'a1')])
      .when({ type: 'GrantRole', actorId: 'a1', userId: 'u2', role: 'analyst', now: T1, seen: admin() })
      .thenThrows(StaffAccessRuleViolated, 'already_granted');
  });

  it('Given two admins, When one revokes the other, Then RoleRevoked names who revoked it', () => {
    const given = spec.given([granted('a2', 'admin', 'a1')]);
    const when = given.when({
      type: 'RevokeRole',
      actorId: 'a1',
      userId: 'a2',
      role: 'admin',
      now: T1,
      seen: admin(2),
    });
    when.then([
      { type: 'RoleRevoked', data: { userId: 'a2', role: 'admin', revokedBy: 'a1', revokedAt: T1 } },
    ]);
    const after = when.events().reduce(evolve, given.state);
    expect(after.grants).toEqual([]);
  });

  it('Given one admin, When they revoke their own admin role, Then refused (last admin)', () => {
    spec
      .given([granted('a1', 'admin')])
      .when({ type: 'RevokeRole', actorId: 'a1', userId: 'a1', role: 'admin', now: T1, seen: admin(1) })
      .thenThrows(StaffAccessRuleViolated, 'last_admin');
  });

  it('Given no such grant, When revoked or reviewed, Then refused', () => {
    const given = spec.given([]);
    given
      .when({ type: 'RevokeRole', actorId: 'a1', userId: 'x', role: 'analyst', now: T1, seen: admin() })
      .thenThrows(StaffAccessRuleViolated, 'not_granted');
    given
      .when({ type: 'ReviewAccess', actorId: 'a1', userId: 'x', role: 'analyst', now: T1, seen: admin() })
      .thenThrows(StaffAccessRuleViolated, 'not_granted');
  });

  it('Given a grant, When an admin reviews it, Then AccessReviewed names the reviewer and the review date moves', () => {
    const given = spec.given([granted('u2', 'analyst', 'a1')]);
    const when = given.when({
      type: 'ReviewAccess',
      actorId: 'a1',
      userId: 'u2',
      role: 'analyst',
      now: T1,
      seen: admin(),
    });
    when.then([
      { type: 'AccessReviewed', data: { userId: 'u2', role: 'analyst', reviewedBy: 'a1', reviewedAt: T1 } },
    ]);
    const after = when.events().reduce(evolve, given.state);
    expect(after.grants.find((g) => g.userId === 'u2')?.lastReviewedAt).toBe(T1);
  });

  it('Given a grant, When its holder is erased, Then the grant is gone', () => {
    const erased: StaffAccessEvent = {
      type: 'SubjectErased',
      data: { subjectId: 'u2', reason: 'user_request', erasedAt: '2026-01-01T00:00:00.000Z' },
    };
    expect(spec.given([granted('u2', 'analyst'), erased]).state.grants).toEqual([]);
  });

  it('a rule asked for by name must be the one broken (the helper can fail)', () => {
    expect(() =>
      spec
        .given([granted('a1', 'admin')])
        .when({ type: 'RevokeRole', actorId: 'a1', userId: 'a1', role: 'admin', now: T1, seen: admin(1) })
        .thenThrows(StaffAccessRuleViolated, 'not_admin'),
    ).toThrow(/rule last_admin, not not_admin/);
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
