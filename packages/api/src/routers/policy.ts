import {
  acceptRevision,
  getRevision,
  listRevisions,
  policyOverview,
  policyStatus,
  publishRevision,
  publishRevisionInput,
  revisionInput,
  revisionsForOfficers,
} from '../policy/revisions.js';
import { AUTHENTICATED, PUBLIC, procedure, router, type RoleAccess } from '../trpc.js';

/** The access rule of every compliance procedure: compliance officers who passed their second factor. */
const OFFICERS: RoleAccess = { kind: 'role', roles: ['compliance_officer'], mfa: true };

/** Revisions of the privacy notice (P35). */
export const policyRouter = router({
  /** The revision in force and the latest published (public: what /privacy and the footer show). */
  current: procedure(PUBLIC).query(({ ctx }) => policyOverview(ctx.services)),
  /** Every revision, newest first, without texts. */
  revisions: procedure(PUBLIC).query(({ ctx }) => listRevisions(ctx.services)),
  /** One revision with its full text, as published. */
  revision: procedure(PUBLIC)
    .input(revisionInput)
    .query(({ ctx, input }) => getRevision(ctx.services, input.revision)),
  /** For the signed-in notice: a significant revision still to acknowledge, if any. */
  status: procedure(AUTHENTICATED).query(({ ctx }) => policyStatus(ctx.services, ctx.actor.userId)),
  /** Acknowledges a revision (`PolicyRevisionAccepted`). */
  accept: procedure(AUTHENTICATED)
    .input(revisionInput)
    .mutation(({ ctx, input }) => acceptRevision(ctx.services, ctx.actor, input)),
  /** The console: revisions with how many people were emailed about each. */
  overview: procedure(OFFICERS).query(({ ctx }) => revisionsForOfficers(ctx.services)),
  /** Publishes a new revision (`PolicyRevisionPublished`). */
  publish: procedure(OFFICERS)
    .input(publishRevisionInput)
    .mutation(({ ctx, input }) => publishRevision(ctx.services, ctx.actor, input)),
});
