/**
 * Use case: store one answer's audio. Under the person's lock (erasure takes it too), in the transaction that
 * stores it: a retry of the same upload, erasure, consent, restriction and the trial; then the recording
 * decider decides `RecordingUploaded`, and the encrypted blob and the event commit together.
 */
import { ConcurrencyError, processingBlock, trialOf, type TxSql } from '@tia/db';
import { recording, type AudioContainer } from '@tia/domain';
import { Conflict, Forbidden, PaymentRequired } from '../errors.js';
import type { AuthServices } from '../services.js';
import { CONSENT_REQUIRED_MESSAGE, lockUser, RESTRICTED_MESSAGE, type Actor } from './access.js';

export interface AnswerUpload {
  recordingId: string;
  sessionId: string;
  questionId: string;
  durationSeconds: number;
  data: Buffer;
  sha256: string;
  container: AudioContainer;
  mimeType: string;
}

export const uploadAnswer = async (
  a: AuthServices,
  actor: Actor,
  u: AnswerUpload,
): Promise<{ alreadyStored: boolean; bytes: number }> => {
  const userId = actor.userId;
  try {
    const { state, events } = await a.commands.handle(
      recording.recordingDecider,
      recording.recordingStream(u.recordingId),
      (s, now): recording.RecordingCommand | recording.RecordingCommand[] => {
        if (s.kind !== 'none') {
          const prior = s.upload;
          // The same upload again (a retry): nothing to decide, the stored one stands.
          if (
            prior.userId === userId &&
            prior.sha256 === u.sha256 &&
            prior.sessionId === u.sessionId &&
            prior.questionId === u.questionId
          )
            return [];
          throw new Conflict('This recording id was already used for a different recording.');
        }
        return {
          type: 'Upload',
          upload: {
            recordingId: u.recordingId,
            sessionId: u.sessionId,
            userId,
            questionId: u.questionId,
            container: u.container,
            mimeType: u.mimeType,
            bytes: u.data.length,
            durationSeconds: Math.round(u.durationSeconds * 1000) / 1000,
            sha256: u.sha256,
            uploadedAt: now,
          },
        };
      },
      { actor: { kind: 'user', id: userId }, requestId: actor.requestId },
      {
        // One stream per recording id: a conflict means another account raced for this id.
        maxAttempts: 1,
        before: async (tx: TxSql) => {
          await lockUser(tx, userId);
        },
        guard: async (tx, s) => {
          if (s.kind !== 'none') return; // a retry of this upload, or a reused id: decided below
          // "May we process this person's audio?" — the same check the worker makes before transcribing.
          const blocked = await processingBlock(tx, userId);
          if (blocked === 'subject_erased') throw new Forbidden('This account was erased.');
          if (blocked === 'consent_withdrawn') throw new Forbidden(CONSENT_REQUIRED_MESSAGE);
          if (blocked === 'processing_restricted') throw new Forbidden(RESTRICTED_MESSAGE);
          const trial = await trialOf(tx, userId);
          if (trial.remaining <= 0)
            throw new PaymentRequired(
              `You have used all ${trial.total} answers of your free trial. Upgrade your plan to keep practising.`,
            );
        },
        // The encrypted audio commits with its event (and is deleted with the transcript).
        after: async (tx, { events: decided }) => {
          if (decided.length === 0) return;
          await a.blobs.put(tx, {
            recordingId: u.recordingId,
            ownerId: userId,
            data: u.data,
            mimeType: u.mimeType,
          });
        },
      },
    );
    return {
      alreadyStored: events.length === 0,
      bytes: state.kind === 'none' ? u.data.length : state.upload.bytes,
    };
  } catch (e) {
    // Another account raced for the same recording id (the stream or the blob row exists now).
    if (e instanceof ConcurrencyError || isUniqueViolationOn(e, 'audio_blobs'))
      throw new Conflict('This recording id was already used for a different recording.');
    throw e;
  }
};

const isUniqueViolationOn = (e: unknown, table: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: string }).code === '23505' &&
  (e as { table_name?: string }).table_name === table;
