import type { Sql } from './sql.js';

export interface ConsumerHealth {
  name: string;
  mode: string;
  lagEvents: number;
  /** True when the exact count stopped at `EXACT_LAG_CAP`: the lag is at least `lagEvents`. */
  lagCapped: boolean;
  /** Last processed position: (transaction id, global position) of its checkpoint. */
  position: { transactionId: string; globalPosition: number } | null;
  lastProcessedAt: string | null;
  heartbeatAgeMs: number | null;
  lastError: string | null;
  ok: boolean;
}

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs: number; migrationsApplied: number; error?: string };
  transport: { mode: 'kafka' | 'embedded' | 'unknown'; ok: boolean; consumers: ConsumerHealth[] };
}

/**
 * The exact lag counts at most this many events past a checkpoint (an index range of at most this length), so
 * even a consumer stuck at the start of a 10-million-event log costs a bounded read; above it the report
 * says "at least" (`lagCapped`).
 */
export const EXACT_LAG_CAP = 100_000;

/** A consumer is alive when it sent a heartbeat within this window. */
export const HEARTBEAT_STALE_MS = 15_000;

/**
 * `exactLag: false` (the default, and what the public endpoint uses) keeps the report O(consumers): lag is the
 * distance from the first event past the checkpoint (in commit order; one probe of the index on
 * (transaction_id, global_position)) to the newest event's position (primary-key index) — an estimate: commit
 * order may differ from position order by a few in-flight transactions. Measuring from the checkpoint's own
 * position instead would be wrong for a sparse consumer: its checkpoint moves to the horizon
 * (transaction id, position 0) when it has read everything, and would show the whole log as lag. `exactLag: true`
 * counts the events past each checkpoint, up to EXACT_LAG_CAP — for staff and the worker only.
 */
export const healthReport = async (sql: Sql, opts: { exactLag?: boolean } = {}): Promise<HealthReport> => {
  const exact = opts.exactLag ?? false;
  const t0 = performance.now();
  try {
    const [m] = await sql<{ n: string }[]>`select count(*) as n from schema_migrations`;
    const latencyMs = Math.round((performance.now() - t0) * 10) / 10;
    const rows = await sql<
      {
        consumer: string;
        mode: string;
        heartbeat_age_ms: string | null;
        last_error: string | null;
        updated_at: Date | null;
        transaction_id: string | null;
        global_position: string | null;
        lag: string;
      }[]
    >`
      select s.consumer, s.mode, (extract(epoch from now() - s.heartbeat_at) * 1000)::bigint as heartbeat_age_ms,
             s.last_error, c.updated_at, c.transaction_id::text, c.global_position,
             case when ${exact} then
               (select count(*) from (
                  select from events e
                   where (e.transaction_id, e.global_position) >
                         (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
                   limit ${EXACT_LAG_CAP}) past)
             else coalesce((select max(global_position) from events) + 1 - (
                      -- the first event past the checkpoint in commit order: one probe of events_tx_order_type
                      select e.global_position from events e
                       where (e.transaction_id, e.global_position) >
                             (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
                       order by e.transaction_id, e.global_position
                       limit 1), 0)
             end as lag
        from consumer_status s left join consumer_checkpoints c on c.consumer = s.consumer
       order by s.consumer`;
    const consumers: ConsumerHealth[] = rows.map((r) => {
      const age = r.heartbeat_age_ms === null ? null : Number(r.heartbeat_age_ms);
      return {
        name: r.consumer,
        mode: r.mode,
        // Kafka-side consumers keep no event-store checkpoint: their lag is the relay's.
        lagEvents: r.updated_at ? Number(r.lag) : 0,
        lagCapped: exact && r.updated_at !== null && Number(r.lag) >= EXACT_LAG_CAP,
        position:
          r.transaction_id === null
            ? null
            : { transactionId: r.transaction_id, globalPosition: Number(r.global_position) },
        lastProcessedAt: r.updated_at ? r.updated_at.toISOString() : null,
        heartbeatAgeMs: age,
        lastError: r.last_error,
        ok: age !== null && age < HEARTBEAT_STALE_MS,
      };
    });
    const live = consumers.filter((c) => c.ok);
    const mode = live.some((c) => c.mode === 'kafka') ? 'kafka' : live.length > 0 ? 'embedded' : 'unknown';
    const transportOk = live.length > 0;
    return {
      ok: transportOk,
      database: { ok: true, latencyMs, migrationsApplied: Number(m!.n) },
      transport: { mode, ok: transportOk, consumers },
    };
  } catch (e) {
    return {
      ok: false,
      database: {
        ok: false,
        latencyMs: Math.round(performance.now() - t0),
        migrationsApplied: 0,
        error: (e as Error).message,
      },
      transport: { mode: 'unknown', ok: false, consumers: [] },
    };
  }
};
