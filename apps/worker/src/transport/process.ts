import {
  claimInbox,
  deadLetter,
  isPermanentFailure,
  isPoison,
  sleep,
  type EventStore,
  type Logger,
  type StoredEvent,
  type TxSql,
} from '@tia/db';
import type { Handler } from './port.js';

export type Outcome = 'processed' | 'duplicate' | 'dead_lettered';

export interface ProcessDeps {
  store: EventStore;
  log: Logger;
  /** Runs `fn` atomically: a transaction (Kafka) or a savepoint inside the batch transaction (embedded). */
  atomic: (fn: (tx: TxSql) => Promise<Outcome | undefined>) => Promise<unknown>;
  heartbeat: () => Promise<void>;
  /** Extra dead-letter sink (the Kafka DLQ topic); the dead_letters table is always written. */
  onDeadLetter?: (event: StoredEvent, error: Error, attempts: number) => Promise<void>;
  signal?: AbortSignal;
  baseDelayMs?: number;
  /**
   * Failures no retry inside the surrounding transaction can fix: rethrown at once, so the caller retries
   * in a new transaction (embedded batches: a ConcurrencyError from a stream appended to by a transaction
   * younger than the batch's).
   */
  abortOn?: (e: unknown) => boolean;
}

export const consumerName = (h: Handler) => `handler:${h.name}`;

const alreadyProcessed = async (store: EventStore, consumer: string, eventId: string): Promise<boolean> => {
  const r =
    await store.sql`select 1 from consumer_inbox where consumer = ${consumer} and event_id = ${eventId}`;
  return r.length > 0;
};

/**
 * Delivers one event to one handler exactly once in effect: inbox row + effects in one transaction,
 * retries with exponential backoff, then the dead-letter path so one poison event cannot stall the rest.
 * A permanent failure (an event this code cannot read, an erased subject, a `PermanentError`) is not
 * retried: it is dead-lettered at once.
 */
export const processEvent = async (h: Handler, event: StoredEvent, d: ProcessDeps): Promise<Outcome> => {
  const consumer = consumerName(h);
  const max = h.maxAttempts ?? 5;
  let lastError: Error = new Error('not attempted');
  let attempts = 0;
  let permanent = false;
  for (let attempt = 1; attempt <= max && !permanent; attempt++) {
    attempts = attempt;
    try {
      let prepared: unknown;
      if (h.prepare) {
        // Slow work runs before any transaction is open; a redelivered event skips it.
        if (await alreadyProcessed(d.store, consumer, event.eventId)) return 'duplicate';
        const [decoded] = await d.store.decode([event]);
        // Keep group membership alive while the slow work runs (Kafka's session timeout is 30 s).
        const beat = setInterval(() => void d.heartbeat().catch(() => undefined), 3000);
        prepared = await h
          .prepare(decoded!, {
            store: d.store,
            log: d.log,
            heartbeat: d.heartbeat,
            attempt,
            maxAttempts: max,
            ...(d.signal ? { signal: d.signal } : {}),
          })
          .finally(() => clearInterval(beat));
      }
      return (await d.atomic(async (tx) => {
        if (!(await claimInbox(tx, consumer, event.eventId))) return 'duplicate' as const;
        const [decoded] = await d.store.decode([event], tx);
        await h.handle(decoded!, {
          tx,
          store: d.store,
          log: d.log,
          heartbeat: d.heartbeat,
          ...(h.prepare ? { prepared } : {}),
        });
        return 'processed' as const;
      })) as Outcome;
    } catch (e) {
      if (d.abortOn?.(e)) throw e;
      lastError = e instanceof Error ? e : new Error(String(e));
      permanent = isPermanentFailure(e);
      d.log.warn('handler failed', {
        consumer,
        eventId: event.eventId,
        type: event.type,
        attempt,
        permanent,
        error: lastError.message,
      });
      if (attempt < max && !permanent) {
        if (d.signal?.aborted) throw lastError; // shutting down: leave it for the next run
        await sleep((d.baseDelayMs ?? 100) * 2 ** (attempt - 1), d.signal);
        await d.heartbeat();
      }
    }
  }
  await d.atomic(async (tx) => {
    await deadLetter(tx, d.log, {
      consumer,
      event,
      reason: isPoison(lastError) ? 'poison' : permanent ? 'permanent' : 'failed',
      error: lastError.message,
      attempts,
    });
    await claimInbox(tx, consumer, event.eventId);
    return undefined;
  });
  await d.onDeadLetter?.(event, lastError, attempts);
  return 'dead_lettered';
};

