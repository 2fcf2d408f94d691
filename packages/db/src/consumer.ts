import { randomUUID } from 'node:crypto';
import type { Checkpoint, EventStore, StoredEvent } from './event-store.js';
import { START } from './event-store.js';
import type { Logger } from './log.js';
import type { Queryable, Sql, TxSql } from './sql.js';
import { createLeaderLock, type LeaderLock } from './leader-lock.js';
import { acquireWakeup, heardAhead, type Wakeup } from './wake.js';

export const readCheckpoint = async (db: Queryable, consumer: string, lock = false): Promise<Checkpoint> => {
  const rows = lock
    ? await db<{ transaction_id: string; global_position: string }[]>`
        insert into consumer_checkpoints (consumer) values (${consumer}) on conflict (consumer) do nothing;`.then(
        () => db<{ transaction_id: string; global_position: string }[]>`
          select transaction_id::text, global_position from consumer_checkpoints where consumer = ${consumer} for update`,
      )
    : await db<{ transaction_id: string; global_position: string }[]>`
        select transaction_id::text, global_position from consumer_checkpoints where consumer = ${consumer}`;
  const r = rows[0];
  return r ? { transactionId: r.transaction_id, globalPosition: Number(r.global_position) } : START;
};

export const writeCheckpoint = async (
  db: Queryable,
  consumer: string,
  at: Checkpoint,
  processed: number,
): Promise<void> => {
  await db`
    insert into consumer_checkpoints (consumer, transaction_id, global_position, processed, updated_at)
    values (${consumer}, ${at.transactionId}::xid8, ${at.globalPosition}, ${processed}, now())
    on conflict (consumer) do update
      set transaction_id = excluded.transaction_id, global_position = excluded.global_position,
          processed = consumer_checkpoints.processed + excluded.processed, updated_at = now()
      where (consumer_checkpoints.transaction_id, consumer_checkpoints.global_position)
         <= (excluded.transaction_id, excluded.global_position)`;
};

/** Records the event id for this consumer; false when it was already processed (a redelivery). */
export const claimInbox = async (tx: TxSql, consumer: string, eventId: string): Promise<boolean> => {
  const r = await tx`insert into consumer_inbox (consumer, event_id) values (${consumer}, ${eventId})
                     on conflict do nothing returning event_id`;
  return r.length === 1;
};

export const heartbeat = async (
  db: Queryable,
  consumer: string,
  mode: string,
  instance: string,
  lastError: string | null = null,
) => {
  await db`
    insert into consumer_status (consumer, mode, instance, heartbeat_at, last_error)
    values (${consumer}, ${mode}, ${instance}, now(), ${lastError})
    on conflict (consumer) do update set mode = excluded.mode, instance = excluded.instance,
      heartbeat_at = now(), last_error = excluded.last_error`;
};

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export interface PollingConsumerOptions {
  name: string;
  sql: Sql;
  store: EventStore;
  /** Handles one batch inside the transaction that also moves the checkpoint. */
  handleBatch?: (tx: TxSql, events: StoredEvent[]) => Promise<void>;
  /**
   * Instead of `handleBatch`: handles each event on its own, with no transaction open (for slow work such as
   * transcription, which must not hold a transaction — consumers' horizon waits for open ones). The handler
   * must be idempotent (inbox); the checkpoint moves after the batch.
   */
  handleEach?: (event: StoredEvent) => Promise<void>;
  /**
   * Instead of the others: handles the whole batch with no transaction open (I/O to another system, such as
   * the relay's publish to Kafka: a transaction held meanwhile would hold back every consumer's horizon and
   * the sealer). The checkpoint moves after it returns; must be safe to repeat (at-least-once).
   */
  handleBatchOutsideTx?: (events: StoredEvent[]) => Promise<void>;
  types?: readonly string[];
  batchSize?: number;
  /**
   * Short poll (default 25 ms): the sleep between batches without wake-ups, and while a transaction heard
   * committing is still above this consumer's horizon (an older transaction is open).
   */
  pollMs?: number;
  /**
   * Woken on commit (default true): between batches the consumer sleeps until an appending transaction
   * commits (`wake.ts`, LISTEN/NOTIFY), or `fallbackMs` at most. False: polls every `pollMs`.
   */
  wake?: boolean;
  /** The longest sleep when woken on commit (default 1000 ms): what a lost notification costs. */
  fallbackMs?: number;
  mode?: string;
  log: Logger;
  signal: AbortSignal;
  /** Called after each committed batch (tests, metrics). */
  onCommitted?: (events: StoredEvent[], at: Checkpoint) => void;
}

/**
 * Runs one consumer over the event store until `signal` aborts: one active instance per name (a session
 * advisory lock on a connection of its own, `leader-lock.ts`; other instances wait as standbys, and the holder
 * steps back when that session closes), gap-free batches, checkpoint
 * moved in the same transaction as the batch's effects, heartbeat for health.
 */
/**
 * One batch with no transaction held: read, handle each event (or the batch at once), then move the
 * checkpoint.
 */
