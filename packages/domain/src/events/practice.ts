import { z } from 'zod';
import { defineEvent } from './registry.js';
import { pii } from './pii.js';
import { COMPETENCY_IDS, TRACKS } from '../practice/competencies.js';
import { QUESTION_KINDS } from '../practice/questions.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const PracticeQuestion = z.object({
  id,
  competency: z.enum(COMPETENCY_IDS),
  kind: z.enum(QUESTION_KINDS),
  text: z.string().min(1).max(2000),
  strongAnswerShows: z.array(z.string().max(500)).max(20),
  expectsStar: z.boolean(),
});
export type PracticeQuestion = z.infer<typeof PracticeQuestion>;

/**
 * A candidate started a practice session. Stream `practice-<sessionId>`. What the candidate typed (job title,
 * job description and the key terms taken from it) is personal data, encrypted with the candidate's key.
 */
export const PracticeSessionStarted = defineEvent({
  type: 'PracticeSessionStarted',
  category: 'practice',
  schema: z.object({
    sessionId: id,
    userId: id,
    track: z.enum(TRACKS),
    jobTitle: pii(z.string().max(200)).nullable(),
    jobDescription: pii(z.string().max(50_000)).nullable(),
    keyTerms: pii(z.array(z.string().max(200)).max(50)),
    questions: z.array(PracticeQuestion).min(1).max(20),
    questionBankVersion: z.string().min(1).max(40),
    answerTimeLimitSeconds: z.number().int().min(10).max(600),
    startedAt: isoTime,
  }),
  pii: ['jobTitle', 'jobDescription', 'keyTerms'],
  subject: (d) => d.userId,
});

export const AUDIO_CONTAINERS = ['webm', 'ogg', 'mp4', 'wav'] as const;
export type AudioContainer = (typeof AUDIO_CONTAINERS)[number];

/**
 * An answer's audio arrived (video never leaves the browser). Stream `recording-<recordingId>`. The bytes sit in
 * the blob store, encrypted under the recording's own key (`recording:<recordingId>`), until transcribed.
 */
export const RecordingUploaded = defineEvent({
  type: 'RecordingUploaded',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    sessionId: id,
    userId: id,
    questionId: id,
    container: z.enum(AUDIO_CONTAINERS),
    mimeType: z.string().min(1).max(100),
    bytes: z.number().int().min(1),
    durationSeconds: z.number().min(0).max(3600),
    sha256: sha256Hex,
    uploadedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

export const TranscriptWord = z.object({
  word: z.string().max(200),
  start: z.number().min(0),
  end: z.number().min(0),
});

/** Speech recognition produced the answer's transcript (encrypted with the candidate's key). */
export const TranscriptProduced = defineEvent({
  type: 'TranscriptProduced',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    sessionId: id,
    userId: id,
    questionId: id,
    text: pii(z.string().max(100_000)),
    words: pii(z.array(TranscriptWord).max(50_000)),
    /** Which engine and model heard the audio, e.g. `pocketsphinx` / `en-us`, `whisper-http` / `whisper-1`. */
    engine: z.object({ name: z.string().min(1).max(60), model: z.string().max(200) }),
    audioSeconds: z.number().min(0),
    engineMs: z.number().int().min(0),
    producedAt: isoTime,
  }),
  pii: ['text', 'words'],
  subject: (d) => d.userId,
});

export const AUDIO_DELETION_REASONS = [
  'transcribed',
  'transcription_failed',
  'consent_withdrawn',
  'processing_restricted',
  'subject_erased',
  'max_age_exceeded',
] as const;
export type AudioDeletionReason = (typeof AUDIO_DELETION_REASONS)[number];

/**
 * The audio blob and its key are gone. Carries the content hash and the lifecycle times for the candidate's
 * deletion receipt, and why (normally right after transcription).
 */
export const AudioDeleted = defineEvent({
  type: 'AudioDeleted',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    userId: id,
    sha256: sha256Hex,
    bytes: z.number().int().min(0),
    reason: z.enum(AUDIO_DELETION_REASONS),
    uploadedAt: isoTime,
    transcribedAt: isoTime.nullable(),
    deletedAt: isoTime,
    /** False when the blob was already gone (e.g. removed by an erasure): the event still records the end. */
    blobExisted: z.boolean(),
  }),
  subject: (d) => d.userId,
});

