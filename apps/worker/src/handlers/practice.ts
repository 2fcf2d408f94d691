import { randomUUID } from 'node:crypto';
import {
  CommandHandler,
  processingBlock,
  type BlobStore,
  type EventStore,
  type InlineProjection,
  type Queryable,
  type TxSql,
} from '@tia/db';
import {
  COMPETENCY_IDS,
  combineWithModel,
  getCompetency,
  modelGradingRequest,
  recording,
  revealOr,
  revealQuestion,
  rubricOnly,
  scoreAnswer,
  type AnswerScore,
  type VerifiedModelGrade,
  type CompetencyId,
  type EventData,
} from '@tia/domain';
import { decodeToWav16k } from '../speech/decode.js';
import { failureCodeOf, scrubDetail } from './failure.js';
import { PermanentTranscriptionError, type TranscriptionEngine } from '../speech/port.js';
import type { FeedbackEnricher } from '../feedback/llm.js';
import type { ModelGrader } from '../feedback/grader.js';
import type { Handler } from '../transport/port.js';

type SkipReason = recording.SkipReason;

export interface PracticeDeps {
  blobs: BlobStore;
  /** Inline projections passed to every append (the practice read models among them). */
  inline: readonly InlineProjection[];
  clock?: () => Date;
}

/** The one "may we process this person's audio" check, shared with the upload (`@tia/db` read models). */
export { processingBlock };

const WORKER = { kind: 'system' as const, id: 'worker' };

/**
 * Decides one recording command through the command handler, in the handler's transaction `tx`: the recording's
 * stream is loaded and folded, `command(state, now)` decided, the events appended at the loaded version with the
 * worker as actor and the causing event as causation. When the decision deletes the audio (`AudioDeleted`), the
 * blob and its key go in the same transaction.
 */
export const decideRecording = (
  deps: PracticeDeps,
  store: EventStore,
  tx: TxSql,
  recordingId: string,
  command: (
    state: recording.RecordingState,
    now: string,
  ) => recording.RecordingCommand | readonly recording.RecordingCommand[],
  meta: { causationId?: string; expectedVersion?: number } = {},
) =>
  new CommandHandler({
    sql: store.sql,
    store,
    clock: deps.clock ?? (() => new Date()),
    newId: randomUUID,
    inline: deps.inline,
  }).handle(
    recording.recordingDecider,
    recording.recordingStream(recordingId),
    command,
    { actor: WORKER, ...(meta.causationId ? { causationId: meta.causationId } : {}) },
    {
      tx,
      ...(meta.expectedVersion !== undefined ? { expectedVersion: meta.expectedVersion } : {}),
      after: async (t, { events }) => {
        if (events.some((e) => e.type === 'AudioDeleted')) await deps.blobs.delete(t, recordingId);
      },
    },
  );

/** The recording's state and stream version, read in `tx` (for checks before slow or costly work). */
const loadRecording = (store: EventStore, tx: TxSql, recordingId: string) =>
  store.load(recording.recordingStream(recordingId), recording.recordingDecider, tx);

/** How much longer than declared an upload's audio may be (recorder start-up, container padding). */
export const DURATION_TOLERANCE_SECONDS = 5;

type Prepared =
  | { kind: 'blocked'; reason: SkipReason }
  | { kind: 'gone' }
  | { kind: 'transcript'; transcript: recording.TranscriptData; feedback: recording.FeedbackData | null }
  | { kind: 'failed'; code: recording.TranscriptionFailureCode };

/**
 * RecordingUploaded → transcript. Outside any transaction: checks consent/restriction/erasure, decrypts the
 * audio, decodes it to 16 kHz mono PCM and runs the speech engine. Then, in one transaction: checks again (a
 * withdrawal during transcription wins), appends TranscriptProduced + AudioDeleted and deletes the blob and its
 * key — the audio does not outlive the commit of its transcript. A permanent failure (or the last attempt)
 * deletes the audio too, with the reason.
 */
