/** Use case: one answer of the caller's, with transcript and feedback. */
import { z } from 'zod';
import type { RecordedEvent } from '@tia/db';
import {
  annotateTranscript,
  PracticeQuestion,
  recording,
  revealQuestion,
  RUBRIC_CRITERIA,
  type Anchors,
} from '@tia/domain';
import { NotFound } from '../errors.js';
import type { AuthServices } from '../services.js';
import type { Actor } from './access.js';
import {
  recordingsWhere,
  sessionPii,
  toSummary,
  withName,
  type RecordingSummary,
  type SessionQuestion,
} from './views.js';

export const recordingInput = z.object({ recordingId: z.string().min(1).max(200) });

export type CriterionFeedback = recording.FeedbackData['criteria'][number] & {
  /** What a 1, a 3 and a 5 mean for this criterion (null for a criterion this rubric no longer has). */
  anchors: Anchors | null;
};

export interface RecordingDetail extends RecordingSummary {
  question: SessionQuestion | null;
  transcript: {
    text: string;
    words: { word: string; start: number; end: number }[];
    engine: { name: string; model: string };
  } | null;
  feedback: {
    overall: number;
    rubricVersion: string;
    engine: { name: 'rubric' | 'rubric+llm' | 'rubric+model'; model: string | null };
    criteria: CriterionFeedback[];
    metrics: Record<string, unknown>;
    annotations: { start: number; end: number; kind: 'filler' | 'hedge'; label: string; text: string }[];
    llmTips: string[] | null;
  } | null;
}

const lastOf = (events: readonly RecordedEvent[], type: string) =>
  events.filter((e) => e.type === type).at(-1);

/** One answer of the caller's, with its transcript and feedback decrypted from the recording's events. */
export const getRecording = async (
  a: AuthServices,
  actor: Actor,
  input: z.input<typeof recordingInput>,
): Promise<RecordingDetail> => {
  const { recordingId } = recordingInput.parse(input);
  const row = (await recordingsWhere(a.sql, actor.userId, { recordingId }))[0];
  if (!row) throw new NotFound('No such recording.');
  const summary = toSummary(row);
  const sessionRows = await a.sql<{ questions: unknown }[]>`
    select questions from rm_practice_sessions where session_id = ${row.session_id} and user_id = ${actor.userId}`;
  const questions = sessionRows[0] ? z.array(PracticeQuestion).parse(sessionRows[0].questions) : [];
  const q = questions.find((x) => x.id === row.question_id);

  const events = await a.store.readStream(recording.recordingStream(recordingId));
  const t = lastOf(events, 'TranscriptProduced')?.data as
    | {
        text: string;
        words: { word: string; start: number; end: number }[];
        engine: { name: string; model: string };
      }
    | undefined;
  const f = lastOf(events, 'FeedbackScored')?.data as
    (recording.FeedbackData & { scoredAt: string }) | undefined;
  const transcriptText = typeof t?.text === 'string' ? t.text : null;
  return {
    ...summary,
    question: q ? withName(revealQuestion(q, await sessionPii(a, row.session_id))) : null,
    transcript:
      t && transcriptText !== null
        ? { text: transcriptText, words: Array.isArray(t.words) ? t.words : [], engine: t.engine }
        : null,
    feedback: f
      ? {
          overall: f.overall,
          rubricVersion: f.rubricVersion,
          engine: f.engine,
          criteria: (Array.isArray(f.criteria) ? f.criteria : []).map((c) => ({
            ...c,
            anchors:
              c.id in RUBRIC_CRITERIA ? RUBRIC_CRITERIA[c.id as keyof typeof RUBRIC_CRITERIA].anchors : null,
          })),
          metrics: f.metrics ?? {},
          annotations:
            transcriptText === null
              ? []
              : annotateTranscript(transcriptText).map((x) => ({
                  start: x.start,
                  end: x.end,
                  kind: x.kind,
                  label: x.label,
                  text: transcriptText.slice(x.start, x.end),
                })),
          llmTips: Array.isArray(f.llmTips) ? f.llmTips : null,
        }
      : null,
  };
};
