import { retention } from '@tia/domain';
import { CANDIDATE } from '../practice/access.js';
import { getConsents, setConsent, setConsentInput } from '../privacy/consent.js';
import { cookieConsentInput, recordCookieConsent } from '../privacy/cookie-consent.js';
import { eraseAccountInput, eraseMyAccount } from '../privacy/erase-account.js';
import { getObjection, objectionInput, setObjection } from '../privacy/objection.js';
import { complaintInput, lodgeComplaint } from '../privacy/complaint.js';
import { requestsOf } from '../privacy/requests.js';
import { minorReportInput, reportMinor } from '../privacy/minor-report.js';
import { processingNotice, retentionConfigFor } from '../privacy/processing-notice.js';
import { listExports, requestExport } from '../privacy/export-data.js';
import {
  changeEmailInput,
  confirmEmailChange,
  confirmEmailInput,
  correctName,
  correctNameInput,
  requestEmailChange,
} from '../privacy/rectify.js';
import {
  deleteAnswer,
  deleteAnswerInput,
  deleteSession,
  deleteSessionInput,
} from '../privacy/delete-answers.js';
import { PUBLIC, procedure, router } from '../trpc.js';

/** The candidate's own privacy choices (more to come with the privacy center). */
export const privacyRouter = router({
  /** Each consent purpose: given / withdrawn / never, since when, under which policy version (P24). */
  consents: procedure(CANDIDATE).query(({ ctx }) => getConsents(ctx.services, ctx.actor.userId)),

  /** Gives (under the published policy version) or withdraws one consent. */
  setConsent: procedure(CANDIDATE)
    .input(setConsentInput)
    .mutation(({ ctx, input }) => setConsent(ctx.services, ctx.actor, input)),

  /** Whether the caller objects to aggregate statistics and service improvement (P25). */
  objection: procedure(CANDIDATE).query(({ ctx }) => getObjection(ctx.services, ctx.actor.userId)),

  setObjection: procedure(CANDIDATE)
    .input(objectionInput)
    .mutation(({ ctx, input }) => setObjection(ctx.services, ctx.actor, input)),

  /** The caller's own privacy requests (rights exercised), with due dates and outcomes. */
  requests: procedure(CANDIDATE).query(({ ctx }) =>
    requestsOf(ctx.services.sql, ctx.session.userId, ctx.services.clock()),
  ),

  /** A complaint about how we handle personal data: reaches compliance's request queue (P29). */
  complain: procedure(CANDIDATE)
    .input(complaintInput)
    .mutation(({ ctx, input }) => lodgeComplaint(ctx.services, ctx.actor, input)),

  /** Asks for a copy of everything held about the caller (ZIP of JSON + CSV, built by the worker). */
  requestExport: procedure(CANDIDATE).mutation(({ ctx }) => requestExport(ctx.services, ctx.actor)),

  /** The caller's exports with their progress; a ready one downloads once at /api/exports/<exportId>. */
  exports: procedure(CANDIDATE).query(({ ctx }) => listExports(ctx.services, ctx.session.userId)),

  /** Deletes one answer of the caller's (transcript, scores, feedback), at any time once analysed. */
  deleteAnswer: procedure(CANDIDATE)
    .input(deleteAnswerInput)
    .mutation(({ ctx, input }) => deleteAnswer(ctx.services, ctx.actor, input)),

  /** Deletes one whole practice session of the caller's with every answer in it. */
  deleteSession: procedure(CANDIDATE)
    .input(deleteSessionInput)
    .mutation(({ ctx, input }) => deleteSession(ctx.services, ctx.actor, input)),

  /** Corrects the caller's name (rectification, P27). */
  correctName: procedure(CANDIDATE)
    .input(correctNameInput)
    .mutation(({ ctx, input }) => correctName(ctx.services, ctx.actor, input)),

  /** Sends a code to the new address; the email changes only once it is confirmed. */
  changeEmail: procedure(CANDIDATE)
    .input(changeEmailInput)
    .mutation(({ ctx, input }) => requestEmailChange(ctx.services, ctx.actor, input)),

  confirmEmailChange: procedure(CANDIDATE)
    .input(confirmEmailInput)
    .mutation(({ ctx, input }) => confirmEmailChange(ctx.services, ctx.actor, input)),
  /** Erases the caller's account for good (P19, P20, P28): current password or a fresh Google sign-in. */
  erase: procedure(CANDIDATE)
    .input(eraseAccountInput)
    .mutation(({ ctx, input }) => eraseMyAccount(ctx, input)),

  /**
   * Categories and purposes (P30), for anyone: generated from the records of processing compliance maintains
   * (`registers.processing`), so the notice and the register never disagree.
   */
  processing: procedure(PUBLIC).query(({ ctx }) =>
    processingNotice(ctx.sql, retentionConfigFor(ctx.services)),
  ),

  /**
   * The notice's "How long we keep data" table (P18), for anyone: generated from the retention configuration
   * the worker's retention job enforces, never written a second time.
   */
  retention: procedure(PUBLIC).query(({ ctx }) =>
    retention
      .retentionRows(retentionConfigFor(ctx.services))
      .map(({ id, data, howLong }) => ({ id, data, howLong })),
  ),

  /** Anyone, signed in or not, reports an account they believe belongs to someone under 16 (P33). */
  reportMinor: procedure(PUBLIC)
    .input(minorReportInput)
    .mutation(({ ctx, input }) => reportMinor(ctx, input)),

  /** Any visitor, signed in or not, records which cookie categories they allow (P34); essential is always on. */
  recordCookieConsent: procedure(PUBLIC)
    .input(cookieConsentInput)
    .mutation(({ ctx, input }) => recordCookieConsent(ctx, input)),
});
