import type { ExpectedVersion, TxSql } from '@tia/db';
import type { DomainEvent } from '@tia/domain';
import type { AuthServices } from '../identity/services.js';

/** The stream of one person's privacy choices: consents, restriction, objection. */
export const privacyStream = (userId: string) => `privacy-${userId}`;

/**
 * Appends what a person's own privacy choice decided, with the one metadata shape of such an action
 * (the person as actor, the request as correlation).
 */
export const appendPrivacyEvents = async (
  a: AuthServices,
  tx: TxSql,
  actor: { userId: string; requestId: string },
  expected: ExpectedVersion,
  occurredAt: string,
  events: readonly DomainEvent[],
): Promise<void> => {
  if (events.length === 0) return;
  await a.store.append(
    privacyStream(actor.userId),
    expected,
    events.map((e) => ({
      ...e,
      eventId: a.newId(),
      metadata: {
        occurredAt,
        actor: { kind: 'user' as const, id: actor.userId },
        correlationId: actor.requestId,
      },
    })),
    { tx, inline: a.inline },
  );
};
