import { loadRegisters } from '@tia/db';
import { registers } from '@tia/domain';
import { registersOverview, removeEntry, RemoveEntryInput, saveEntry } from '../compliance/registers.js';
import type { ServiceContext, Session } from '../context.js';
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
    return entries.flatMap((e) => (e.register === 'processing' ? [{ id: e.entryId, ...e.fields }] : []));
  }),
  /** Every register, overdue DPIA reviews flagged, and the staff access reviews. */
  overview: officers().query(async ({ ctx }) =>
    registersOverview(ctx.services.sql, ctx.services.clock().toISOString().slice(0, 10)),
  ),
  save: officers()
    .input(registers.RegisterEntry)
    .mutation(async ({ ctx, input }) => saveEntry(officer(ctx), input)),
  remove: officers()
    .input(RemoveEntryInput)
    .mutation(async ({ ctx, input }) => removeEntry(officer(ctx), input)),
});
