/**
 * Cookie choices (P34, P38): essential always on; performance, functional and targeting off until the visitor
 * chooses. Every choice — signed in or not — is an event (`CookieConsentRecorded`: consent id, categories,
 * policy version, UTC time) and is remembered in one essential cookie the banner reads:
 * `tia_cookie_consent=<consentId>.<p><f><t>` (1/0 per optional category).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ServiceContext } from '../context.js';
import { POLICIES } from '../rate-limit.js';
import { technical } from '../accounts/common.js';
import { policyVersionInForce } from '../policy/revisions.js';

export const COOKIE_CONSENT_COOKIE = 'tia_cookie_consent';
const MAX_AGE_SECONDS = 180 * 24 * 3600;

export const cookieConsentInput = z.object({
  /** From the visitor's own cookie when they chose before; absent on the first choice. */
  consentId: z.uuid().optional(),
  performance: z.boolean(),
  functional: z.boolean(),
  targeting: z.boolean(),
});

export interface CookieConsentView {
  consentId: string;
  categories: { essential: true; performance: boolean; functional: boolean; targeting: boolean };
  policyVersion: string;
  recordedAt: string;
}

export const cookieValue = (v: Pick<CookieConsentView, 'consentId' | 'categories'>): string =>
  `${v.consentId}.${[v.categories.performance, v.categories.functional, v.categories.targeting].map((b) => (b ? '1' : '0')).join('')}`;

export const recordCookieConsent = async (
  ctx: ServiceContext,
  raw: z.input<typeof cookieConsentInput>,
): Promise<CookieConsentView> => {
  const input = cookieConsentInput.parse(raw);
  const a = ctx.services;
  const now = a.clock();
  // Public and writes an event: counted per network so nobody can flood the log.
  await a.limiter.reserve(
    a.sql,
    [
      {
        key: a.limiter.key('cookie-choice-ip', technical(ctx).ipPrefix ?? 'unknown'),
        policy: POLICIES.cookieChoiceIp,
      },
    ],
    now,
  );
  const view: CookieConsentView = {
    consentId: input.consentId ?? randomUUID(),
    categories: {
      essential: true,
      performance: input.performance,
      functional: input.functional,
      targeting: input.targeting,
    },
    // The revision of the notice in force when the choice was made (P35).
    policyVersion: await policyVersionInForce(a),
    recordedAt: now.toISOString(),
  };
  // 'any' on purpose: each choice is a new record of its own; nothing is decided on the earlier ones.
  await a.store.append(`cookie-consent-${view.consentId}`, 'any', [
    {
      eventId: a.newId(),
      type: 'CookieConsentRecorded',
      data: { ...view, subjectId: ctx.session?.userId ?? null },
      metadata: {
        occurredAt: view.recordedAt,
        ...(ctx.session ? { actor: { kind: 'user' as const, id: ctx.session.userId } } : {}),
        correlationId: ctx.requestId,
      },
    },
  ]);
  ctx.cookies.set(
    COOKIE_CONSENT_COOKIE,
    cookieValue(view),
    `SameSite=Lax; Path=/; Max-Age=${MAX_AGE_SECONDS}${ctx.cookies.secure ? '; Secure' : ''}`,
  );
  return view;
};