export const transcriptionHandler = (
  deps: PracticeDeps & {
    engine: TranscriptionEngine;
    timeoutMs?: number;
    /**
     * Score the answer with the rubric in the transcript's own transaction (`FeedbackScored` beside
     * `TranscriptProduced`): what the feedback handler would decide next, without another relay hop, consumer
     * and transaction. Only where feedback is the rubric alone (no language model: its call must not run
     * here); the feedback handler then finds the recording scored and does nothing. Default false.
     */
    scoreAtOnce?: boolean;
  },
): Handler<Prepared, 'RecordingUploaded'> => ({
  name: 'transcription',
  types: ['RecordingUploaded'],
  maxAttempts: 3,
  prepare: async (event, ctx) => {
    const { userId, recordingId } = event.data;
    const blocked = await processingBlock(ctx.store.sql, userId);
    if (blocked) return { kind: 'blocked', reason: blocked };
    const blob = await deps.blobs.get(ctx.store.sql, recordingId);
    if (!blob) return { kind: 'gone' };
    try {
      // Long answers take longer to recognise: the limit grows with the declared length (as the engine's own).
      const declaredSeconds = event.data.durationSeconds;
      const limitMs = Math.max(deps.timeoutMs ?? 120_000, 30_000 + 3_000 * declaredSeconds);
      const signal = AbortSignal.any([...(ctx.signal ? [ctx.signal] : []), AbortSignal.timeout(limitMs)]);
      const { wav, seconds } = await decodeToWav16k(blob.data, { signal });
      // The upload's duration is what the browser measured; the decoded audio is the truth.
      const declared = declaredSeconds;
      if (seconds > declared * 1.1 + DURATION_TOLERANCE_SECONDS) {
        ctx.log.warn('transcription refused: audio longer than declared', {
          recordingId,
          audioSeconds: Math.round(seconds * 10) / 10,
          declaredSeconds: declared,
        });
        return { kind: 'failed', code: 'duration_mismatch' };
      }
      const started = performance.now();
      const t = await deps.engine.transcribe(wav, { signal });
      const engineMs = Math.round(performance.now() - started);
      ctx.log.info('recording transcribed', {
        recordingId,
        engine: deps.engine.name,
        audioSeconds: seconds,
        engineMs,
        words: t.words.length,
      });
      const transcript: recording.TranscriptData = {
        text: t.text,
        words: t.words,
        engine: { name: deps.engine.name, model: deps.engine.model },
        audioSeconds: Math.round(seconds * 100) / 100,
        engineMs,
      };
      // The session is immutable once started: scored here, outside the transaction.
      const scored = deps.scoreAtOnce
        ? await scoreText(ctx.store, ctx.store.sql, {
            sessionId: event.data.sessionId,
            questionId: event.data.questionId,
            text: t.text,
            words: t.words,
            audioSeconds: transcript.audioSeconds,
          })
        : null;
      return { kind: 'transcript', transcript, feedback: scored ? rubricFeedback(scored) : null };
    } catch (e) {
      if (e instanceof PermanentTranscriptionError || ctx.attempt >= ctx.maxAttempts) {
        const code = failureCodeOf(e);
        // Operators get a scrubbed detail (no quoted text, URLs without credentials or query); events get the code.
        ctx.log.warn('transcription failed for good', {
          recordingId,
          code,
          detail: scrubDetail(e),
          attempt: ctx.attempt,
        });
        return { kind: 'failed', code };
      }
      throw e;
    }
  },
  handle: async (event, ctx) => {
    const { userId, recordingId } = event.data;
    const prepared = ctx.prepared ?? { kind: 'gone' as const };
    const blobExisted = await deps.blobs.exists(ctx.tx, recordingId);
    const blocked = await processingBlock(ctx.tx, userId);
    const { events } = await decideRecording(
      deps,
      ctx.store,
      ctx.tx,
      recordingId,
      (_state, now): recording.RecordingCommand | recording.RecordingCommand[] => {
        if (blocked) return { type: 'SkipProcessing', reason: blocked, blobExisted, now };
        if (prepared.kind === 'blocked')
          return { type: 'SkipProcessing', reason: prepared.reason, blobExisted, now };
        if (prepared.kind === 'transcript')
          return [
            { type: 'CompleteTranscription', transcript: prepared.transcript, blobExisted, now },
            // The consent check above holds for both (same transaction), as the feedback handler's would.
            ...(prepared.feedback
              ? [{ type: 'ScoreFeedback' as const, feedback: prepared.feedback, now }]
              : []),
          ];
        if (prepared.kind === 'failed')
          return {
            type: 'FailTranscription',
            engine: deps.engine.name,
            code: prepared.code,
            blobExisted,
            now,
          };
        return {
          type: 'FailTranscription',
          engine: deps.engine.name,
          code: 'audio_unavailable',
          blobExisted,
          now,
        };
      },
      { causationId: event.eventId },
    );
    if (events.length > 0)
      ctx.log.info('recording processed', { recordingId, decided: events.map((e) => e.type) });
  },
});

