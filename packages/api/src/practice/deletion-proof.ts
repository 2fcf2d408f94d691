import { z } from 'zod';
import { inclusionReceipt, type InclusionReceipt } from '@tia/db';
import { recording } from '@tia/domain';
import { NotFound } from '../errors.js';
import type { AuthServices } from '../services.js';
import type { Actor } from './access.js';

export const deletionProofInput = z.object({ recordingId: z.string().min(1).max(200) });

export type DeletionProof =
  | { status: 'audio_not_deleted' }
  /** Deleted, but the event is not yet sealed, or the latest signed checkpoint does not cover it yet. */
  | { status: 'pending'; reason: 'not_sealed' | 'no_checkpoint_yet'; eventId: string }
  | ({ status: 'proven'; eventId: string; deletedAt: string } & InclusionReceipt);

/**
 * The proof that a recording's AudioDeleted event is in the signed audit log: an RFC 6962 inclusion proof
 * against the latest Ed25519-signed checkpoint (docs/audit-log.md), which anyone can check with the public key.
 */
export const getDeletionProof = async (
  a: AuthServices,
  actor: Actor,
  input: z.input<typeof deletionProofInput>,
): Promise<DeletionProof> => {
  const { recordingId } = deletionProofInput.parse(input);
  const owned = await a.sql<{ recording_id: string }[]>`
    select recording_id from rm_recordings where recording_id = ${recordingId} and user_id = ${actor.userId}`;
  if (owned.length === 0) throw new NotFound('No such recording.');
  const events = await a.store.readStream(recording.recordingStream(recordingId));
  const deleted = events.filter((e) => e.type === 'AudioDeleted').at(-1);
  if (!deleted) return { status: 'audio_not_deleted' };
  const r = await inclusionReceipt(a.sql, deleted.globalPosition);
  if ('pending' in r) return { status: 'pending', reason: r.pending, eventId: deleted.eventId };
  const deletedAt = (deleted.data as { deletedAt?: unknown }).deletedAt;
  return {
    status: 'proven',
    eventId: deleted.eventId,
    deletedAt: typeof deletedAt === 'string' ? deletedAt : deleted.recordedAt.toISOString(),
    ...r,
  };
};