interface RedriveRow {
  id: string;
  consumer: string;
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: StoredEvent['metadata'];
  recorded_at: Date;
}

/**
 * Re-drives dead letters an operator asked for (`npm run dlq:redrive`) whose consumer runs here: a handler's
 * inbox row is removed and the event processed again (dead-lettered again if it still fails); a relay's is
 * published again. Returns how many were re-driven successfully.
 */
export const redriveDeadLetters = async (d: {
  store: EventStore;
  log: Logger;
  handlers: readonly Handler[];
  /** Relay consumer name and how to publish, when this process runs the relay. */
  relay?: { name: string; publish: (events: StoredEvent[]) => Promise<void> };
  signal?: AbortSignal;
}): Promise<number> => {
  const sql = d.store.sql;
  const byName = new Map(d.handlers.map((h) => [consumerName(h), h]));
  const names = [...byName.keys(), ...(d.relay ? [d.relay.name] : [])];
  if (names.length === 0) return 0;
  const rows = await sql<RedriveRow[]>`
    select d.id, d.consumer, e.global_position, e.transaction_id::text, e.stream_id, e.stream_version, e.event_id,
           e.type, e.schema_version, e.data, e.metadata, e.recorded_at
      from dead_letters d join events e on e.event_id = d.event_id
     where d.redrive_requested_at is not null and d.redriven_at is null and d.consumer = any(${names})
     order by d.id limit 50`;
  let ok = 0;
  for (const r of rows) {
    if (d.signal?.aborted) break;
    const event: StoredEvent = {
      globalPosition: Number(r.global_position),
      transactionId: r.transaction_id,
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      eventId: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      data: r.data,
      metadata: r.metadata,
      recordedAt: r.recorded_at,
    };
    const log = d.log.child({ consumer: r.consumer, eventId: r.event_id, deadLetter: Number(r.id) });
    let done = false;
    const h = byName.get(r.consumer);
    if (h) {
      await sql`delete from consumer_inbox where consumer = ${r.consumer} and event_id = ${r.event_id}`;
      const outcome = await processEvent(h, event, {
        store: d.store,
        log,
        atomic: (fn) => sql.begin(fn),
        heartbeat: () => Promise.resolve(),
        ...(d.signal ? { signal: d.signal } : {}),
      });
      done = outcome !== 'dead_lettered';
    } else if (d.relay) {
      try {
        await d.relay.publish([event]);
        done = true;
      } catch (e) {
        log.error('re-driving a relay dead letter failed', { error: e });
        await sql`update dead_letters set redrive_requested_at = null, error = ${(e as Error).message.slice(0, 2000)}
                   where id = ${r.id}`;
      }
    }
    if (done) {
      await sql`update dead_letters set redriven_at = now() where id = ${r.id}`;
      log.info('dead letter re-driven');
      ok++;
    }
  }
  return ok;
};

/** Polls for requested re-drives until `signal` aborts. */
export const runRedriveLoop = async (
  d: Parameters<typeof redriveDeadLetters>[0] & { signal: AbortSignal; pollMs?: number },
): Promise<void> => {
  while (!d.signal.aborted) {
    try {
      await redriveDeadLetters(d);
    } catch (e) {
      d.log.error('dead-letter re-drive failed; retrying', { error: e });
    }
    await sleep(d.pollMs ?? 2000, d.signal);
  }
};
