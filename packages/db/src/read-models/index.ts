import { accountsProjection, emailLookupFor } from './accounts.js';
import type { Projection } from '../projections.js';
import { activityProjection } from './activity.js';
import { consentsProjection } from './consents.js';
import { roleGrantsProjection } from './role-grants.js';
import { practiceProjection } from './practice.js';
import { analyticsProjection } from './analytics.js';
import { breachesProjection } from './breaches.js';
import { registersProjection } from './registers.js';

/** Needs the server's email-lookup HMAC, so it is built by the API (not in the lists below). */
export { accountsProjection, emailLookupFor };
export {
  activityProjection,
  consentsProjection,
  roleGrantsProjection,
  practiceProjection,
  analyticsProjection,
  breachesProjection,
  registersProjection,
};
export { ANALYTICS_CONSENT_PURPOSE, recomputeAnalytics } from './analytics.js';
export { loadRegisters, loadProcessors, type RegisterView } from './registers.js';
/** Projections kept up to date inside each append's transaction. */
export const INLINE_PROJECTIONS = [
  consentsProjection,
  roleGrantsProjection,
  practiceProjection,
  breachesProjection,
  registersProjection,
] as const;
/** Projections kept up to date asynchronously by the worker. */
export const ASYNC_PROJECTIONS = [activityProjection, analyticsProjection] as const;
export const ALL_PROJECTIONS = [...INLINE_PROJECTIONS, ...ASYNC_PROJECTIONS] as const;

/** Every projection's name, `accounts` included (what `npm run db:rebuild` accepts). */
export const PROJECTION_NAMES = [...ALL_PROJECTIONS.map((p) => p.name), 'accounts'] as const;

/**
 * A projection by name, for tools (rebuild). `accounts` needs the server's AUTH_SECRET: its lookup column is
 * an HMAC of the email. Null when the name is unknown; throws when accounts is asked for without the secret.
 */
export const projectionByName = (
  name: string,
  opts: { authSecret?: Buffer } = {},
): { projection: Projection; inline: boolean } | null => {
  if (name === 'accounts') {
    if (!opts.authSecret)
      throw new Error('Rebuilding accounts needs AUTH_SECRET (the email lookup is an HMAC)');
    return { projection: accountsProjection(emailLookupFor(opts.authSecret)), inline: true };
  }
  const projection = ALL_PROJECTIONS.find((p) => p.name === name);
  if (!projection) return null;
  return { projection, inline: (INLINE_PROJECTIONS as readonly Projection[]).includes(projection) };
};
