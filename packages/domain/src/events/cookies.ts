import { z } from 'zod';
import { defineEvent } from './registry.js';

/**
 * Cookie categories of the notice (P34): essential is always on; the others stay off until the visitor
 * chooses them. Today the app sets essential cookies only, so choosing the others changes nothing it sets.
 */
export const COOKIE_CATEGORIES = ['essential', 'performance', 'functional', 'targeting'] as const;
export const OptionalCookieCategory = z.enum(['performance', 'functional', 'targeting']);

/**
 * A visitor — signed in or not — chose which cookie categories to allow (P34, P38). Stream
 * `cookie-consent-<consentId>`; the consent id is random and lives in the visitor's own essential cookie.
 * `subjectId` is the account when signed in, else null. No IP, no browser, nothing else about the person.
 */
export const CookieConsentRecorded = defineEvent({
  type: 'CookieConsentRecorded',
  category: 'privacy',
  schema: z.object({
    consentId: z.uuid(),
    subjectId: z.string().min(1).max(200).nullable(),
    categories: z.object({
      essential: z.literal(true),
      performance: z.boolean(),
      functional: z.boolean(),
      targeting: z.boolean(),
    }),
    policyVersion: z.string().min(1).max(40),
    recordedAt: z.iso.datetime({ offset: true }),
  }),
  subject: (d) => d.subjectId,
});

export const COOKIE_EVENTS = [CookieConsentRecorded] as const;
