import { activityProjection } from './activity.js';
import { consentsProjection } from './consents.js';

export { activityProjection, consentsProjection };
/** Projections kept up to date inside each append's transaction. */
export const INLINE_PROJECTIONS = [consentsProjection] as const;
/** Projections kept up to date asynchronously by the worker. */
export const ASYNC_PROJECTIONS = [activityProjection] as const;
export const ALL_PROJECTIONS = [...INLINE_PROJECTIONS, ...ASYNC_PROJECTIONS] as const;
