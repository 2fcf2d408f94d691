import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../event-store.js';

export const T = '2026-11-30T12:00:00.000Z';

export const ping = (payload = 'x', eventId: string = randomUUID()): NewEvent => ({
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
): NewEvent => ({
  eventId,
  type: 'AccountRegistered',
  data: { userId, name, email, signupMethod: 'password', registeredAt: T },
  metadata: { occurredAt: T, actor: { kind: 'user', id: userId } },
});

export const note = (subjectId: string, text: string, eventId: string = randomUUID()): NewEvent => ({
  eventId,
  type: 'NoteRecorded',
  data: { subjectId, noteId: eventId, text, recordedAt: T },
  metadata: { occurredAt: T },
});

export const consent = (subjectId: string, purpose: string, eventId: string = randomUUID()): NewEvent => ({
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
