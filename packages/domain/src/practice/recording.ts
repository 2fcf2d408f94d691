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
import { eventSlice, eventsOf, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';
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

/**
 * Why a transcription failed, as a stable code. Events and candidates get only the code and its fixed message:
 * engine texts (URLs, upstream bodies, decoder output) may reveal internals or quote a person's words, so they
 * go to operator logs only, scrubbed.
 */
export const TRANSCRIPTION_FAILURE_CODES = [
  'audio_unreadable',
  'duration_mismatch',
  'audio_unavailable',
  'engine_unavailable',
  'timed_out',
  'unknown',
] as const;
export type TranscriptionFailureCode = (typeof TRANSCRIPTION_FAILURE_CODES)[number];

export const TRANSCRIPTION_FAILURE_MESSAGES: Record<TranscriptionFailureCode, string> = {
  audio_unreadable: 'We could not read the audio of this recording. Please record the answer again.',
  duration_mismatch:
    'The recording was longer than the length it was sent with, so it was not analysed. Please record it again.',
  audio_unavailable: 'The audio was no longer available when we came to analyse it.',
  engine_unavailable: 'Our speech recognition was not available. Please record the answer again later.',
  timed_out: 'Analysing the recording took too long. Please try a shorter answer.',
  unknown: 'We could not analyse this recording. Please record the answer again.',
};

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
  | {
      type: 'FailTranscription';
      engine: string;
      code: TranscriptionFailureCode;
      blobExisted: boolean;
      now: string;
    }
  | { type: 'ExpireAudio'; blobExisted: boolean; now: string }
  | { type: 'ScoreFeedback'; feedback: FeedbackData; now: string }
  | { type: 'SkipFeedback'; reason: SkipReason; now: string };

export const recordingEvents = eventSlice([
  'RecordingUploaded',
  'TranscriptProduced',
  'AudioDeleted',
  'TranscriptionFailed',
  'RecordingProcessingSkipped',
  'FeedbackScored',
  'FeedbackSkipped',
]);
export type RecordingEvent = EventOf<(typeof recordingEvents.types)[number]>;

export class RecordingRuleViolated extends DomainRuleViolated {
  readonly kind = 'conflict' as const;
  constructor(
    override readonly rule: 'already_uploaded' | 'not_uploaded',
    message: string,
  ) {
    super(rule, message);
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
            code: cmd.code,
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

export const recordingDecider: Decider<
  RecordingState,
  RecordingCommand,
  (typeof recordingEvents.types)[number]
> = { events: recordingEvents, decide, evolve, initialState };

/** The recording's stream. */
export const recordingStream = (recordingId: string): string => `recording-${recordingId}`;
export const practiceStream = (sessionId: string): string => `practice-${sessionId}`;
/** The key that encrypts a recording's audio blob; destroyed with the blob. */
export const recordingKeySubject = (recordingId: string): string => `recording:${recordingId}`;

/** The recording events of a stream, in order, for `fold`. */
export const recordingEventsOf = <E extends { type: string }>(events: readonly E[]) =>
  eventsOf(recordingEvents, events);

/** A bank or generated question as stored in `PracticeSessionStarted`. */
export const toPracticeQuestion = (q: Question): PracticeQuestion => ({
  id: q.id,
  competency: q.competency,
  kind: q.kind,
  text: q.text,
  strongAnswerShows: [...q.strongAnswerShows],
  expectsStar: q.expectsStar,
});
