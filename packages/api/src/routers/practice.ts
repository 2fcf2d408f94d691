import {
  CANDIDATE,
  getHistory,
  getRecording,
  getRestriction,
  getSession,
  getTrial,
  recordingInput,
  restrictionInput,
  sessionInput,
  setRestriction,
  speechStatus,
  startInput,
  startSession,
  tracks,
} from '../practice/index.js';
import { deletionProofInput, getDeletionProof } from '../practice/deletion-proof.js';
import { procedure, router } from '../trpc.js';

/** A candidate's interview practice (docs/practice.md). The audio itself arrives over POST /api/recordings. */
export const practiceRouter = router({
  /** The tracks, their competencies and the question bank version. */
  tracks: procedure(CANDIDATE).query(() => tracks()),

  /** Starts a session: questions picked from the bank or generated from the job description. */
  start: procedure(CANDIDATE)
    .input(startInput)
    .mutation(({ ctx, input }) => startSession(ctx.services, ctx.actor, input)),

  /** One of the caller's sessions with its questions and the answers given so far. */
  session: procedure(CANDIDATE)
    .input(sessionInput)
    .query(({ ctx, input }) => getSession(ctx.services, ctx.actor, input)),

  /** One answer: status, deletion receipt, transcript and feedback. */
  recording: procedure(CANDIDATE)
    .input(recordingInput)
    .query(({ ctx, input }) => getRecording(ctx.services, ctx.actor, input)),

  /** The proof that the answer's audio deletion is in the signed audit log (docs/audit-log.md). */
  deletionProof: procedure(CANDIDATE)
    .input(deletionProofInput)
    .query(({ ctx, input }) => getDeletionProof(ctx.services, ctx.actor, input)),

  /** All answers (newest first), the trial and the progress series. */
  history: procedure(CANDIDATE).query(({ ctx }) => getHistory(ctx.services, ctx.actor)),

  trial: procedure(CANDIDATE).query(({ ctx }) => getTrial(ctx.services, ctx.actor)),

  /** Whether answers can be transcribed right now (the worker's last check); uploads are refused when not. */
  speech: procedure(CANDIDATE).query(({ ctx }) => speechStatus(ctx.services.sql)),

  /** Whether processing is restricted (answers stored, not analysed), and since when. */
  restriction: procedure(CANDIDATE).query(({ ctx }) => getRestriction(ctx.services.sql, ctx.actor.userId)),

  setRestriction: procedure(CANDIDATE)
    .input(restrictionInput)
    .mutation(({ ctx, input }) => setRestriction(ctx.services, ctx.actor, input)),
});
