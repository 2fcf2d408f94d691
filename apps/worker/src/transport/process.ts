import { claimInbox, sleep, type EventStore, type Logger, type StoredEvent, type TxSql } from '@tia/db';
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
 */
export const processEvent = async (h: Handler, event: StoredEvent, d: ProcessDeps): Promise<Outcome> => {
  const consumer = consumerName(h);
  const max = h.maxAttempts ?? 5;
  let lastError: Error = new Error('not attempted');
  for (let attempt = 1; attempt <= max; attempt++) {
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
      lastError = e instanceof Error ? e : new Error(String(e));
      d.log.warn('handler failed', {
        consumer,
        eventId: event.eventId,
        type: event.type,
        attempt,
        error: lastError.message,
      });
      if (attempt < max) {
        if (d.signal?.aborted) throw lastError; // shutting down: leave it for the next run
        await sleep((d.baseDelayMs ?? 100) * 2 ** (attempt - 1), d.signal);
        await d.heartbeat();
      }
    }
  }
  await d.atomic(async (tx) => {
    await tx`insert into dead_letters (consumer, event_id, global_position, type, attempts, error)
             values (${consumer}, ${event.eventId}, ${event.globalPosition}, ${event.type}, ${max}, ${lastError.message.slice(0, 2000)})
             on conflict (consumer, event_id) do nothing`;
    await claimInbox(tx, consumer, event.eventId);
    return undefined;
  });
  await d.onDeadLetter?.(event, lastError, max);
  d.log.error('event dead-lettered', {
    consumer,
    eventId: event.eventId,
    type: event.type,
    attempts: max,
    error: lastError.message,
  });
  return 'dead_lettered';
};
