import { recording } from '@tia/domain';
import type { Projection } from '../projections.js';

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
type Fields = Readonly<
  Record<
    | 'sessionId'
    | 'userId'
    | 'subjectId'
    | 'recordingId'
    | 'questionId'
    | 'track'
    | 'startedAt'
    | 'answerTimeLimitSeconds'
    | 'bytes'
    | 'durationSeconds'
    | 'sha256'
    | 'uploadedAt'
    | 'producedAt'
    | 'deletedAt'
    | 'reason'
    | 'code'
    | 'scoredAt'
    | 'overall'
    | 'competency'
    | 'restrictedAt',
    string
  > & { questions: unknown; scores: unknown; engine: { name: string } }
>;

/** What the candidate reads when an answer was not analysed. */
const SKIP_DETAIL: Readonly<Record<string, string>> = {
  consent_withdrawn: 'You had withdrawn your consent to recording analysis, so this answer was not analysed.',
  processing_restricted: 'You had paused processing of your data, so this answer was not analysed.',
  subject_erased: 'The account was erased.',
};

export const practiceProjection: Projection = {
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
      const d = e.data as Fields; // validated event data
      switch (e.type) {
        case 'PracticeSessionStarted':
          await tx`insert into ${sessions} (session_id, user_id, track, questions, time_limit_s, started_at)
                   values (${d.sessionId}, ${d.userId}, ${d.track}, ${tx.json(d.questions as never)},
                           ${d.answerTimeLimitSeconds}, ${d.startedAt})
                   on conflict (session_id) do nothing`;
          break;
        case 'RecordingUploaded':
          await tx`insert into ${recordings} (recording_id, session_id, user_id, question_id, status, bytes,
                     duration_seconds, sha256, uploaded_at)
                   values (${d.recordingId}, ${d.sessionId}, ${d.userId}, ${d.questionId}, 'uploaded', ${d.bytes},
                           ${d.durationSeconds}, ${d.sha256}, ${d.uploadedAt})
                   on conflict (recording_id) do nothing`;
          await tx`insert into ${usage} (user_id, used) values (${d.userId}, 1)
                   on conflict (user_id) do update set used = ${usage}.used + 1`;
          break;
        case 'TranscriptProduced':
          await tx`update ${recordings} set status = 'transcribed', transcribed_at = ${d.producedAt},
                     transcript_engine = ${d.engine.name}
                   where recording_id = ${d.recordingId} and status = 'uploaded'`;
          break;
        case 'AudioDeleted': {
          const reason = d.reason;
          const status =
            reason === 'transcribed'
              ? null
              : reason === 'transcription_failed'
                ? 'failed'
                : reason === 'max_age_exceeded'
                  ? 'expired'
                  : 'skipped';
          await tx`update ${recordings} set audio_deleted_at = ${d.deletedAt}, deletion_reason = ${reason},
                     status = coalesce(${status}, status)
                   where recording_id = ${d.recordingId}`;
          // Answers never analysed do not count against the free trial (a withdrawn consent included).
          if (
            reason === 'transcription_failed' ||
            reason === 'max_age_exceeded' ||
            reason === 'consent_withdrawn'
          )
            await giveBack(d.userId);
          break;
        }
        case 'TranscriptionFailed':
          // A fixed message per stable code: never the engine's own text (v1 events read as `unknown`).
          await tx`update ${recordings} set status_detail = ${failureMessage(d.code)}
                   where recording_id = ${d.recordingId}`;
          break;
        case 'RecordingProcessingSkipped':
          await tx`update ${recordings} set status_detail = ${SKIP_DETAIL[d.reason] ?? d.reason}
                   where recording_id = ${d.recordingId}`;
          break;
        case 'FeedbackSkipped':
          await tx`update ${recordings} set status = 'skipped', status_detail = ${SKIP_DETAIL[d.reason] ?? d.reason}
                   where recording_id = ${d.recordingId} and status = 'transcribed'`;
          break;
        case 'FeedbackScored':
          await tx`update ${recordings} set status = 'scored', scored_at = ${d.scoredAt}, overall = ${d.overall},
                     scores = ${tx.json(d.scores as never)}, competency = ${d.competency},
                     feedback_engine = ${d.engine.name}
                   where recording_id = ${d.recordingId}`;
          break;
        case 'ProcessingRestricted':
          await tx`insert into ${restrictions} (subject_id, restricted_at) values (${d.subjectId}, ${d.restrictedAt})
                   on conflict (subject_id) do nothing`;
          break;
        case 'ProcessingRestrictionLifted':
          await tx`delete from ${restrictions} where subject_id = ${d.subjectId}`;
          break;
        case 'AnswerDeleted':
          // The person deleted this answer: its row (scores, status, receipt) goes; the trial count stays.
          await tx`delete from ${recordings} where recording_id = ${d.recordingId} and user_id = ${d.userId}`;
          break;
        case 'PracticeSessionDeleted':
          await tx`delete from ${recordings} where session_id = ${d.sessionId} and user_id = ${d.userId}`;
          await tx`delete from ${sessions} where session_id = ${d.sessionId} and user_id = ${d.userId}`;
          break;
        case 'SubjectErased':
          await tx`delete from ${sessions} where user_id = ${d.subjectId}`;
          await tx`delete from ${recordings} where user_id = ${d.subjectId}`;
          await tx`delete from ${usage} where user_id = ${d.subjectId}`;
          await tx`delete from ${restrictions} where subject_id = ${d.subjectId}`;
          break;
      }
    }
  },
};
