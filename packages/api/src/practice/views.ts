/** The candidate's practice read models as they see them (rows of `rm_recordings`, `rm_practice_sessions`). */
import { z } from 'zod';
import type { Queryable } from '@tia/db';
import { COMPETENCIES, PracticeQuestion, recording, type CompetencyId, type Track } from '@tia/domain';
import { NotFound } from '../errors.js';
import type { AuthServices } from '../services.js';
import { isoOrNull } from './access.js';

/** The decrypted job title and key terms of a session (null/[] for bank tracks, or once erased). */
export const sessionPii = async (
  a: AuthServices,
  sessionId: string,
): Promise<{ jobTitle: string | null; keyTerms: string[] }> => {
  const started = (await a.store.readStream(recording.practiceStream(sessionId))).find(
    (e) => e.type === 'PracticeSessionStarted',
  );
  const data = (started?.data ?? {}) as { keyTerms?: unknown; jobTitle?: unknown };
  return {
    jobTitle: typeof data.jobTitle === 'string' ? data.jobTitle : null,
    keyTerms: Array.isArray(data.keyTerms)
      ? data.keyTerms.filter((t): t is string => typeof t === 'string')
      : [],
  };
};

export type RecordingStatus = 'uploaded' | 'transcribed' | 'scored' | 'failed' | 'skipped' | 'expired';

export interface RecordingSummary {
  recordingId: string;
  sessionId: string;
  questionId: string;
  status: RecordingStatus;
  statusDetail: string | null;
  bytes: number;
  durationSeconds: number;
  sha256: string;
  uploadedAt: string;
  transcribedAt: string | null;
  audioDeletedAt: string | null;
  deletionReason: string | null;
  transcriptEngine: string | null;
  scoredAt: string | null;
  overall: number | null;
  scores: Record<string, number> | null;
  feedbackEngine: string | null;
  competency: string | null;
}

interface RecordingRow {
  recording_id: string;
  session_id: string;
  question_id: string;
  status: RecordingStatus;
  status_detail: string | null;
  bytes: number;
  duration_seconds: number;
  sha256: string;
  uploaded_at: Date;
  transcribed_at: Date | null;
  audio_deleted_at: Date | null;
  deletion_reason: string | null;
  transcript_engine: string | null;
  scored_at: Date | null;
  overall: number | null;
  scores: Record<string, number> | null;
  feedback_engine: string | null;
  competency: string | null;
}

export const toSummary = (r: RecordingRow): RecordingSummary => ({
  recordingId: r.recording_id,
  sessionId: r.session_id,
  questionId: r.question_id,
  status: r.status,
  statusDetail: r.status_detail,
  bytes: r.bytes,
  durationSeconds: Math.round(Number(r.duration_seconds) * 100) / 100,
  sha256: r.sha256,
  uploadedAt: r.uploaded_at.toISOString(),
  transcribedAt: isoOrNull(r.transcribed_at),
  audioDeletedAt: isoOrNull(r.audio_deleted_at),
  deletionReason: r.deletion_reason,
  transcriptEngine: r.transcript_engine,
  scoredAt: isoOrNull(r.scored_at),
  overall: r.overall,
  scores: r.scores,
  feedbackEngine: r.feedback_engine,
  competency: r.competency,
});

export const recordingsWhere = (
  db: Queryable,
  userId: string,
  filter: { sessionId?: string; recordingId?: string },
) =>
  db<RecordingRow[]>`
    select recording_id, session_id, question_id, status, status_detail, bytes, duration_seconds, sha256,
           uploaded_at, transcribed_at, audio_deleted_at, deletion_reason, transcript_engine, scored_at, overall,
           scores, feedback_engine, competency
      from rm_recordings
     where user_id = ${userId}
       ${filter.sessionId !== undefined ? db`and session_id = ${filter.sessionId}` : db``}
       ${filter.recordingId !== undefined ? db`and recording_id = ${filter.recordingId}` : db``}
     order by uploaded_at, recording_id`;

export interface SessionQuestion {
  id: string;
  competency: CompetencyId;
  competencyName: string;
  kind: PracticeQuestion['kind'];
  text: string;
  strongAnswerShows: string[];
  expectsStar: boolean;
}

export const withName = (q: PracticeQuestion): SessionQuestion => ({
  ...q,
  competencyName: COMPETENCIES[q.competency].label,
});

interface SessionRow {
  session_id: string;
  user_id: string;
  track: Track;
  questions: unknown;
  time_limit_s: number;
  started_at: Date;
}

/** The caller's own session, or NotFound (someone else's session does not exist for them). */
export const ownSession = async (db: Queryable, userId: string, sessionId: string) => {
  const rows = await db<SessionRow[]>`
    select session_id, user_id, track, questions, time_limit_s, started_at
      from rm_practice_sessions where session_id = ${sessionId} and user_id = ${userId}`;
  const row = rows[0];
  if (!row) throw new NotFound('No such practice session.');
  return { ...row, questions: z.array(PracticeQuestion).parse(row.questions) };
};
