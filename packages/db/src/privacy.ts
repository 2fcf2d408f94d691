import type { EventStore, InlineProjection } from './event-store.js';
import type { KeyStore } from './key-store.js';

/**
 * Crypto-shreds a data subject: destroys their key, records the tombstone and appends `SubjectErased`
 * (with inline projections purging their rows) in one transaction. Idempotent.
 */
export const eraseSubject = async (
  deps: { store: EventStore; keys: KeyStore; inline?: readonly InlineProjection[] },
  cmd: {
    subjectId: string;
    reason: 'user_request' | 'retention' | 'minor_reported' | 'admin';
    eventId: string;
    now: string;
    actor?: { kind: 'user' | 'staff' | 'system'; id: string };
  },
): Promise<{ keyExisted: boolean; alreadyErased: boolean }> =>
  deps.store.sql.begin(async (tx) => {
    const alreadyErased = await deps.keys.isErased(tx, cmd.subjectId);
    const { keyExisted } = await deps.keys.destroy(tx, cmd.subjectId, cmd.reason);
    if (!alreadyErased) {
      await deps.store.append(
        `privacy-${cmd.subjectId}`,
        'any',
        [
          {
            eventId: cmd.eventId,
            type: 'SubjectErased',
            data: { subjectId: cmd.subjectId, reason: cmd.reason, erasedAt: cmd.now },
            metadata: { occurredAt: cmd.now, ...(cmd.actor ? { actor: cmd.actor } : {}) },
          },
        ],
        { tx, ...(deps.inline ? { inline: deps.inline } : {}) },
      );
    }
    return { keyExisted, alreadyErased };
  });
