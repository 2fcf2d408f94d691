import { accountsProjection } from './accounts.js';
import { activityProjection } from './activity.js';
import { consentsProjection } from './consents.js';
import { roleGrantsProjection } from './role-grants.js';
import { practiceProjection } from './practice.js';
import { analyticsProjection } from './analytics.js';

/** Needs the server's email-lookup HMAC, so it is built by the API (not in the lists below). */
export { accountsProjection };
export {
  activityProjection,
  consentsProjection,
  roleGrantsProjection,
  practiceProjection,
  analyticsProjection,
};
export { ANALYTICS_CONSENT_PURPOSE, recomputeAnalytics } from './analytics.js';
/** Projections kept up to date inside each append's transaction. */
export const INLINE_PROJECTIONS = [consentsProjection, roleGrantsProjection, practiceProjection] as const;
/** Projections kept up to date asynchronously by the worker. */
export const ASYNC_PROJECTIONS = [activityProjection, analyticsProjection] as const;
export const ALL_PROJECTIONS = [...INLINE_PROJECTIONS, ...ASYNC_PROJECTIONS] as const;
