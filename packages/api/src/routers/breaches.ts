import { z } from 'zod';
import {
  AssessInput,
  assess,
  BREACH_DATA_CATEGORIES,
  close,
  CloseInput,
  contain,
  ContainInput,
  getBreach,
  listBreaches,
  noteRemediation,
  NoticeInput,
  RegisterBreachInput,
  registerBreach,
  RemediationInput,
  report,
  ReportInput,
  sendNotices,
} from '../compliance/breaches.js';
import { procedure, router } from '../trpc.js';
import type { ServiceContext, Session } from '../context.js';

/** Compliance officers with a passed second factor, like the audit trail. */
const officers = () => procedure({ kind: 'role', roles: ['compliance_officer'], mfa: true });

const officer = (ctx: ServiceContext & { session: Session }) => ({
  a: ctx.services,
  ctx,
  officerId: ctx.session.userId,
});

/** Breach response (P36): every mutation is an event on the incident's stream; reads come from `rm_breaches*`. */
export const breachesRouter = router({
  list: officers().query(async ({ ctx }) => ({
    breaches: await listBreaches(ctx.services.sql),
    categories: BREACH_DATA_CATEGORIES,
  })),
  get: officers()
    .input(z.object({ breachId: z.uuid() }).strict())
    .query(async ({ ctx, input }) => getBreach(ctx.services.sql, input.breachId)),
  register: officers()
    .input(RegisterBreachInput)
    .mutation(async ({ ctx, input }) => registerBreach(officer(ctx), input)),
  contain: officers()
    .input(ContainInput)
    .mutation(async ({ ctx, input }) => contain(officer(ctx), input)),
  assess: officers()
    .input(AssessInput)
    .mutation(async ({ ctx, input }) => assess(officer(ctx), input)),
  notify: officers()
    .input(NoticeInput)
    .mutation(async ({ ctx, input }) => sendNotices(officer(ctx), input)),
  report: officers()
    .input(ReportInput)
    .mutation(async ({ ctx, input }) => report(officer(ctx), input)),
  remediate: officers()
    .input(RemediationInput)
    .mutation(async ({ ctx, input }) => noteRemediation(officer(ctx), input)),
  close: officers()
    .input(CloseInput)
    .mutation(async ({ ctx, input }) => close(officer(ctx), input)),
});
