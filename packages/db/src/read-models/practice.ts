import { recording } from '@tia/domain';
import { defineProjection } from '../projections.js';
import type { Queryable } from '../sql.js';

const failureMessage = (code: string): string =>
  (recording.TRANSCRIPTION_FAILURE_MESSAGES as Readonly<Record<string, string>>)[code] ??
  recording.TRANSCRIPTION_FAILURE_MESSAGES.unknown;

/**
 * Practice read models, kept inline (the API and the worker pass them to every append) so an answer's
 * progress is visible the moment its event commits:
 * - `rm_practice_sessions`: a candidate's sessions and their questions;
 * - `rm_recordings`: each answer's status (uploaded → transcribed → scored, or failed/skipped/expired),
 *   its deletion receipt (uploaded, transcribed, audio deleted + reason + content hash) and its scores;
 * - `rm_trial_usage`: answers counted against the free trial;
 * - `rm_restrictions`: subjects who restricted processing.
 * Erasure removes every row of the subject.
 */
/** What the candidate reads when an answer was not analysed. */
const SKIP_DETAIL: Readonly<Record<string, string>> = {
  consent_withdrawn: 'You had withdrawn your consent to recording analysis, so this answer was not analysed.',
  processing_restricted: 'You had paused processing of your data, so this answer was not analysed.',
  subject_erased: 'The account was erased.',
};

export const practiceProjection = defineProjection({
  name: 'practice',
  tables: ['rm_practice_sessions', 'rm_recordings', 'rm_trial_usage', 'rm_restrictions'],
  types: [
    'PracticeSessionStarted',
    'RecordingUploaded',
    'TranscriptProduced',
    'AudioDeleted',
    'TranscriptionFailed',
    'RecordingProcessingSkipped',
    'FeedbackScored',
    'FeedbackSkipped',
    'ProcessingRestricted',
    'ProcessingRestrictionLifted',
    'AnswerDeleted',
    'PracticeSessionDeleted',
    'SubjectErased',
  ],
  apply: async (tx, events, t) => {
    const sessions = tx(t('rm_practice_sessions'));
    const recordings = tx(t('rm_recordings'));
    const usage = tx(t('rm_trial_usage'));
    const restrictions = tx(t('rm_restrictions'));
    const giveBack = (userId: string) =>
      tx`update ${usage} set used = greatest(used - 1, 0) where user_id = ${userId}`;
    for (const e of events) {
      switch (e.type) {
        case 'PracticeSessionStarted':
          await tx`insert into ${sessions} (session_id, user_id, track, questions, time_limit_s, started_at)
                   values (${e.data.sessionId}, ${e.data.userId}, ${e.data.track}, ${tx.json(e.data.questions)},
                           ${e.data.answerTimeLimitSeconds}, ${e.data.startedAt})
                   on conflict (session_id) do nothing`;
          break;
        case 'RecordingUploaded':
          await tx`insert into ${recordings} (recording_id, session_id, user_id, question_id, status, bytes,
                     duration_seconds, sha256, uploaded_at)
                   values (${e.data.recordingId}, ${e.data.sessionId}, ${e.data.userId}, ${e.data.questionId}, 'uploaded', ${e.data.bytes},
                           ${e.data.durationSeconds}, ${e.data.sha256}, ${e.data.uploadedAt})
                   on conflict (recording_id) do nothing`;
          await tx`insert into ${usage} (user_id, used) values (${e.data.userId}, 1)
                   on conflict (user_id) do update set used = ${usage}.used + 1`;
          break;
        case 'TranscriptProduced':
          await tx`update ${recordings} set status = 'transcribed', transcribed_at = ${e.data.producedAt},
                     transcript_engine = ${e.data.engine.name}
                   where recording_id = ${e.data.recordingId} and status = 'uploaded'`;
          break;
        case 'AudioDeleted': {
          const reason = e.data.reason;
          const status =
            reason === 'transcribed'
              ? null
              : reason === 'transcription_failed'
                ? 'failed'
                : reason === 'max_age_exceeded'
                  ? 'expired'
                  : 'skipped';
          await tx`update ${recordings} set audio_deleted_at = ${e.data.deletedAt}, deletion_reason = ${reason},
                     status = coalesce(${status}, status)
                   where recording_id = ${e.data.recordingId}`;
          // Answers never analysed do not count against the free trial: exercising a right (withdrawing the
          // consent, restricting processing) never costs an answer (P31).
          if (
            reason === 'transcription_failed' ||
            reason === 'max_age_exceeded' ||
            reason === 'consent_withdrawn' ||
            reason === 'processing_restricted'
          )
            await giveBack(e.data.userId);
          break;
        }
        case 'TranscriptionFailed':
          // A fixed message per stable code: never the engine's own text (v1 events read as `unknown`).
          await tx`update ${recordings} set status_detail = ${failureMessage(e.data.code)}
                   where recording_id = ${e.data.recordingId}`;
          break;
        case 'RecordingProcessingSkipped':
          await tx`update ${recordings} set status_detail = ${SKIP_DETAIL[e.data.reason] ?? e.data.reason}
                   where recording_id = ${e.data.recordingId}`;
          break;
        case 'FeedbackSkipped':
          await tx`update ${recordings} set status = 'skipped', status_detail = ${SKIP_DETAIL[e.data.reason] ?? e.data.reason}
                   where recording_id = ${e.data.recordingId} and status = 'transcribed'`;
          break;
        case 'FeedbackScored':
          await tx`update ${recordings} set status = 'scored', scored_at = ${e.data.scoredAt}, overall = ${e.data.overall},
                     scores = ${tx.json(e.data.scores)}, competency = ${e.data.competency},
                     feedback_engine = ${e.data.engine.name}
                   where recording_id = ${e.data.recordingId}`;
          break;
        case 'ProcessingRestricted':
          await tx`insert into ${restrictions} (subject_id, restricted_at) values (${e.data.subjectId}, ${e.data.restrictedAt})
                   on conflict (subject_id) do nothing`;
          break;
        case 'ProcessingRestrictionLifted':
          await tx`delete from ${restrictions} where subject_id = ${e.data.subjectId}`;
          break;
        case 'AnswerDeleted':
          // The person deleted this answer: its row (scores, status, receipt) goes; the trial count stays.
          await tx`delete from ${recordings} where recording_id = ${e.data.recordingId} and user_id = ${e.data.userId}`;
          break;
        case 'PracticeSessionDeleted':
          await tx`delete from ${recordings} where session_id = ${e.data.sessionId} and user_id = ${e.data.userId}`;
          await tx`delete from ${sessions} where session_id = ${e.data.sessionId} and user_id = ${e.data.userId}`;
          break;
        case 'SubjectErased':
          await tx`delete from ${sessions} where user_id = ${e.data.subjectId}`;
          await tx`delete from ${recordings} where user_id = ${e.data.subjectId}`;
          await tx`delete from ${usage} where user_id = ${e.data.subjectId}`;
          await tx`delete from ${restrictions} where subject_id = ${e.data.subjectId}`;
          break;
      }
    }
  },
});

