import { privacy } from '@tia/domain';
import type { EventStore, InlineProjection } from './event-store.js';
import { lockSubject, type KeyStore } from './key-store.js';
import { PostgresBlobStore } from './blob-store.js';
import type { Queryable } from './sql.js';
import type { ErasureJournal } from './erasure-journal.js';

/**
 * Crypto-shreds a data subject: destroys their key, records the tombstone and appends `SubjectErased`
 * (with inline projections purging their rows) in one transaction. Idempotent. With a `journal`, the erasure
 * is also written (flushed) to the erasure journal outside the database before the transaction commits, so a
 * restored backup can be erased again (`replayErasureJournal`).
 */
export const eraseSubject = async (
  deps: {
    store: EventStore;
    keys: KeyStore;
    inline?: readonly InlineProjection[];
    journal?: ErasureJournal | undefined;
  },
  cmd: {
    subjectId: string;
    reason: 'user_request' | 'retention' | 'minor_reported' | 'admin';
    eventId: string;
    now: string;
    actor?: { kind: 'user' | 'staff' | 'system'; id: string };
    /** The request (or compliance case) this erasure answers. */
    correlationId?: string;
  },
): Promise<{ keyExisted: boolean; alreadyErased: boolean }> =>
  deps.store.sql.begin(async (tx) => {
    // Waits for an upload or key creation of this subject in flight; later ones see the tombstone.
    await lockSubject(tx, cmd.subjectId);
    const alreadyErased = await deps.keys.isErased(tx, cmd.subjectId);
    const { keyExisted } = await deps.keys.destroy(tx, cmd.subjectId, cmd.reason);
    await deps.keys.destroyTechnicalOf(tx, cmd.subjectId);
    // Audio still waiting for transcription goes too (bytes and per-recording keys).
    await new PostgresBlobStore(deps.keys).deleteAllOf(tx, cmd.subjectId);
    // Decided on the person's privacy stream, appended at the version read: every writer of that stream holds
    // the person's lock (taken above), so nothing can move it in between.
    const stream = `privacy-${cmd.subjectId}`;
    const { state, version } = await deps.store.load(stream, privacy.privacyDecider, tx);
    const events = privacy.decide(
      { type: 'Erase', subjectId: cmd.subjectId, reason: cmd.reason, now: cmd.now },
      alreadyErased ? { kind: 'erased' } : state,
    );
    if (events.length > 0)
      await deps.store.append(
        stream,
        version,
        events.map((e) => ({
          ...e,
          eventId: cmd.eventId,
          metadata: {
            occurredAt: cmd.now,
            ...(cmd.actor ? { actor: cmd.actor } : {}),
            ...(cmd.correlationId ? { correlationId: cmd.correlationId } : {}),
          },
        })),
        { tx, ...(deps.inline ? { inline: deps.inline } : {}) },
      );
    // Also noted outside the database (flushed before commit), so a restored backup is erased again on start.
    if (deps.journal)
      await deps.journal.append({ subjectId: cmd.subjectId, reason: cmd.reason, erasedAt: cmd.now });
    return { keyExisted, alreadyErased };
  });

/**
 * Retention of technical data: destroys the day-keys older than `retentionDays` before `now` (so those IP
 * prefixes and browser families read as redacted everywhere) and records it as `TechnicalDataExpired`.
 */
export const expireTechnicalData = async (
  deps: { store: EventStore; keys: KeyStore },
  cmd: { now: Date; retentionDays: number; eventId: string },
): Promise<{ keysDestroyed: number; olderThanDay: string }> => {
  const olderThanDay = new Date(cmd.now.getTime() - cmd.retentionDays * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return deps.store.sql.begin(async (tx) => {
    const keysDestroyed = await deps.keys.expireTechnicalBefore(tx, olderThanDay);
    if (keysDestroyed > 0) {
      const expiredAt = cmd.now.toISOString();
      // 'any' on purpose: a log of retention runs by the system; nothing is decided on this stream's state
      // (the keys destroyed are the decision), so two runs may both record what each did.
      await deps.store.append(
        'retention-technical',
        'any',
        [
          {
            eventId: cmd.eventId,
            type: 'TechnicalDataExpired',
            data: { olderThanDay, keysDestroyed, retentionDays: cmd.retentionDays, expiredAt },
            metadata: { occurredAt: expiredAt, actor: { kind: 'system', id: 'retention' } },
          },
        ],
        { tx },
      );
    }
    return { keysDestroyed, olderThanDay };
  });
};

/**
 * Retention of rate-limit state: rows (HMAC keys only) untouched for a day and no longer blocking go.
 * Returns how many were removed.
 */
export const purgeRateLimits = async (
  db: Queryable,
  now: Date,
  olderThanSeconds = 24 * 3600,
): Promise<number> => {
  const r = await db`delete from rate_limits
                      where updated_at < ${new Date(now.getTime() - olderThanSeconds * 1000)}
                        and (blocked_until is null or blocked_until < ${now})
                      returning key`;
  return r.length;
};
