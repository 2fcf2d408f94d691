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
    // Through the command handler in the withdrawal's transaction; a recording no longer waiting decides
    // nothing (only the bytes were left), and its bytes go all the same.
    await a.commands.handle(
      recording.recordingDecider,
      recording.recordingStream(recordingId),
      { type: 'SkipProcessing', reason, blobExisted: true, now },
      { actor: { kind: 'user', id: actor.userId }, requestId: actor.requestId },
      {
        tx,
        after: async (t) => {
          await a.blobs.delete(t, recordingId);
        },
      },
    );
    deleted.push(recordingId);
  }
  return deleted;
};