/** What the rubric needs from the session: the question and the job's key terms. */
const sessionContext = async (store: EventStore, db: Queryable, sessionId: string, questionId: string) => {
  const [started] = await store.readStream(recording.practiceStream(sessionId), { db });
  if (!started || started.type !== 'PracticeSessionStarted') return null;
  const d = started.data;
  const stored = d.questions.find((q) => q.id === questionId);
  if (!stored) return null;
  const keyTerms = revealOr<string[]>(d.keyTerms, []);
  const jobTitle = revealOr<string | null>(d.jobTitle, null);
  // Job-track questions are stored with placeholders for what the candidate typed: put the words back.
  return { question: revealQuestion(stored, { jobTitle, keyTerms }), keyTerms };
};

const scoreTranscript = (store: EventStore, db: Queryable, t: EventData<'TranscriptProduced'>) =>
  scoreText(store, db, {
    sessionId: t.sessionId,
    questionId: t.questionId,
    text: revealOr<string>(t.text, ''),
    words: revealOr<recording.TranscriptData['words']>(t.words, []),
    audioSeconds: t.audioSeconds,
  });

const scoreText = async (
  store: EventStore,
  db: Queryable,
  t: {
    sessionId: string;
    questionId: string;
    text: string;
    words: recording.TranscriptData['words'];
    audioSeconds: number;
  },
) => {
  const ctx = await sessionContext(store, db, t.sessionId, t.questionId);
  if (!ctx) return null;
  const { text, words } = t;
  const score = scoreAnswer({
    transcript: text,
    words,
    durationSeconds: Math.min(3600, t.audioSeconds),
    question: {
      id: ctx.question.id,
      text: ctx.question.text,
      competency: ctx.question.competency,
      expectsStar: ctx.question.expectsStar,
    },
    jobKeyTerms: ctx.keyTerms,
  });
  return { score, question: ctx.question, text, keyTerms: ctx.keyTerms };
};

const toFeedback = (
  score: AnswerScore,
  competency: CompetencyId,
  llm: { model: string; tips: string[] } | null,
  graded: { model: string; grades: readonly VerifiedModelGrade[] } | null,
): recording.FeedbackData => {
  const combined =
    graded && graded.grades.length > 0 ? combineWithModel(score, graded.grades) : rubricOnly(score);
  const span = (e: { start: number; end: number; text: string; label?: string }) => ({
    start: e.start,
    end: e.end,
    text: e.text.slice(0, 2000),
    ...(e.label ? { label: e.label } : {}),
  });
  const usedModel = combined.criteria.some((c) => c.grader === 'rubric+model');
  return {
    competency,
    rubricVersion: score.rubricVersion,
    overall: Math.round(combined.overall),
    scores: Object.fromEntries(combined.criteria.map((c) => [c.id, c.score])),
    criteria: combined.criteria.map((c) => ({
      id: c.id,
      label: c.label,
      score: c.score,
      weight: c.weight,
      reason: c.reason,
      evidence: c.evidence.slice(0, 50).map(span),
      tip: c.tip,
      grader: c.grader,
      ...(c.model
        ? {
            rubricScore: c.rubricScore,
            model: {
              score: c.model.score,
              reason: c.model.reason.slice(0, 2000),
              evidence: c.model.evidence.slice(0, 10).map(span),
            },
            gradersDiffer: c.gradersDiffer,
          }
        : {}),
    })),
    metrics: { ...score.metrics },
    engine:
      usedModel && graded
        ? { name: 'rubric+model', model: graded.model }
        : llm
          ? { name: 'rubric+llm', model: llm.model }
          : { name: 'rubric', model: null },
    llmTips: llm ? llm.tips : null,
  };
};

/** The rubric's feedback alone (no language model), as the feedback handler decides it without one. */
const rubricFeedback = (scored: NonNullable<Awaited<ReturnType<typeof scoreText>>>) =>
  toFeedback(
    scored.score,
    COMPETENCY_IDS.includes(scored.question.competency) ? scored.question.competency : COMPETENCY_IDS[0],
    null,
    null,
  );

type FeedbackPrepared = {
  llm: { model: string; tips: string[] } | null;
  graded: { model: string; grades: readonly VerifiedModelGrade[] } | null;
};

/**
 * TranscriptProduced → FeedbackScored: the deterministic rubric, optionally enriched by a language model (its
 * call runs outside the transaction; when it fails the feedback says it came from the rubric alone).
 */
