import type { Sql } from './sql.js';

export interface ConsumerHealth {
  name: string;
  mode: string;
  lagEvents: number;
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

/** A consumer is alive when it sent a heartbeat within this window. */
export const HEARTBEAT_STALE_MS = 15_000;

/**
 * `exactLag: false` (the default, and what the public endpoint uses) keeps the report O(consumers): lag is the
 * distance between the newest event's position and the checkpoint's, read from the primary-key index (an
 * estimate: commit order may differ from position order by a few in-flight transactions). `exactLag: true`
 * counts the events past each checkpoint — work proportional to the backlog, for staff and the worker only.
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
               (select count(*) from events e
                 where (e.transaction_id, e.global_position) >
                       (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0)))
             else greatest(coalesce((select max(global_position) from events), 0) - coalesce(c.global_position, 0), 0)
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
