import { lastRetentionRuns, loadRegisters } from '@tia/db';
import { registers, retention } from '@tia/domain';
import { registersOverview, removeEntry, RemoveEntryInput, saveEntry } from '../compliance/registers.js';
import type { ServiceContext, Session } from '../context.js';
import { retentionConfigFor } from '../privacy/processing-notice.js';
import { PUBLIC, procedure, router } from '../trpc.js';

const officers = () => procedure({ kind: 'role', roles: ['compliance_officer'], mfa: true });
const officer = (ctx: ServiceContext & { session: Session }) => ({
  a: ctx.services,
  ctx,
  officerId: ctx.session.userId,
});

export const registersRouter = router({
  /**
   * Records of processing (Art. 30(1)(a)–(g)) in force: public, holds no personal data. The single source the
   * privacy center's "what we process" page reads.
   */
  processing: procedure(PUBLIC).query(async ({ ctx }) => {
    const entries = await loadRegisters(ctx.sql, 'processing');
    const config = retentionConfigFor(ctx.services);
    return entries.flatMap((e) =>
      e.register === 'processing'
        ? [{ id: e.entryId, ...e.fields, retention: retention.expandRetention(e.fields.retention, config) }]
        : [],
    );
  }),
  /** Every register, overdue DPIA reviews flagged, and the staff access reviews. */
  overview: officers().query(async ({ ctx }) =>
    registersOverview(ctx.services.sql, ctx.services.clock().toISOString().slice(0, 10)),
  ),
  /**
   * Retention per data category (P18): the configuration in force (the same rows the notice shows, with how
   * each is enforced) and the retention job's last runs that did something (projection of its events).
   */
  retention: officers().query(async ({ ctx }) => {
    const a = ctx.services;
    return {
      config: a.retention,
      rows: retention.retentionRows(a.retention),
      runs: await lastRetentionRuns(a.sql, 20),
    };
  }),
  save: officers()
    .input(registers.RegisterEntry)
    .mutation(async ({ ctx, input }) => saveEntry(officer(ctx), input)),
  remove: officers()
    .input(RemoveEntryInput)
    .mutation(async ({ ctx, input }) => removeEntry(officer(ctx), input)),
});
