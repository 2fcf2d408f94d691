import type { Queryable } from './sql.js';

export interface DeadLetter {
  id: number;
  consumer: string;
  eventId: string;
  globalPosition: number | null;
  type: string;
  reason: string;
  attempts: number;
  error: string;
  createdAt: Date;
  redriveRequestedAt: Date | null;
}

/** Dead letters not re-driven yet, oldest first. */
export const listDeadLetters = async (db: Queryable, limit = 500): Promise<DeadLetter[]> => {
  const rows = await db<
    {
      id: string;
      consumer: string;
      event_id: string;
      global_position: string | null;
      type: string;
      reason: string;
      attempts: number;
      error: string;
      created_at: Date;
      redrive_requested_at: Date | null;
    }[]
  >`select id, consumer, event_id, global_position, type, reason, attempts, error, created_at, redrive_requested_at
      from dead_letters where redriven_at is null order by id limit ${limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    consumer: r.consumer,
    eventId: r.event_id,
    globalPosition: r.global_position === null ? null : Number(r.global_position),
    type: r.type,
    reason: r.reason,
    attempts: r.attempts,
    error: r.error,
    createdAt: r.created_at,
    redriveRequestedAt: r.redrive_requested_at,
  }));
};

/**
 * Marks dead letters for re-drive; the worker running their consumer processes (or publishes) them again.
 * Projections' quarantined events are left alone: a rebuild replays them once the code can read them.
 */
export const requestRedrive = async (
  db: Queryable,
  which: { all?: true; consumer?: string; ids?: readonly number[] },
): Promise<{ requested: number; skippedProjections: number }> => {
  const ids = which.ids ? [...which.ids] : null;
  const match = await db<{ id: string; consumer: string }[]>`
    select id, consumer from dead_letters
     where redriven_at is null
       and (${which.all === true} or consumer = ${which.consumer ?? null} or id = any(${ids}::bigint[]))`;
  const targets = match.filter((r) => !r.consumer.startsWith('projection:')).map((r) => r.id);
  if (targets.length > 0)
    await db`update dead_letters set redrive_requested_at = now() where id = any(${targets}::bigint[])`;
  return { requested: targets.length, skippedProjections: match.length - targets.length };
};
