/**
 * Withdrawing the recording consent (P24, P03) deletes, in the withdrawal's own transaction, every answer's
 * audio still waiting for transcription: the recording decider records `RecordingProcessingSkipped` +
 * `AudioDeleted` (reason `consent_withdrawn`, never transcribed), the encrypted bytes and their per-recording
 * key go, and the practice read model gives the answer back to the free trial (P31). The worker, if it had
 * already picked the answer up, finds the recording no longer waiting and records nothing more.
 */
import type { TxSql } from '@tia/db';
import { recording } from '@tia/domain';
import type { AuthServices } from '../services.js';

export const deletePendingAudio = async (
  a: AuthServices,
  tx: TxSql,
  actor: { userId: string; requestId: string },
  reason: recording.SkipReason,
  now: string,
): Promise<string[]> => {
  const pending = await tx<{ recording_id: string }[]>`
    select recording_id from audio_blobs where owner_id = ${actor.userId} order by created_at`;
  const deleted: string[] = [];
  for (const { recording_id: recordingId } of pending) {
    const events = await a.store.readStream(recording.recordingStream(recordingId), { db: tx });
    const state = recording.fold(recording.recordingEventsOf(events));
    const decided = recording.decide({ type: 'SkipProcessing', reason, blobExisted: true, now }, state);
    await a.blobs.delete(tx, recordingId);
    deleted.push(recordingId);
    if (decided.length === 0) continue; // no longer waiting (only the bytes were left): they are gone now
    await a.store.append(
      recording.recordingStream(recordingId),
      events.length === 0 ? 0 : events[events.length - 1]!.streamVersion,
      decided.map((e) => ({
        ...e,
        eventId: a.newId(),
        metadata: {
          occurredAt: now,
          actor: { kind: 'user' as const, id: actor.userId },
          correlationId: actor.requestId,
        },
      })),
      { tx, inline: a.inline },
    );
  }
  return deleted;
};
