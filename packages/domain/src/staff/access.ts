import type { StaffRole } from '../events/staff.js';
import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

/**
 * Staff access: which staff roles a person holds, and the rules for granting, revoking and reviewing them.
 * A decider over one person's stream (`user-<id>`, where their grants are recorded): its state is that
 * person's grants. Two rules look beyond that person — only an admin may act, and the last admin stays —
 * so the command carries what was seen of everyone's grants (`seen`), read under the staff-access lock
 * that serialises every such decision. Pure: time comes in with each command.
 */
export interface Grant {
  userId: string;
  role: StaffRole;
  grantedBy: string;
  grantedAt: string;
  /** Null until the first access review. */
  lastReviewedAt: string | null;
}

/** The grants recorded on one person's stream. */
export interface StaffAccessState {
  grants: readonly Grant[];
}

/** Acts as `grantedBy` for the very first admin, created from the command line. */
export const BOOTSTRAP_ACTOR = 'bootstrap';

/** The stream a person's grants are recorded on (their account stream). */
export const staffAccessStream = (userId: string): string => `user-${userId}`;

/** What a caller asks for. */
export type StaffAccessCommand =
  | { type: 'GrantRole'; actorId: string; userId: string; role: StaffRole; now: string }
  | { type: 'RevokeRole'; actorId: string; userId: string; role: StaffRole; now: string }
  | { type: 'ReviewAccess'; actorId: string; userId: string; role: StaffRole; now: string }
  /** The first admin, when there is none yet (command-line bootstrap). */
  | { type: 'BootstrapAdmin'; userId: string; now: string };

/** What was seen of everyone's grants when the command was taken (under the staff-access lock). */
export interface StaffAccessSeen {
  /** Whether the acting person holds the admin role (false for the bootstrap). */
  actorIsAdmin: boolean;
  /** How many admins there are. */
  admins: number;
}

/** The command the decider takes: the request and what was seen beyond the person's own stream. */
export type StaffAccessDecision = StaffAccessCommand & { seen: StaffAccessSeen };

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

const requireAdmin = (cmd: StaffAccessDecision) => {
  if (!cmd.seen.actorIsAdmin)
    throw new StaffAccessRuleViolated('not_admin', 'Only an admin can change or review staff access.');
};

export const decide = (cmd: StaffAccessDecision, s: StaffAccessState): StaffAccessEvent[] => {
  switch (cmd.type) {
    case 'BootstrapAdmin':
      if (cmd.seen.admins > 0)
        throw new StaffAccessRuleViolated('admin_exists', 'An admin already exists; ask them for access.');
      return [
        {
          type: 'RoleGranted',
          data: { userId: cmd.userId, role: 'admin', grantedBy: BOOTSTRAP_ACTOR, grantedAt: cmd.now },
        },
      ];
    case 'GrantRole':
      requireAdmin(cmd);
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
      requireAdmin(cmd);
      if (!find(s, cmd.userId, cmd.role))
        throw new StaffAccessRuleViolated('not_granted', 'This person does not have this role.');
      if (cmd.role === 'admin' && cmd.seen.admins <= 1)
        throw new StaffAccessRuleViolated('last_admin', 'The last admin cannot be revoked.');
      return [
        {
          type: 'RoleRevoked',
          data: { userId: cmd.userId, role: cmd.role, revokedBy: cmd.actorId, revokedAt: cmd.now },
        },
      ];
    case 'ReviewAccess':
      requireAdmin(cmd);
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
  StaffAccessDecision,
  (typeof staffAccessEvents.types)[number]
> = { events: staffAccessEvents, decide, evolve, initialState };
