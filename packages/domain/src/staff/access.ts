import type { StaffRole } from '../events/staff.js';
import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

/**
 * Staff access: who holds which staff role, and the rules for granting, revoking and reviewing.
 * A decider over the set of all current grants (the "last admin" rule needs the whole set).
 * Pure: time comes in with each command.
 */
export interface Grant {
  userId: string;
  role: StaffRole;
  grantedBy: string;
  grantedAt: string;
  /** Null until the first access review. */
  lastReviewedAt: string | null;
}

export interface StaffAccessState {
  grants: readonly Grant[];
}

/** Acts as `grantedBy` for the very first admin, created from the command line. */
export const BOOTSTRAP_ACTOR = 'bootstrap';

export type StaffAccessCommand =
  | { type: 'GrantRole'; actorId: string; userId: string; role: StaffRole; now: string }
  | { type: 'RevokeRole'; actorId: string; userId: string; role: StaffRole; now: string }
  | { type: 'ReviewAccess'; actorId: string; userId: string; role: StaffRole; now: string }
  /** The first admin, when there is none yet (command-line bootstrap). */
  | { type: 'BootstrapAdmin'; userId: string; now: string };

export const staffAccessEvents = eventSlice([
  'RoleGranted',
  'RoleRevoked',
  'AccessReviewed',
  'SubjectErased',
]);
export type StaffAccessEvent = EventOf<(typeof staffAccessEvents.types)[number]>;

export type StaffAccessRule =
  'not_admin' | 'self_grant_admin' | 'already_granted' | 'not_granted' | 'last_admin' | 'admin_exists';

export class StaffAccessRuleViolated extends DomainRuleViolated {
  readonly kind = 'forbidden' as const;
  constructor(
    override readonly rule: StaffAccessRule,
    message: string,
  ) {
    super(rule, message);
  }
}

export const initialState: StaffAccessState = { grants: [] };

const find = (s: StaffAccessState, userId: string, role: StaffRole) =>
  s.grants.find((g) => g.userId === userId && g.role === role);

export const isAdmin = (s: StaffAccessState, userId: string): boolean => !!find(s, userId, 'admin');
export const adminCount = (s: StaffAccessState): number => s.grants.filter((g) => g.role === 'admin').length;

const requireAdmin = (s: StaffAccessState, actorId: string) => {
  if (!isAdmin(s, actorId))
    throw new StaffAccessRuleViolated('not_admin', 'Only an admin can change or review staff access.');
};

export const decide = (cmd: StaffAccessCommand, s: StaffAccessState): StaffAccessEvent[] => {
  switch (cmd.type) {
    case 'BootstrapAdmin':
      if (adminCount(s) > 0)
        throw new StaffAccessRuleViolated('admin_exists', 'An admin already exists; ask them for access.');
      return [
        {
          type: 'RoleGranted',
          data: { userId: cmd.userId, role: 'admin', grantedBy: BOOTSTRAP_ACTOR, grantedAt: cmd.now },
        },
      ];
    case 'GrantRole':
      requireAdmin(s, cmd.actorId);
      if (cmd.role === 'admin' && cmd.actorId === cmd.userId)
        throw new StaffAccessRuleViolated('self_grant_admin', 'You cannot grant the admin role to yourself.');
      if (find(s, cmd.userId, cmd.role))
        throw new StaffAccessRuleViolated('already_granted', 'This person already has this role.');
      return [
        {
          type: 'RoleGranted',
          data: { userId: cmd.userId, role: cmd.role, grantedBy: cmd.actorId, grantedAt: cmd.now },
        },
      ];
    case 'RevokeRole':
      requireAdmin(s, cmd.actorId);
      if (!find(s, cmd.userId, cmd.role))
        throw new StaffAccessRuleViolated('not_granted', 'This person does not have this role.');
      if (cmd.role === 'admin' && adminCount(s) <= 1)
        throw new StaffAccessRuleViolated('last_admin', 'The last admin cannot be revoked.');
      return [
        {
          type: 'RoleRevoked',
          data: { userId: cmd.userId, role: cmd.role, revokedBy: cmd.actorId, revokedAt: cmd.now },
        },
      ];
    case 'ReviewAccess':
      requireAdmin(s, cmd.actorId);
      if (!find(s, cmd.userId, cmd.role))
        throw new StaffAccessRuleViolated('not_granted', 'This person does not have this role.');
      return [
        {
          type: 'AccessReviewed',
          data: { userId: cmd.userId, role: cmd.role, reviewedBy: cmd.actorId, reviewedAt: cmd.now },
        },
      ];
  }
};

export const evolve = (s: StaffAccessState, e: StaffAccessEvent): StaffAccessState => {
  switch (e.type) {
    case 'RoleGranted':
      return {
        grants: [
          ...s.grants.filter((g) => !(g.userId === e.data.userId && g.role === e.data.role)),
          {
            userId: e.data.userId,
            role: e.data.role,
            grantedBy: e.data.grantedBy,
            grantedAt: e.data.grantedAt,
            lastReviewedAt: null,
          },
        ],
      };
    case 'RoleRevoked':
      return { grants: s.grants.filter((g) => !(g.userId === e.data.userId && g.role === e.data.role)) };
    case 'AccessReviewed':
      return {
        grants: s.grants.map((g) =>
          g.userId === e.data.userId && g.role === e.data.role
            ? { ...g, lastReviewedAt: e.data.reviewedAt }
            : g,
        ),
      };
    case 'SubjectErased':
      return { grants: s.grants.filter((g) => g.userId !== e.data.subjectId) };
  }
};

const DAY_MS = 86_400_000;

/**
 * A grant is overdue for review when its last review (or, never reviewed, its grant) is older than the
 * review period at `now`.
 */
export const isReviewOverdue = (
  g: Pick<Grant, 'grantedAt' | 'lastReviewedAt'>,
  now: string | Date,
  reviewPeriodDays: number,
): boolean => {
  const since = Date.parse(g.lastReviewedAt ?? g.grantedAt);
  const at = typeof now === 'string' ? Date.parse(now) : now.getTime();
  return at - since > reviewPeriodDays * DAY_MS;
};

export const staffAccessDecider: Decider<
  StaffAccessState,
  StaffAccessCommand,
  (typeof staffAccessEvents.types)[number]
> = { events: staffAccessEvents, decide, evolve, initialState };
