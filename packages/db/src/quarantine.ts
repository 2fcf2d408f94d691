import { EventSchemaError, UnknownEventTypeError } from '@tia/domain';
import type { EventStore, RecordedEvent, StoredEvent } from './event-store.js';
import { SubjectErasedError } from './key-store.js';
import type { Logger } from './log.js';
import type { Queryable } from './sql.js';

/** A failure that no retry can fix (bad input, a rule); thrown by handlers to skip the backoff. */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** An event this code cannot read: unknown type, newer schema version, data that fails its schema. */
export const isPoison = (e: unknown): e is UnknownEventTypeError | EventSchemaError =>
  e instanceof UnknownEventTypeError || e instanceof EventSchemaError;

/**
 * Permanent: retrying changes nothing (poison event, erased subject, a declared `PermanentError`). Anything
 * else — connection loss, deadlock, serialization failure, a broker that is slow or away — is transient.
 */
export const isPermanentFailure = (e: unknown): boolean =>
  isPoison(e) || e instanceof PermanentError || e instanceof SubjectErasedError;

export type DeadLetterReason = 'failed' | 'permanent' | 'poison';

/**
 * Records an event a consumer set aside (`dead_letters`, idempotent per consumer and event) and raises an
 * alert in the log. The consumer then goes on with the next event.
 */
export const deadLetter = async (
  db: Queryable,
  log: Logger,
  d: { consumer: string; event: StoredEvent; reason: DeadLetterReason; error: string; attempts: number },
): Promise<void> => {
  await db`
    insert into dead_letters (consumer, event_id, global_position, type, attempts, error, reason)
    values (${d.consumer}, ${d.event.eventId}, ${d.event.globalPosition}, ${d.event.type}, ${d.attempts},
            ${d.error.slice(0, 2000)}, ${d.reason})
    on conflict (consumer, event_id) do update
      set attempts = excluded.attempts, error = excluded.error, reason = excluded.reason,
          created_at = now(), redrive_requested_at = null`;
  log.error(d.reason === 'poison' ? 'event quarantined' : 'event dead-lettered', {
    alert: d.reason === 'poison' ? 'poison_event' : 'dead_letter',
    consumer: d.consumer,
    eventId: d.event.eventId,
    globalPosition: d.event.globalPosition,
    type: d.event.type,
    schemaVersion: d.event.schemaVersion,
    attempts: d.attempts,
    error: d.error.slice(0, 500),
  });
};

/**
 * Decodes a batch; events this code cannot read are quarantined for `consumer` and left out, so one poison
 * event never stalls the rest (and is never read as something it is not).
 */
export const decodeOrQuarantine = async (
  store: EventStore,
  db: Queryable,
  log: Logger,
  consumer: string,
  events: readonly StoredEvent[],
): Promise<RecordedEvent[]> => {
  try {
    return await store.decode(events, db);
  } catch (e) {
    if (!isPoison(e)) throw e;
  }
  const out: RecordedEvent[] = [];
  for (const event of events) {
    try {
      out.push(...(await store.decode([event], db)));
    } catch (e) {
      if (!isPoison(e)) throw e;
      await deadLetter(db, log, { consumer, event, reason: 'poison', error: e.message, attempts: 0 });
    }
  }
  return out;
};
