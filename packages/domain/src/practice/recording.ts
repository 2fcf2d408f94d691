/**
 * The life of one recorded answer, as a decider (pure: time, ids and I/O results are passed in).
 *
 *   uploaded ──transcribe──▶ transcribed ──score──▶ scored
 *                                 └──skip feedback (consent withdrawn / restricted / erased meanwhile)──▶ unscored
 *      │  (TranscriptProduced + AudioDeleted in one decision: the audio never outlives its transcript)
 *      ├──skip (consent withdrawn / restricted / erased)──▶ ended (RecordingProcessingSkipped + AudioDeleted)
 *      ├──fail──▶ ended (TranscriptionFailed + AudioDeleted)
 *      └──expire (sweeper)──▶ ended (AudioDeleted, max_age_exceeded)
 *
 * Every command on a recording that has moved past the step is a no-op (`[]`), so redelivered messages and
 * racing workers decide nothing twice.
 */
import type { AudioContainer, AudioDeletionReason, PracticeQuestion } from '../events/practice.js';
import type { CompetencyId } from './competencies.js';
import type { Question } from './questions.js';

export interface Upload {
  recordingId: string;
  sessionId: string;
  userId: string;
  questionId: string;
  container: AudioContainer;
  mimeType: string;
  bytes: number;
  durationSeconds: number;
  sha256: string;
  uploadedAt: string;
}

export interface TranscriptData {
  text: string;
  words: { word: string; start: number; end: number }[];
  engine: { name: string; model: string };
  audioSeconds: number;
  engineMs: number;
}

export interface FeedbackData {
  competency: CompetencyId;
  rubricVersion: string;
  overall: number;
  scores: Record<string, number>;
  criteria: {
    id: string;
    label: string;
    score: number;
    weight: number;
    reason: string;
    evidence: { start: number; end: number; text: string; label?: string }[];
    tip: string;
    grader?: 'rubric' | 'rubric+model';
    rubricScore?: number;
    model?: {
      score: number;
      reason: string;
      evidence: { start: number; end: number; text: string; label?: string }[];
    };
    gradersDiffer?: boolean;
  }[];
  metrics: Record<string, unknown>;
  engine: { name: 'rubric' | 'rubric+llm' | 'rubric+model'; model: string | null };
  llmTips: string[] | null;
}

export type SkipReason = 'consent_withdrawn' | 'processing_restricted' | 'subject_erased';

export type RecordingState =
  | { kind: 'none' }
  | { kind: 'uploaded'; upload: Upload }
  | { kind: 'transcribed'; upload: Upload; transcribedAt: string; audioDeletedAt: string }
  | { kind: 'scored'; upload: Upload; transcribedAt: string; scoredAt: string }
  | { kind: 'unscored'; upload: Upload; transcribedAt: string; reason: SkipReason }
  | { kind: 'ended'; upload: Upload; reason: AudioDeletionReason; deletedAt: string };

export type RecordingCommand =
  | { type: 'Upload'; upload: Upload }
  | { type: 'CompleteTranscription'; transcript: TranscriptData; blobExisted: boolean; now: string }
  | { type: 'SkipProcessing'; reason: SkipReason; blobExisted: boolean; now: string }
  | { type: 'FailTranscription'; engine: string; error: string; blobExisted: boolean; now: string }
  | { type: 'ExpireAudio'; blobExisted: boolean; now: string }
  | { type: 'ScoreFeedback'; feedback: FeedbackData; now: string }
  | { type: 'SkipFeedback'; reason: SkipReason; now: string };

export type RecordingEvent =
  | { type: 'RecordingUploaded'; data: Upload }
  | {
      type: 'TranscriptProduced';
      data: TranscriptData & {
        recordingId: string;
        sessionId: string;
        userId: string;
        questionId: string;
        producedAt: string;
      };
    }
  | {
      type: 'AudioDeleted';
      data: {
        recordingId: string;
        userId: string;
        sha256: string;
        bytes: number;
        reason: AudioDeletionReason;
        uploadedAt: string;
        transcribedAt: string | null;
        deletedAt: string;
        blobExisted: boolean;
      };
    }
  | {
      type: 'TranscriptionFailed';
      data: { recordingId: string; userId: string; engine: string; error: string; failedAt: string };
    }
  | {
      type: 'RecordingProcessingSkipped';
      data: { recordingId: string; userId: string; reason: SkipReason; skippedAt: string };
    }
  | {
      type: 'FeedbackSkipped';
      data: { recordingId: string; userId: string; reason: SkipReason; skippedAt: string };
    }
  | {
      type: 'FeedbackScored';
      data: FeedbackData & {
        recordingId: string;
        sessionId: string;
        userId: string;
        questionId: string;
        scoredAt: string;
      };
    };

export class RecordingRuleViolated extends Error {
  constructor(
    readonly rule: 'already_uploaded' | 'not_uploaded',
    message: string,
  ) {
    super(message);
    this.name = 'RecordingRuleViolated';
  }
}

export const initialState: RecordingState = { kind: 'none' };

const audioDeleted = (
  upload: Upload,
  reason: AudioDeletionReason,
  transcribedAt: string | null,
  blobExisted: boolean,
  now: string,
): RecordingEvent => ({
  type: 'AudioDeleted',
  data: {
    recordingId: upload.recordingId,
    userId: upload.userId,
    sha256: upload.sha256,
    bytes: upload.bytes,
    reason,
    uploadedAt: upload.uploadedAt,
    transcribedAt,
    deletedAt: now,
    blobExisted,
  },
});

