import { randomUUID } from 'node:crypto';
import { staffAccess, type StaffRole } from '@tia/domain';
import {
  asInline,
  INLINE_PROJECTIONS,
  openAccountFields,
  type EventStore,
  type KeyStore,
  type InlineProjection,
  type Queryable,
  type TxSql,
} from '@tia/db';
import { Conflict, Forbidden, NotFound } from '../errors.js';

export const DEFAULT_ACCESS_REVIEW_DAYS = 90;
const DEFAULT_INLINE = INLINE_PROJECTIONS.map(asInline);

export interface GrantRow {
  userId: string;
  name: string;
  email: string;
  role: StaffRole;
  grantedBy: string;
  grantedAt: string;
  lastReviewedAt: string | null;
  overdue: boolean;
}

/** The current grants (whole set: small), as the decider's state. */
export const loadGrants = async (db: Queryable): Promise<staffAccess.StaffAccessState> => {
  const rows = await db<
    {
      user_id: string;
      role: StaffRole;
      granted_by: string;
      granted_at: Date;
      last_reviewed_at: Date | null;
    }[]
  >`select user_id, role, granted_by, granted_at, last_reviewed_at from rm_role_grants order by granted_at, user_id, role`;
  return {
    grants: rows.map((r) => ({
      userId: r.user_id,
      role: r.role,
      grantedBy: r.granted_by,
      grantedAt: r.granted_at.toISOString(),
      lastReviewedAt: r.last_reviewed_at?.toISOString() ?? null,
    })),
  };
};

/** Current grants with the holder's name and email (rm_accounts) and whether their review is overdue. */
export const listGrants = async (
  db: Queryable,
  keys: KeyStore,
  now: Date,
  reviewPeriodDays: number,
): Promise<GrantRow[]> => {
  const rows = await db<
    {
      user_id: string;
      role: StaffRole;
      granted_by: string;
      granted_at: Date;
      last_reviewed_at: Date | null;
      name_enc: Buffer | null;
      email_enc: Buffer | null;
    }[]
  >`select g.user_id, g.role, g.granted_by, g.granted_at, g.last_reviewed_at, a.name_enc, a.email_enc
      from rm_role_grants g left join rm_accounts a on a.user_id = g.user_id
     order by g.granted_at, g.user_id, g.role`;
  const personal = await openAccountFields(
    keys,
    db,
    rows.flatMap((r) =>
      r.name_enc && r.email_enc ? [{ user_id: r.user_id, name_enc: r.name_enc, email_enc: r.email_enc }] : [],
    ),
  );
  return rows.map((r) => {
    const g = {
      userId: r.user_id,
      role: r.role,
      grantedBy: r.granted_by,
      grantedAt: r.granted_at.toISOString(),
      lastReviewedAt: r.last_reviewed_at?.toISOString() ?? null,
    };
    return {
      ...g,
      name: personal.get(r.user_id)?.name ?? '(unknown)',
      email: personal.get(r.user_id)?.email ?? '(unknown)',
      overdue: staffAccess.isReviewOverdue(g, now, reviewPeriodDays),
    };
  });
};

const toAppError = (e: unknown): never => {
  if (e instanceof staffAccess.StaffAccessRuleViolated) {
    throw e.rule === 'not_admin' ? new Forbidden(e.message) : new Conflict(e.message);
  }
  throw e;
};

/**
 * Runs one staff-access command: serialised (advisory lock) so that "never revoke the last admin" holds
 * under concurrency, decided on the current grants, appended to the target's stream with who did it, and
 * projected into rm_role_grants in the same transaction.
 */
export const changeStaffAccess = async (
  deps: { store: EventStore; inline?: readonly InlineProjection[] },
  cmd: staffAccess.StaffAccessCommand,
  opts: { tx?: TxSql; actor?: { kind: 'user' | 'staff' | 'system'; id: string } } = {},
): Promise<void> => {
  const run = async (tx: TxSql) => {
    await tx`select pg_advisory_xact_lock(hashtext('tia:staff-access'))`;
    // Live accounts only (an erased account keeps its stream but has no row here).
    if ((await tx`select 1 from rm_accounts where user_id = ${cmd.userId}`).length === 0) {
      throw new NotFound('No such account.');
    }
    const state = await loadGrants(tx);
    let events: staffAccess.StaffAccessEvent[] = [];
    try {
      events = staffAccess.decide(cmd, state);
    } catch (e) {
      toAppError(e);
    }
    if (events.length === 0) return;
    const actor =
      opts.actor ??
      (cmd.type === 'BootstrapAdmin'
        ? { kind: 'system' as const, id: staffAccess.BOOTSTRAP_ACTOR }
        : { kind: 'staff' as const, id: cmd.actorId });
    // 'any' on purpose: the decision is taken on every grant (`loadGrants`, the read model), not on this one
    // stream, and the global staff-access lock above serialises every such decision.
    await deps.store.append(
      `user-${cmd.userId}`,
      'any',
      events.map((e) => ({ ...e, eventId: randomUUID(), metadata: { occurredAt: cmd.now, actor } })),
      { tx, inline: deps.inline ?? DEFAULT_INLINE },
    );
  };
  if (opts.tx) return run(opts.tx);
  await deps.store.sql.begin(run);
};
