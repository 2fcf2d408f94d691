import { authOf } from '../identity/common.js';
import { CANDIDATE } from '../practice/access.js';
import { getConsents, setConsent, setConsentInput } from '../privacy/consent.js';
import { getObjection, objectionInput, setObjection } from '../privacy/objection.js';
import { procedure, router } from '../trpc.js';

/** The candidate's own privacy choices (more to come with the privacy center). */
export const privacyRouter = router({
  /** Each consent purpose: given / withdrawn / never, since when, under which policy version (P24). */
  consents: procedure(CANDIDATE).query(({ ctx }) => getConsents(authOf(ctx), ctx.actor.userId)),

  /** Gives (under the published policy version) or withdraws one consent. */
  setConsent: procedure(CANDIDATE)
    .input(setConsentInput)
    .mutation(({ ctx, input }) => setConsent(authOf(ctx), ctx.actor, input)),

  /** Whether the caller objects to aggregate statistics and service improvement (P25). */
  objection: procedure(CANDIDATE).query(({ ctx }) => getObjection(authOf(ctx), ctx.actor.userId)),

  setObjection: procedure(CANDIDATE)
    .input(objectionInput)
    .mutation(({ ctx, input }) => setObjection(authOf(ctx), ctx.actor, input)),
});
