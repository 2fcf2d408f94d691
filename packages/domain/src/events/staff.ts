import { z } from 'zod';
import { defineEvent } from './registry.js';
import { pii } from './pii.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

/** Roles a person can be granted on top of `candidate` (which every account has). */
export const STAFF_ROLE_NAMES = ['compliance_officer', 'analyst', 'admin'] as const;
export const StaffRole = z.enum(STAFF_ROLE_NAMES);
export type StaffRole = z.infer<typeof StaffRole>;

/** Who acted: a user id, or `bootstrap` for the first admin created from the command line. */
const actor = z.string().min(1).max(200);

/** Staff: a role was granted to a user, and by whom. Stream `user-<userId>`. */
export const RoleGranted = defineEvent({
  type: 'RoleGranted',
  category: 'identity',
  schema: z.object({ userId: id, role: StaffRole, grantedBy: actor, grantedAt: isoTime }),
  subject: (d) => d.userId,
});

export const RoleRevoked = defineEvent({
  type: 'RoleRevoked',
  category: 'identity',
  schema: z.object({ userId: id, role: StaffRole, revokedBy: actor, revokedAt: isoTime }),
  subject: (d) => d.userId,
});

/** An admin confirmed that a grant is still needed (periodic access review). */
export const AccessReviewed = defineEvent({
  type: 'AccessReviewed',
  category: 'identity',
  schema: z.object({ userId: id, role: StaffRole, reviewedBy: actor, reviewedAt: isoTime }),
  subject: (d) => d.userId,
});

/** A TOTP second factor was enrolled (the secret itself never enters the log). */
export const MfaEnrolled = defineEvent({
  type: 'MfaEnrolled',
  category: 'identity',
  schema: z.object({ userId: id, method: z.literal('totp'), enrolledAt: isoTime }),
  subject: (d) => d.userId,
});

/** One of the single-use recovery codes was spent (which one is not recorded). */
export const MfaRecoveryCodeUsed = defineEvent({
  type: 'MfaRecoveryCodeUsed',
  category: 'identity',
  schema: z.object({ userId: id, remaining: z.number().int().min(0), usedAt: isoTime }),
  subject: (d) => d.userId,
});

/** A Google identity (`sub`) was linked to the account. */
export const GoogleAccountLinked = defineEvent({
  type: 'GoogleAccountLinked',
  category: 'identity',
  schema: z.object({
    userId: id,
    sub: pii(z.string().min(1).max(255)),
    picture: pii(z.string().max(2000)).optional(),
    linkedAt: isoTime,
  }),
  pii: ['sub', 'picture'],
  subject: (d) => d.userId,
});

/**
 * A compliance officer looked at the audit trail: browsed the event log (with the filter used), ran the
 * log's verification (with its outcome), exported it, or opened one event (`open`: the filter names the
 * event id, never the values shown). Stream `audittrail-<consultationId>`.
 */
export const AuditTrailConsulted = defineEvent({
  type: 'AuditTrailConsulted',
  category: 'identity',
  schema: z.object({
    consultationId: id,
    officerId: id,
    action: z.enum(['browse', 'verify', 'export', 'open']),
    filter: z.record(z.string().max(50), z.union([z.string().max(200), z.number()])),
    outcome: z.string().max(500).nullable(),
    consultedAt: isoTime,
  }),
  subject: (d) => d.officerId,
});

export const STAFF_EVENTS = [
  RoleGranted,
  RoleRevoked,
  AccessReviewed,
  MfaEnrolled,
  MfaRecoveryCodeUsed,
  GoogleAccountLinked,
  AuditTrailConsulted,
] as const;
