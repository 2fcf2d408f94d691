import {
  accountsProjection,
  emailLookupFor,
  openAccountFields,
  sealAccountField,
  type SealedAccountRow,
} from './accounts.js';
import { KeyStore } from '../key-store.js';
import type { Projection } from '../projections.js';
import { activityProjection } from './activity.js';
import { consentsProjection } from './consents.js';
import { roleGrantsProjection } from './role-grants.js';
import { practiceProjection } from './practice.js';
import { analyticsProjection } from './analytics.js';
import { privacyRequestsProjection } from './privacy-requests.js';
export { expiredRequestRecords } from './privacy-requests.js';
import { breachesProjection } from './breaches.js';
import { registersProjection } from './registers.js';
import { policyProjection } from './policy.js';
import { accountActivityProjection, retentionProjection } from './retention.js';

/** Needs the server's email-lookup HMAC, so it is built by the API (not in the lists below). */
export { accountsProjection, emailLookupFor, openAccountFields, sealAccountField, type SealedAccountRow };
export {
  activityProjection,
  consentsProjection,
  roleGrantsProjection,
  practiceProjection,
  analyticsProjection,
  privacyRequestsProjection,
  breachesProjection,
  registersProjection,
  policyProjection,
  accountActivityProjection,
  retentionProjection,
};
export { ANALYTICS_CONSENT_PURPOSE, recomputeAnalytics } from './analytics.js';
export { processingBlock, restrictionOf, trialOf, type Trial } from './practice.js';
export { loadRegisters, loadProcessors, type RegisterView } from './registers.js';
export {
  acceptedPolicyRevisions,
  currentPolicyRevision,
  listPolicyRevisions,
  loadPolicyRevision,
  policyNoticeCounts,
  type PolicyRevisionRow,
} from './policy.js';
export {
  accountActivityBehind,
  accountsToErase,
  accountsToWarn,
  expiredSessions,
  lastRetentionRuns,
  type RetentionRunRow,
} from './retention.js';
/** Projections kept up to date inside each append's transaction. */
export const INLINE_PROJECTIONS = [
  consentsProjection,
  roleGrantsProjection,
  practiceProjection,
  privacyRequestsProjection,
  breachesProjection,
  registersProjection,
  policyProjection,
  retentionProjection,
] as const;
/** Projections kept up to date asynchronously by the worker. */
export const ASYNC_PROJECTIONS = [
  activityProjection,
  analyticsProjection,
  accountActivityProjection,
] as const;
export const ALL_PROJECTIONS = [...INLINE_PROJECTIONS, ...ASYNC_PROJECTIONS] as const;

/** Every projection's name, `accounts` included (what `npm run db:rebuild` accepts). */
export const PROJECTION_NAMES = [...ALL_PROJECTIONS.map((p) => p.name), 'accounts'] as const;

/**
 * A projection by name, for tools (rebuild). `accounts` needs the server's AUTH_SECRET (its lookup column is
 * an HMAC of the email) and MASTER_KEY (name and email are sealed under each subject's key). Null when the
 * name is unknown; throws when accounts is asked for without them.
 */
export const projectionByName = (
  name: string,
  opts: { authSecret?: Buffer; masterKey?: Buffer } = {},
): { projection: Projection; inline: boolean } | null => {
  if (name === 'accounts') {
    if (!opts.authSecret)
      throw new Error('Rebuilding accounts needs AUTH_SECRET (the email lookup is an HMAC)');
    if (!opts.masterKey)
      throw new Error('Rebuilding accounts needs MASTER_KEY (name and email are sealed under subject keys)');
    return {
      projection: accountsProjection(emailLookupFor(opts.authSecret), new KeyStore(opts.masterKey)),
      inline: true,
    };
  }
  const projection = ALL_PROJECTIONS.find((p) => p.name === name);
  if (!projection) return null;
  return { projection, inline: (INLINE_PROJECTIONS as readonly Projection[]).includes(projection) };
};