export const decide = (cmd: RecordingCommand, state: RecordingState): RecordingEvent[] => {
  if (cmd.type === 'Upload') {
    if (state.kind !== 'none') {
      if (state.upload.sha256 === cmd.upload.sha256) return []; // the same upload retried
      throw new RecordingRuleViolated('already_uploaded', 'This recording was already uploaded.');
    }
    return [{ type: 'RecordingUploaded', data: cmd.upload }];
  }
  if (state.kind === 'none') throw new RecordingRuleViolated('not_uploaded', 'No such recording.');
  const { upload } = state;
  switch (cmd.type) {
    case 'CompleteTranscription':
      if (state.kind !== 'uploaded') return [];
      return [
        {
          type: 'TranscriptProduced',
          data: {
            recordingId: upload.recordingId,
            sessionId: upload.sessionId,
            userId: upload.userId,
            questionId: upload.questionId,
            ...cmd.transcript,
            producedAt: cmd.now,
          },
        },
        audioDeleted(upload, 'transcribed', cmd.now, cmd.blobExisted, cmd.now),
      ];
    case 'SkipProcessing':
      if (state.kind !== 'uploaded') return [];
      return [
        {
          type: 'RecordingProcessingSkipped',
          data: {
            recordingId: upload.recordingId,
            userId: upload.userId,
            reason: cmd.reason,
            skippedAt: cmd.now,
          },
        },
        audioDeleted(upload, cmd.reason, null, cmd.blobExisted, cmd.now),
      ];
    case 'FailTranscription':
      if (state.kind !== 'uploaded') return [];
      return [
        {
          type: 'TranscriptionFailed',
          data: {
            recordingId: upload.recordingId,
            userId: upload.userId,
            engine: cmd.engine,
            error: cmd.error.slice(0, 2000),
            failedAt: cmd.now,
          },
        },
        audioDeleted(upload, 'transcription_failed', null, cmd.blobExisted, cmd.now),
      ];
    case 'ExpireAudio':
      if (state.kind !== 'uploaded') return [];
      return [audioDeleted(upload, 'max_age_exceeded', null, cmd.blobExisted, cmd.now)];
    case 'SkipFeedback':
      if (state.kind !== 'transcribed') return [];
      return [
        {
          type: 'FeedbackSkipped',
          data: {
            recordingId: upload.recordingId,
            userId: upload.userId,
            reason: cmd.reason,
            skippedAt: cmd.now,
          },
        },
      ];
    case 'ScoreFeedback':
      if (state.kind !== 'transcribed') return [];
      return [
        {
          type: 'FeedbackScored',
          data: {
            recordingId: upload.recordingId,
            sessionId: upload.sessionId,
            userId: upload.userId,
            questionId: upload.questionId,
            ...cmd.feedback,
            scoredAt: cmd.now,
          },
        },
      ];
  }
};

export const evolve = (state: RecordingState, event: RecordingEvent): RecordingState => {
  switch (event.type) {
    case 'RecordingUploaded':
      return { kind: 'uploaded', upload: event.data };
    case 'TranscriptProduced':
      if (state.kind !== 'uploaded') return state;
      return {
        kind: 'transcribed',
        upload: state.upload,
        transcribedAt: event.data.producedAt,
        audioDeletedAt: event.data.producedAt,
      };
    case 'AudioDeleted':
      if (state.kind === 'uploaded') {
        return {
          kind: 'ended',
          upload: state.upload,
          reason: event.data.reason,
          deletedAt: event.data.deletedAt,
        };
      }
      if (state.kind === 'transcribed') return { ...state, audioDeletedAt: event.data.deletedAt };
      return state;
    case 'FeedbackScored':
      if (state.kind !== 'transcribed') return state;
      return {
        kind: 'scored',
        upload: state.upload,
        transcribedAt: state.transcribedAt,
        scoredAt: event.data.scoredAt,
      };
    case 'FeedbackSkipped':
      if (state.kind !== 'transcribed') return state;
      return {
        kind: 'unscored',
        upload: state.upload,
        transcribedAt: state.transcribedAt,
        reason: event.data.reason,
      };
    case 'TranscriptionFailed':
    case 'RecordingProcessingSkipped':
      return state; // the AudioDeleted decided with it ends the recording
  }
};

export const fold = (events: readonly RecordingEvent[]): RecordingState =>
  events.reduce(evolve, initialState);

export const recordingDecider = { decide, evolve, initialState };

/** The recording's stream. */
export const recordingStream = (recordingId: string): string => `recording-${recordingId}`;
export const practiceStream = (sessionId: string): string => `practice-${sessionId}`;
/** The key that encrypts a recording's audio blob; destroyed with the blob. */
export const recordingKeySubject = (recordingId: string): string => `recording:${recordingId}`;

const RECORDING_EVENT_TYPES: ReadonlySet<string> = new Set<RecordingEvent['type']>([
  'RecordingUploaded',
  'TranscriptProduced',
  'AudioDeleted',
  'TranscriptionFailed',
  'RecordingProcessingSkipped',
  'FeedbackScored',
  'FeedbackSkipped',
]);

/** A stored event (data already validated by its schema) as this decider's event, or null for other types. */
export const toRecordingEvent = (e: { type: string; data: unknown }): RecordingEvent | null =>
  RECORDING_EVENT_TYPES.has(e.type) ? ({ type: e.type, data: e.data } as RecordingEvent) : null;

/** The recording events of a stream, in order, for `fold`. */
export const recordingEventsOf = (events: readonly { type: string; data: unknown }[]): RecordingEvent[] =>
  events.map(toRecordingEvent).filter((e): e is RecordingEvent => e !== null);

/** A bank or generated question as stored in `PracticeSessionStarted`. */
export const toPracticeQuestion = (q: Question): PracticeQuestion => ({
  id: q.id,
  competency: q.competency,
  kind: q.kind,
  text: q.text,
  strongAnswerShows: [...q.strongAnswerShows],
  expectsStar: q.expectsStar,
});
