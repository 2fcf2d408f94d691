import { randomUUID } from 'node:crypto';
import { staffAccess, type StaffRole } from '@tia/domain';
import {
  asInline,
  CommandHandler,
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

/** What the decider needs to know of everyone's grants, read under the staff-access lock. */
const seenBy = async (
  tx: TxSql,
  cmd: staffAccess.StaffAccessCommand,
): Promise<staffAccess.StaffAccessSeen> => {
  const actorId = cmd.type === 'BootstrapAdmin' ? null : cmd.actorId;
  const [row] = await tx<{ admins: number; actor_is_admin: boolean }[]>`
    select count(*)::int as admins, coalesce(bool_or(user_id = ${actorId}), false) as actor_is_admin
      from rm_role_grants where role = 'admin'`;
  return { admins: row!.admins, actorIsAdmin: row!.actor_is_admin };
};

/**
 * Runs one staff-access command through the command handler, on the target's stream (`user-<id>`, appended at
 * the version loaded). The last-admin and admin-only rules look at everyone's grants, so every such command
 * first takes one advisory lock (`before`), under which what the decider needs of the other grants is read
 * (`seen`); the events are projected into rm_role_grants in the same transaction.
 */
export const changeStaffAccess = async (
  deps: { store: EventStore; inline?: readonly InlineProjection[] },
  cmd: staffAccess.StaffAccessCommand,
  opts: { tx?: TxSql; actor?: { kind: 'user' | 'staff' | 'system'; id: string } } = {},
): Promise<void> => {
  const commands = new CommandHandler({
    sql: deps.store.sql,
    store: deps.store,
    clock: () => new Date(cmd.now),
    newId: randomUUID,
    inline: deps.inline ?? DEFAULT_INLINE,
  });
  const actor =
    opts.actor ??
    (cmd.type === 'BootstrapAdmin'
      ? { kind: 'system' as const, id: staffAccess.BOOTSTRAP_ACTOR }
      : { kind: 'staff' as const, id: cmd.actorId });
  let seen: staffAccess.StaffAccessSeen = { admins: 0, actorIsAdmin: false };
  try {
    await commands.handle(
      staffAccess.staffAccessDecider,
      staffAccess.staffAccessStream(cmd.userId),
      () => ({ ...cmd, seen }),
      { actor },
      {
        ...(opts.tx ? { tx: opts.tx } : {}),
        before: async (tx) => {
          await tx`select pg_advisory_xact_lock(hashtext('tia:staff-access'))`;
          // Live accounts only (an erased account keeps its stream but has no row here).
          if ((await tx`select 1 from rm_accounts where user_id = ${cmd.userId}`).length === 0) {
            throw new NotFound('No such account.');
          }
          seen = await seenBy(tx, cmd);
        },
      },
    );
  } catch (e) {
    toAppError(e);
  }
};