/** Transcription gave up for good (the audio is deleted as well: see AudioDeleted, reason transcription_failed). */
export const TranscriptionFailed = defineEvent({
  type: 'TranscriptionFailed',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    userId: id,
    engine: z.string().max(60),
    error: z.string().max(2000),
    failedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/** The recording will not be transcribed (consent withdrawn, processing restricted, account erased). */
export const RecordingProcessingSkipped = defineEvent({
  type: 'RecordingProcessingSkipped',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    userId: id,
    reason: z.enum(['consent_withdrawn', 'processing_restricted', 'subject_erased']),
    skippedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

const FeedbackEvidence = z.object({
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  text: z.string().max(2000),
  label: z.string().max(200).optional(),
});

/**
 * One criterion of the feedback. `grader` and the fields after it were added with the model-graded mode
 * (optional: feedback scored before says nothing, and it was the rubric's alone).
 */
export const FeedbackCriterion = z.object({
  id: z.string().min(1).max(40),
  label: z.string().max(200),
  score: z.number().int().min(1).max(5),
  weight: z.number().min(0),
  reason: z.string().max(2000),
  evidence: z.array(FeedbackEvidence).max(50),
  tip: z.string().max(2000),
  /** Who produced `score`: the rubric alone, or the rubric and a language model combined. */
  grader: z.enum(['rubric', 'rubric+model']).optional(),
  /** The rubric's own score, when a model was combined with it. */
  rubricScore: z.number().int().min(1).max(5).optional(),
  /** The model's grade, reason and verbatim quotes. */
  model: z
    .object({
      score: z.number().int().min(1).max(5),
      reason: z.string().max(2000),
      evidence: z.array(FeedbackEvidence).max(10),
    })
    .optional(),
  /** Rubric and model more than one point apart: shown as “the two graders differ”. */
  gradersDiffer: z.boolean().optional(),
});

/**
 * The answer was scored. `criteria` and `metrics` quote the transcript, so they are personal data; the overall
 * score, per-criterion scores (for progress charts) and the engine/rubric versions are not encrypted.
 */
export const FeedbackScored = defineEvent({
  type: 'FeedbackScored',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    sessionId: id,
    userId: id,
    questionId: id,
    competency: z.enum(COMPETENCY_IDS),
    rubricVersion: z.string().min(1).max(40),
    overall: z.number().int().min(0).max(100),
    scores: z.record(z.string(), z.number().int().min(1).max(5)),
    criteria: pii(z.array(FeedbackCriterion).max(20)),
    metrics: pii(z.record(z.string(), z.unknown())),
    /**
     * Who produced the feedback: the rubric alone, the rubric with extra tips from a language model
     * ('rubric+llm'), or scores combined from the rubric and a model grading against the same anchors
     * ('rubric+model'; tips may come too). The model is named.
     */
    engine: z.object({
      name: z.enum(['rubric', 'rubric+llm', 'rubric+model']),
      model: z.string().max(200).nullable(),
    }),
    /** Extra tips from the language model, when one is configured. */
    llmTips: pii(z.array(z.string().max(1000)).max(10)).nullable(),
    scoredAt: isoTime,
  }),
  pii: ['criteria', 'metrics', 'llmTips'],
  subject: (d) => d.userId,
});

/** A transcript was not scored: consent withdrawn, processing restricted or the account erased after transcription. */
export const FeedbackSkipped = defineEvent({
  type: 'FeedbackSkipped',
  category: 'recording',
  schema: z.object({
    recordingId: id,
    userId: id,
    reason: z.enum(['consent_withdrawn', 'processing_restricted', 'subject_erased']),
    skippedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/** The candidate asked that their data be stored but not processed (right to restriction). */
export const ProcessingRestricted = defineEvent({
  type: 'ProcessingRestricted',
  category: 'privacy',
  schema: z.object({ subjectId: id, restrictedAt: isoTime }),
  subject: (d) => d.subjectId,
});

export const ProcessingRestrictionLifted = defineEvent({
  type: 'ProcessingRestrictionLifted',
  category: 'privacy',
  schema: z.object({ subjectId: id, liftedAt: isoTime }),
  subject: (d) => d.subjectId,
});

export const PRACTICE_EVENTS = [
  PracticeSessionStarted,
  RecordingUploaded,
  TranscriptProduced,
  AudioDeleted,
  TranscriptionFailed,
  RecordingProcessingSkipped,
  FeedbackScored,
  FeedbackSkipped,
  ProcessingRestricted,
  ProcessingRestrictionLifted,
] as const;