// Read side of these tables (the queries the API and the worker share live here, beside what writes them).

/**
 * Why a person's audio must not be processed right now, or null when it may: erased, processing restricted, or
 * no recording-feedback consent. The upload refuses on it; the worker skips (and deletes the audio) on it.
 */
export const processingBlock = async (
  db: Queryable,
  userId: string,
): Promise<recording.SkipReason | null> => {
  const rows = await db<{ erased: boolean; restricted: boolean; consent: string | null }[]>`
    select exists (select 1 from erased_subjects where subject_id = ${userId}) as erased,
           exists (select 1 from rm_restrictions where subject_id = ${userId}) as restricted,
           (select status from rm_consents where subject_id = ${userId} and purpose = 'recording_feedback') as consent`;
  const r = rows[0]!;
  if (r.erased) return 'subject_erased';
  if (r.restricted) return 'processing_restricted';
  if (r.consent !== 'given') return 'consent_withdrawn';
  return null;
};

/** Whether the person restricted processing (P26), and since when. */
export const restrictionOf = async (
  db: Queryable,
  userId: string,
): Promise<{ restricted: boolean; since: string | null }> => {
  const rows = await db<{ restricted_at: Date }[]>`
    select restricted_at from rm_restrictions where subject_id = ${userId}`;
  return { restricted: rows.length > 0, since: rows[0] ? rows[0].restricted_at.toISOString() : null };
};

export interface Trial {
  total: number;
  used: number;
  remaining: number;
}

/** Free-trial answers: granted (`rm_accounts.trial_total`) and counted (`rm_trial_usage`). */
export const trialOf = async (db: Queryable, userId: string): Promise<Trial> => {
  const rows = await db<{ total: number | null; used: number | null }[]>`
    select (select trial_total from rm_accounts where user_id = ${userId}) as total,
           (select used from rm_trial_usage where user_id = ${userId}) as used`;
  const total = rows[0]?.total ?? 0;
  const used = rows[0]?.used ?? 0;
  return { total, used, remaining: Math.max(0, total - used) };
};
