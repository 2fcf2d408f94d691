import { authOf } from '../identity/common.js';
import { CANDIDATE } from '../practice/service.js';
import { getConsents, setConsent, setConsentInput } from '../privacy/consent.js';
import { cookieConsentInput, recordCookieConsent } from '../privacy/cookie-consent.js';
import { eraseAccountInput, eraseMyAccount } from '../privacy/erase-account.js';
import { getObjection, objectionInput, setObjection } from '../privacy/objection.js';
import { PUBLIC, procedure, router } from '../trpc.js';

/** The candidate's own privacy choices (more to come with the privacy center). */
export const privacyRouter = router({
  /** Each consent purpose: given / withdrawn / never, since when, under which policy version (P24). */
  consents: procedure(CANDIDATE).query(({ ctx }) => getConsents(authOf(ctx), ctx.session.userId)),

  /** Gives (under the published policy version) or withdraws one consent. */
  setConsent: procedure(CANDIDATE)
    .input(setConsentInput)
    .mutation(({ ctx, input }) =>
      setConsent(authOf(ctx), { userId: ctx.session.userId, requestId: ctx.requestId }, input),
    ),

  /** Whether the caller objects to aggregate statistics and service improvement (P25). */
  objection: procedure(CANDIDATE).query(({ ctx }) => getObjection(authOf(ctx), ctx.session.userId)),

  setObjection: procedure(CANDIDATE)
    .input(objectionInput)
    .mutation(({ ctx, input }) =>
      setObjection(authOf(ctx), { userId: ctx.session.userId, requestId: ctx.requestId }, input),
    ),

  /** Erases the caller's account for good (P19, P20, P28): current password or a fresh Google sign-in. */
  erase: procedure(CANDIDATE)
    .input(eraseAccountInput)
    .mutation(({ ctx, input }) => eraseMyAccount(ctx, input)),

  /** Any visitor, signed in or not, records which cookie categories they allow (P34); essential is always on. */
  recordCookieConsent: procedure(PUBLIC)
    .input(cookieConsentInput)
    .mutation(({ ctx, input }) => recordCookieConsent(ctx, input)),
});
