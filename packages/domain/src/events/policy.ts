import { z } from 'zod';
import { defineEvent } from './registry.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

/** A revision's label as people see it (also the `policyVersion` consents name), e.g. `2026-12-07`. */
export const PolicyRevisionId = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only');

/** Longest stored text of one revision of the notice (characters). */
export const POLICY_TEXT_MAX = 60_000;

/**
 * Policy revisions (P35). A compliance officer published revision `revision` (1, 2, … on the stream `policy-revisions`)
 * of the privacy notice: its label, what changed in plain language, whether the change is significant (people
 * are then asked to acknowledge it and emailed), the day it takes effect, and the full text as published so
 * that what a person acknowledged can be shown later. No personal data beyond the officer's id.
 */
export const PolicyRevisionPublished = defineEvent({
  type: 'PolicyRevisionPublished',
  category: 'compliance',
  schema: z.object({
    revision: z.number().int().min(1),
    revisionId: PolicyRevisionId,
    summary: z.string().trim().min(1).max(5000),
    significant: z.boolean(),
    effectiveOn: z.iso.date(),
    text: z.string().trim().min(1).max(POLICY_TEXT_MAX),
    publishedBy: id,
    publishedAt: isoTime,
  }),
});

/** A signed-in person acknowledged a (significant) revision of the notice. Stream `policy-acceptance-<userId>`. */
export const PolicyRevisionAccepted = defineEvent({
  type: 'PolicyRevisionAccepted',
  category: 'privacy',
  schema: z.object({
    userId: id,
    revision: z.number().int().min(1),
    revisionId: PolicyRevisionId,
    acceptedAt: isoTime,
  }),
  subject: (d) => d.userId,
});

/**
 * The worker emailed one person about a significant revision (P07, P35): written after the mail server accepted
 * the message. Stream `policy-notice-<revision>-<userId>`: at most one per person and revision.
 */
export const PolicyChangeNoticeSent = defineEvent({
  type: 'PolicyChangeNoticeSent',
  category: 'privacy',
  schema: z.object({
    userId: id,
    revision: z.number().int().min(1),
    revisionId: PolicyRevisionId,
    sentAt: isoTime,
  }),
  subject: (d) => d.userId,
});

export const POLICY_EVENTS = [
  PolicyRevisionPublished,
  PolicyRevisionAccepted,
  PolicyChangeNoticeSent,
] as const;
