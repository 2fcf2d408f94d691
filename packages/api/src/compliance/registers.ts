import { loadRegisters, type Queryable } from '@tia/db';
import { registers, type DomainEvent } from '@tia/domain';
import { z } from 'zod';
import type { Context } from '../context.js';
import { NotFound } from '../errors.js';
import type { AuthServices } from '../services.js';

/** Saving and removing register entries (P09, P10, P23, P40–P42): each change is one event, read back from `rm_register_entries`. */

type Officer = { a: AuthServices; ctx: Pick<Context, 'requestId'>; officerId: string };

export const RemoveEntryInput = z
  .object({
    register: registers.RegisterNameSchema,
    entryId: registers.EntryId,
    reason: z.string().trim().min(1).max(1000),
  })
  .strict();

const append = async (o: Officer, register: string, entryId: string, event: DomainEvent) => {
  const at = o.a.clock().toISOString();
  // 'any' on purpose: an officer's save replaces the entry whole (last write wins; every version stays an event).
  await o.a.store.append(
    `register-${register}-${entryId}`,
    'any',
    [
      {
        ...event,
        eventId: o.a.newId(),
        metadata: {
          occurredAt: at,
          actor: { kind: 'staff' as const, id: o.officerId },
          correlationId: o.ctx.requestId,
        },
      },
    ],
    { inline: o.a.inline },
  );
};

export const saveEntry = async (o: Officer, entry: registers.RegisterEntry) => {
  await append(o, entry.register, entry.entryId, {
    type: 'RegisterEntrySaved',
    data: {
      ...entry,
      savedBy: o.officerId,
      savedAt: o.a.clock().toISOString(),
    },
  });
};

export const removeEntry = async (o: Officer, input: z.infer<typeof RemoveEntryInput>) => {
  const current = await loadRegisters(o.a.sql, input.register);
  if (!current.some((e) => e.entryId === input.entryId))
    throw new NotFound('There is no such entry in this register.');
  await append(o, input.register, input.entryId, {
    type: 'RegisterEntryRemoved',
    data: {
      ...input,
      removedBy: o.officerId,
      removedAt: o.a.clock().toISOString(),
    },
  });
};

/** Everything the registers page shows: entries in force, overdue DPIA reviews, and staff access reviews. */
export const registersOverview = async (db: Queryable, today: string) => {
  const entries = await loadRegisters(db);
  const grants = await db<
    { user_id: string; role: string; granted_at: Date; last_reviewed_at: Date | null }[]
  >`
    select user_id, role, granted_at, last_reviewed_at from rm_role_grants order by role, granted_at`;
  return {
    today,
    entries: entries.map((e) => ({
      ...e,
      overdue: e.register === 'dpia' ? registers.dpiaOverdue(e.fields, today) : false,
    })),
    accessReviews: grants.map((g) => ({
      userId: g.user_id,
      role: g.role,
      grantedAt: g.granted_at.toISOString(),
      lastReviewedAt: g.last_reviewed_at?.toISOString() ?? null,
    })),
  };
};
