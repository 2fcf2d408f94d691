import type { Checkpoint, EventStore, InlineProjection, RecordedEvent, StoredEvent } from './event-store.js';
import { START } from './event-store.js';
import { readCheckpoint, runPollingConsumer, writeCheckpoint } from './consumer.js';
import type { Logger } from './log.js';
import type { Sql, TxSql } from './sql.js';

/** Maps a projection's logical table name to the physical table to write (live or rebuild copy). */
export type TableNames = (logical: string) => string;

/**
 * A read model. Its tables are created by migrations; `apply` must address them only through `t(...)`, so a
 * rebuild can replay into fresh copies and swap them in.
 */
export interface Projection {
  readonly name: string;
  readonly tables: readonly string[];
  /** Event types it reads (all when absent). */
  readonly types?: readonly string[];
  /**
   * False when `apply` reads only the envelope (type, stream, times), never `data`: events are then passed
   * as stored, skipping decryption, upcasting and validation (much faster rebuilds).
   */
  readonly readsData?: boolean;
  apply(tx: TxSql, events: readonly RecordedEvent[], t: TableNames): Promise<void>;
}

const live: TableNames = (n) => n;

const decodeFor = (
  p: Projection,
  store: EventStore,
  events: StoredEvent[],
  tx: TxSql,
): Promise<RecordedEvent[]> => (p.readsData === false ? Promise.resolve(events) : store.decode(events, tx));
const consumerName = (p: Projection) => `projection:${p.name}`;

const relevant = (p: Projection, events: readonly RecordedEvent[]) =>
  p.types ? events.filter((e) => p.types!.includes(e.type)) : events;

/** Runs a projection inside every append's transaction. */
export const asInline = (p: Projection): InlineProjection => ({
  name: p.name,
  apply: async (tx, events) => {
    const mine = relevant(p, events);
    if (mine.length > 0) await p.apply(tx, mine, live);
  },
});

/** Keeps a projection up to date from the event store, checkpoint stored with each batch. */
export const runProjection = (
  p: Projection,
  deps: {
    sql: Sql;
    store: EventStore;
    log: Logger;
    signal: AbortSignal;
    batchSize?: number;
    pollMs?: number;
  },
) =>
  runPollingConsumer({
    name: consumerName(p),
    sql: deps.sql,
    store: deps.store,
    log: deps.log,
    signal: deps.signal,
    ...(p.types ? { types: p.types } : {}),
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
    handleBatch: async (tx, events) => p.apply(tx, await decodeFor(p, deps.store, events, tx), live),
  });

export interface RebuildResult {
  events: number;
  batches: number;
  ms: number;
}

/**
 * Replays the whole log into fresh copies of the projection's tables, then swaps them in atomically.
 * - async projection: the final catch-up reads below the horizon and stores the checkpoint with the swap; the
 *   live runner, held at its checkpoint row meanwhile, continues from there.
 * - inline projection (`inline: true`): appends keep writing to the live tables until the final transaction
 *   locks them; once locked, every transaction that touched them has committed, so the catch-up reads every
 *   committed event, and appends still in flight write to the new tables after the swap.
 */
export const rebuildProjection = async (
  p: Projection,
  deps: { sql: Sql; store: EventStore; log: Logger; batchSize?: number; inline?: boolean },
): Promise<RebuildResult> => {
  const started = performance.now();
  const suffix = '__rebuild';
  const shadow: TableNames = (n) => `${n}${suffix}`;
  const batchSize = deps.batchSize ?? 1000;
  await deps.sql.begin(async (tx) => {
    for (const t of p.tables) {
      await tx`drop table if exists ${tx(shadow(t))}`;
      await tx`create table ${tx(shadow(t))} (like ${tx(t)} including all)`;
    }
  });
  let at: Checkpoint = START;
  let total = 0;
  let batches = 0;
  const step = async (tx: TxSql, horizon = true) => {
    const { events, next } = await deps.store.readBatch(at, batchSize, {
      ...(p.types ? { types: p.types } : {}),
      db: tx,
      horizon,
    });
    if (events.length > 0) await p.apply(tx, await decodeFor(p, deps.store, events, tx), shadow);
    total += events.length;
    batches++;
    at = next;
    return events.length === batchSize; // a short batch means everything below the horizon was read
  };
  // Bulk of the replay, in short transactions.
  for (;;) {
    const more = await deps.sql.begin((tx) => step(tx));
    if (!more) break;
  }
  // Final catch-up and swap.
  await deps.sql.begin(async (tx) => {
    if (deps.inline) {
      for (const t of p.tables) await tx`lock table ${tx(t)} in exclusive mode`;
      while (await step(tx, false)) {
        /* catch up on everything committed */
      }
    } else {
      await readCheckpoint(tx, consumerName(p), true); // holds the live runner
      while (await step(tx)) {
        /* catch up below the horizon */
      }
    }
    for (const t of p.tables) {
      // A table may be schema-qualified (`analytics.answer_cells`): RENAME TO takes the bare name.
      const bare = t.slice(t.lastIndexOf('.') + 1);
      await tx`alter table ${tx(t)} rename to ${tx(`${bare}__old`)}`;
      await tx`alter table ${tx(shadow(t))} rename to ${tx(bare)}`;
      await tx`drop table ${tx(`${t}__old`)}`;
    }
    await tx`update consumer_checkpoints set transaction_id = ${at.transactionId}::xid8, global_position = ${at.globalPosition},
             processed = ${total}, updated_at = now() where consumer = ${consumerName(p)}`;
  });
  const ms = performance.now() - started;
  deps.log.info('projection rebuilt', { projection: p.name, events: total, batches, ms: Math.round(ms) });
  return { events: total, batches, ms };
};

export { writeCheckpoint };