export const feedbackHandler = (
  deps: PracticeDeps & { enricher?: FeedbackEnricher | null; grader?: ModelGrader | null },
): Handler<FeedbackPrepared, 'TranscriptProduced'> => ({
  name: 'feedback',
  types: ['TranscriptProduced'],
  prepare: async (event, ctx) => {
    const { enricher, grader } = deps;
    const none: FeedbackPrepared = { llm: null, graded: null };
    if (!enricher && !grader) return none;
    if ((await processingBlock(ctx.store.sql, event.data.userId)) !== null) return none;
    const scored = await scoreTranscript(ctx.store, ctx.store.sql, event.data);
    if (!scored || scored.text.trim() === '') return none;
    // Only the question, competency, key terms, transcript and anchors go out: never name, email or ids.
    let graded: FeedbackPrepared['graded'] = null;
    if (grader) {
      try {
        const competency = COMPETENCY_IDS.includes(scored.question.competency)
          ? scored.question.competency
          : COMPETENCY_IDS[0];
        const verified = await grader.grade(
          modelGradingRequest({
            question: scored.question.text,
            competency,
            jobKeyTerms: scored.keyTerms,
            transcript: scored.text,
            score: scored.score,
          }),
          ctx.signal ? { signal: ctx.signal } : {},
        );
        if (verified.refused.length > 0)
          ctx.log.warn('model grades refused; the rubric scores those criteria alone', {
            refused: verified.refused.map((r) => ({ id: r.id, why: r.why.slice(0, 40) })),
          });
        graded = { model: grader.model, grades: verified.accepted };
      } catch (e) {
        ctx.log.warn('model grading unavailable; rubric scores only', {
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
    if (!enricher) return { llm: null, graded };
    try {
      const tips = await enricher.enrich(
        {
          question: scored.question.text,
          competency: getCompetency(scored.question.competency).label,
          transcript: scored.text,
          criteria: scored.score.criteria.map((c) => ({
            id: c.id,
            label: c.label,
            score: c.score,
            reason: c.reason,
            tip: c.tip,
          })),
        },
        ctx.signal ? { signal: ctx.signal } : {},
      );
      return { llm: { model: enricher.model, tips }, graded };
    } catch (e) {
      // Never the model's output (it can quote the transcript): the error's class and a scrubbed message only.
      ctx.log.warn('language model tips unavailable; rubric feedback only', { detail: scrubDetail(e) });
      return { llm: null, graded };
    }
  },
  handle: async (event, ctx) => {
    const recordingId = event.data.recordingId;
    const { state, version } = await loadRecording(ctx.store, ctx.tx, recordingId);
    if (state.kind !== 'transcribed') return;
    const blocked = await processingBlock(ctx.tx, event.data.userId);
    if (blocked !== null) {
      // Consent withdrawn (or processing paused, or erased) since the transcript: not analysed, and it says why.
      await decideRecording(
        deps,
        ctx.store,
        ctx.tx,
        recordingId,
        (_state, now) => ({ type: 'SkipFeedback', reason: blocked, now }),
        { causationId: event.eventId, expectedVersion: version },
      );
      ctx.log.info('feedback not scored: processing is blocked for this subject', {
        recordingId,
        reason: blocked,
      });
      return;
    }
    const scored = await scoreTranscript(ctx.store, ctx.tx, event.data);
    if (!scored) {
      ctx.log.warn('feedback not scored: session or question not found', { recordingId });
      return;
    }
    const competency = COMPETENCY_IDS.includes(scored.question.competency)
      ? scored.question.competency
      : COMPETENCY_IDS[0];
    const feedback = toFeedback(
      scored.score,
      competency,
      ctx.prepared?.llm ?? null,
      ctx.prepared?.graded ?? null,
    );
    // Decided on the state checked above (same transaction): the version cannot have moved.
    await decideRecording(
      deps,
      ctx.store,
      ctx.tx,
      recordingId,
      (_state, now) => ({ type: 'ScoreFeedback', feedback, now }),
      { causationId: event.eventId, expectedVersion: version },
    );
  },
});

/**
 * Whatever happened, no audio outlives `maxAgeMs`: deletes older blobs (and keys) and records AudioDeleted
 * (max_age_exceeded) for recordings that never got a transcript. Returns how many blobs went.
 */
export const sweepAudio = async (
  deps: PracticeDeps & { store: EventStore; maxAgeMs: number },
): Promise<number> => {
  const now = (deps.clock ?? (() => new Date()))();
  const old = await deps.blobs.olderThan(deps.store.sql, new Date(now.getTime() - deps.maxAgeMs));
  let swept = 0;
  for (const b of old) {
    await deps.store.sql.begin(async (tx) => {
      const blobExisted = await deps.blobs.exists(tx, b.recordingId);
      if (!blobExisted) return;
      const { events } = await decideRecording(deps, deps.store, tx, b.recordingId, (state) =>
        state.kind === 'none' ? [] : { type: 'ExpireAudio', blobExisted, now: now.toISOString() },
      );
      // decideRecording deletes the blob with its AudioDeleted; orphans and already-ended recordings decide
      // nothing, so their blob goes here.
      if (events.length === 0) await deps.blobs.delete(tx, b.recordingId);
      swept++;
    });
  }
  return swept;
};
