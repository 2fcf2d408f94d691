import { randomUUID } from 'node:crypto';
import type { ConsentPurpose, EventOf, EventType } from '@tia/domain';
import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.js';

export const T = '2026-11-30T12:00:00.000Z';

export const ping = (
  payload = 'x',
  eventId: string = randomUUID(),
): NewEvent<EventOf<'DiagnosticPinged'>> => ({
  eventId,
  type: 'DiagnosticPinged',
  data: { pingId: eventId, sentAt: T, payload },
  metadata: { occurredAt: T, actor: { kind: 'system', id: 'test' } },
});

export const registered = (
  userId: string,
  name: string,
  email: string,
  eventId: string = randomUUID(),
): NewEvent<EventOf<'AccountRegistered'>> => ({
  eventId,
  type: 'AccountRegistered',
  data: { userId, name, email, signupMethod: 'password', registeredAt: T },
  metadata: { occurredAt: T, actor: { kind: 'user', id: userId } },
});

export const note = (
  subjectId: string,
  text: string,
  eventId: string = randomUUID(),
): NewEvent<EventOf<'NoteRecorded'>> => ({
  eventId,
  type: 'NoteRecorded',
  data: { subjectId, noteId: eventId, text, recordedAt: T },
  metadata: { occurredAt: T },
});

export const consent = (
  subjectId: string,
  purpose: ConsentPurpose,
  eventId: string = randomUUID(),
): NewEvent<EventOf<'ConsentGiven'>> => ({
  eventId,
  type: 'ConsentGiven',
  data: { subjectId, purpose, policyVersion: '2026-11-30', givenAt: T },
  metadata: { occurredAt: T },
});

/**
 * Retries `fn` until it stops throwing. Consumers only see transactions older than every transaction still
 * running in the whole PostgreSQL cluster, so parallel test files can hold the horizon back for a moment.
 */
export const eventually = async <R>(fn: () => Promise<R>, timeoutMs = 10_000): Promise<R> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
};

/** Polls `cond` until it holds (or throws after `timeoutMs`). */
export const waitFor = async (cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A read event as its member of the union; fails the test if it is missing or of another type. */
export const only = <T extends EventType>(
  type: T,
  e: RecordedEvent | undefined,
): RecordedEvent<EventOf<T>> => {
  if (!e) throw new Error(`expected a ${type} event, got none`);
  if (e.type !== type) throw new Error(`expected a ${type} event, got ${e.type}`);
  return e as RecordedEvent<EventOf<T>>;
};

/**
 * An event the type checker would refuse (unknown type, wrong fields): only for tests of the store's own
 * run-time checks, which must hold for callers that are not TypeScript.
 */
export const unchecked = (e: {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}): NewEvent => e as unknown as NewEvent;
