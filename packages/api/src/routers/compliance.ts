import { securityAlerts } from '../compliance/security-alerts.js';
import { browseTrail, TrailPage } from '../compliance/trail.js';
import { recordConsultation } from '../compliance/consulted.js';
import { verificationSummary, verifyLog } from '../compliance/verify.js';
import { procedure, router } from '../trpc.js';
import { ServiceUnavailable } from '../errors.js';
import { HandleRequestInput, handleRequest, RequestQueueInput, requestQueue } from '../privacy/requests.js';
import { complaintText, complaintTextInput } from '../privacy/complaint.js';
import { decideMinorReport, minorReportDecisionInput } from '../privacy/minor-report.js';
import { ExportInput, exportTrail } from '../compliance/export-trail.js';
import { OpenEventInput, openEvent } from '../compliance/open-event.js';

const officers = () => procedure({ kind: 'role', roles: ['compliance_officer', 'admin'], mfa: true });

export const complianceRouter = router({
  /** Repeated sign-in failures raised by the rate limiter, newest first. */
  securityAlerts: officers().query(async ({ ctx }) => securityAlerts(ctx.services.store)),

  /**
   * One page of the event log, newest first, by fixed filters: metadata and field names only. Each page
   * looked at is itself recorded (`AuditTrailConsulted`, with the filter and cursor).
   */
  events: officers()
    .input(TrailPage)
    .query(async ({ ctx, input }) => {
      const a = ctx.services;
      const page = await browseTrail(a.sql, input);
      await recordConsultation(a, ctx, {
        officerId: ctx.session.userId,
        action: 'browse',
        filter: { ...input.filter, ...(input.cursor ? { cursor: input.cursor } : {}), limit: input.limit },
        outcome: `${page.events.length} events`,
      });
      return page;
    }),

  /**
   * One event in full: position, chain link, metadata, and its fields, personal ones decrypted while the
   * subject exists (redacted after erasure). Each look is recorded (`AuditTrailConsulted`, action `open`,
   * naming the event opened, never the values shown).
   */
  openEvent: officers()
    .input(OpenEventInput)
    .query(async ({ ctx, input }) => {
      const a = ctx.services;
      const opened = await openEvent(a, input);
      const redacted = opened.fields.filter((f) => f.redacted).length;
      await recordConsultation(a, ctx, {
        officerId: ctx.session.userId,
        action: 'open',
        filter: { eventId: opened.eventId, type: opened.type },
        outcome: redacted > 0 ? `opened; ${redacted} personal fields redacted` : 'opened',
      });
      return opened;
    }),

  /**
   * Holds the database to the latest signed checkpoint (what `npm run db:verify` checks in the application):
   * "intact up to checkpoint N signed at T", or the first broken link. Each run is recorded with its outcome.
   */
  verifyLog: officers().mutation(async ({ ctx }) => {
    const a = ctx.services;
    // A server without an anchor directory cannot verify: say so (503), not a stack trace.
    if (!ctx.audit) throw new ServiceUnavailable('Log verification is not set up on this server.');
    const result = await verifyLog(a.sql, ctx.audit);
    await recordConsultation(a, ctx, {
      officerId: ctx.session.userId,
      action: 'verify',
      filter: {},
      outcome: verificationSummary(result),
    });
    return result;
  }),

  /** Privacy requests (rights exercised) with due dates: open ones most urgent first, overdue flagged. */
  requests: officers()
    .input(RequestQueueInput)
    .query(({ ctx, input }) => requestQueue(ctx.services.sql, ctx.services.clock(), input)),

  /** Marks an open request handled or refused (an event with the officer as actor). */
  handleRequest: officers()
    .input(HandleRequestInput)
    .mutation(({ ctx, input }) =>
      handleRequest(ctx.services, { userId: ctx.session.userId, requestId: ctx.requestId }, input),
    ),

  /** A report of a suspected minor: confirm (erase the account, reason minor) or dismiss (P33). */
  decideMinorReport: officers()
    .input(minorReportDecisionInput)
    .mutation(({ ctx, input }) =>
      decideMinorReport(ctx.services, { userId: ctx.session.userId, requestId: ctx.requestId }, input),
    ),

  /** A complaint's text, for the officer handling it. */
  complaint: officers()
    .input(complaintTextInput)
    .query(({ ctx, input }) => complaintText(ctx.services, input)),
  /**
   * Exports the filtered trail (JSON or CSV, metadata only) for an auditor, after verifying the log: the file
   * names the checkpoint it was verified against and marks each event it covers. Recorded as an `export`.
   */
  exportTrail: officers()
    .input(ExportInput)
    .mutation(async ({ ctx, input }) => {
      const a = ctx.services;
      if (!ctx.audit) throw new ServiceUnavailable('Log verification is not set up on this server.');
      const verification = await verifyLog(a.sql, ctx.audit);
      const file = await exportTrail(a.sql, input, verification, a.clock().toISOString());
      await recordConsultation(a, ctx, {
        officerId: ctx.session.userId,
        action: 'export',
        filter: { ...input.filter, format: input.format, limit: input.limit },
        outcome: `${file.count} events; ${verificationSummary(verification)}`.slice(0, 500),
      });
      return { ...file, verification };
    }),
});