const outsideTx = async (
  o: PollingConsumerOptions,
  handleEach: (event: StoredEvent) => Promise<void>,
  handleAll?: (events: StoredEvent[]) => Promise<void>,
): Promise<{ events: StoredEvent[]; next: Checkpoint }> => {
  // The advisory lock makes this instance the only one moving this checkpoint: no row lock needed.
  const at = await readCheckpoint(o.sql, o.name);
  const { events, next } = await o.store.readBatch(at, o.batchSize ?? 200, {
    ...(o.types ? { types: o.types } : {}),
  });
  let done = 0;
  if (handleAll) {
    if (events.length > 0) await handleAll(events);
    done = events.length;
  } else {
    for (const e of events) {
      if (o.signal.aborted) break;
      await handleEach(e);
      done++;
    }
  }
  const reached = done === events.length ? next : checkpointOf(events[done - 1]);
  if (
    reached &&
    (done > 0 || next.transactionId !== at.transactionId || next.globalPosition !== at.globalPosition)
  ) {
    await writeCheckpoint(o.sql, o.name, reached, done);
  }
  return { events: events.slice(0, done), next: reached ?? at };
};

const checkpointOf = (e: StoredEvent | undefined): Checkpoint | null =>
  e ? { transactionId: e.transactionId, globalPosition: e.globalPosition } : null;

export const runPollingConsumer = async (o: PollingConsumerOptions): Promise<void> => {
  if ([o.handleBatch, o.handleEach, o.handleBatchOutsideTx].filter(Boolean).length !== 1)
    throw new Error('runPollingConsumer needs exactly one of handleBatch, handleEach, handleBatchOutsideTx');
  const instance = randomUUID();
  const log = o.log.child({ consumer: o.name, instance });
  const lock = createLeaderLock(o.sql, 'tia:consumer:' + o.name, `tia-lock:${o.name}`.slice(0, 60));
  const wakeup = o.wake === false ? null : acquireWakeup(o.sql, o.log);
  try {
    // Standby until the lock is ours; back to standby whenever its session closes (database restart).
    while (!o.signal.aborted) {
      if (!(await lock.tryAcquire())) {
        await sleep(1000, o.signal);
        continue;
      }
      log.info('consumer active');
      await runActive(o, log, instance, lock, wakeup?.wake ?? null);
      if (!o.signal.aborted) log.warn('consumer lock lost (its database session closed); taking it again');
    }
  } finally {
    await lock.close();
    await wakeup?.release();
    log.info('consumer stopped');
  }
};

/** Batches while this instance holds the lock; returns when it is lost or the signal aborts. */
const runActive = async (
  o: PollingConsumerOptions,
  log: Logger,
  instance: string,
  lock: LeaderLock,
  wake: Wakeup | null,
) => {
  let lastBeat = 0;
  let failures = 0;
  let lookAgain = false;
  while (!o.signal.aborted && !lock.lost()) {
    // Read before the batch: a commit heard while it runs ends the sleep after it at once.
    const seen = wake?.seq() ?? 0;
    try {
      const handled = o.handleBatchOutsideTx
        ? await outsideTx(o, () => Promise.resolve(), o.handleBatchOutsideTx)
        : o.handleEach
          ? await outsideTx(o, o.handleEach)
          : await o.sql.begin(async (tx) => {
              const at = await readCheckpoint(tx, o.name, true);
              const { events, next } = await o.store.readBatch(at, o.batchSize ?? 200, {
                ...(o.types ? { types: o.types } : {}),
                db: tx,
              });
              if (events.length > 0) await o.handleBatch!(tx, events);
              if (
                events.length > 0 ||
                next.transactionId !== at.transactionId ||
                next.globalPosition !== at.globalPosition
              ) {
                await writeCheckpoint(tx, o.name, next, events.length);
              }
              return { events, next };
            });
      failures = 0;
      if (handled.events.length > 0) o.onCommitted?.(handled.events, handled.next);
      if (Date.now() - lastBeat > 2000) {
        await heartbeat(o.sql, o.name, o.mode ?? 'embedded', instance);
        lastBeat = Date.now();
      }
      if (handled.events.length < (o.batchSize ?? 200)) {
        if (!wake || heardAhead(wake, handled.next)) await sleep(o.pollMs ?? 25, o.signal);
        else {
          // After a wake-up, one more look `pollMs` later: transactions committing alongside the one heard
          // may not have notified (migration 0018: one notifier at a time). Then sleep until the next one.
          await wake.wait(seen, lookAgain ? (o.pollMs ?? 25) : (o.fallbackMs ?? 1000), o.signal);
          lookAgain = wake.seq() !== seen;
        }
      }
    } catch (e) {
      failures++;
      const delay = Math.min(30_000, 100 * 2 ** Math.min(failures, 8));
      log.error('consumer batch failed; retrying', { error: e, attempt: failures, retryInMs: delay });
      await heartbeat(o.sql, o.name, o.mode ?? 'embedded', instance, (e as Error).message).catch(
        () => undefined,
      );
      await sleep(delay, o.signal);
    }
  }
};
