import { z } from 'zod';
import { defineEvent, createRegistry } from './registry.js';
import { pii } from './pii.js';
import { IDENTITY_EVENTS } from './identity.js';
import { STAFF_EVENTS } from './staff.js';
import { PRACTICE_EVENTS } from './practice.js';
import { ANALYTICS_EVENTS } from './analytics.js';
import { RIGHTS_EVENTS } from './rights.js';
import { BREACH_EVENTS } from './breach.js';
import { REGISTER_EVENTS } from './registers.js';
import { COOKIE_EVENTS } from './cookies.js';
import { POLICY_EVENTS } from './policy.js';
import { RETENTION_EVENTS } from './retention.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

export const CONSENT_PURPOSES = ['recording_feedback', 'product_improvement', 'marketing_email'] as const;
export const ConsentPurpose = z.enum(CONSENT_PURPOSES);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

/** Identity: an account came into being. Personal fields are encrypted with the user's key. */
export const AccountRegistered = defineEvent({
  type: 'AccountRegistered',
  category: 'identity',
  schema: z.object({
    userId: id,
    name: pii(z.string().min(1).max(200)),
    email: pii(z.string().max(320)),
    signupMethod: z.enum(['password', 'google']),
    registeredAt: isoTime,
  }),
  // v1 stored a single `fullName`; v2 renamed it to `name` and added the sign-up method.
  history: [
    {
      schema: z.object({
        userId: id,
        fullName: pii(z.string()),
        email: pii(z.string()),
        registeredAt: isoTime,
      }),
      upcastToNext: ({ fullName, ...rest }) => ({ ...rest, name: fullName, signupMethod: 'password' }),
    },
  ],
  pii: ['name', 'email'],
  subject: (d) => d.userId,
});

export const ConsentGiven = defineEvent({
  type: 'ConsentGiven',
  category: 'privacy',
  schema: z.object({
    subjectId: id,
    purpose: ConsentPurpose,
    policyVersion: z.string().min(1).max(40),
    givenAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

export const ConsentWithdrawn = defineEvent({
  type: 'ConsentWithdrawn',
  category: 'privacy',
  schema: z.object({
    subjectId: id,
    purpose: ConsentPurpose,
    withdrawnAt: isoTime,
  }),
  subject: (d) => d.subjectId,
});

/** Free-text note from a person (support, complaint, ...): personal data. */
export const NoteRecorded = defineEvent({
  type: 'NoteRecorded',
  category: 'privacy',
  schema: z.object({ subjectId: id, noteId: id, text: pii(z.string().max(20_000)), recordedAt: isoTime }),
  pii: ['text'],
  subject: (d) => d.subjectId,
});

/** The subject's key was destroyed: their personal content in every event is gone for good. */
export const SubjectErased = defineEvent({
  type: 'SubjectErased',
  category: 'privacy',
  schema: z.object({
    subjectId: id,
    reason: z.enum(['user_request', 'retention', 'minor_reported', 'admin']),
    erasedAt: isoTime,
  }),
});

/** The retention job destroyed the keys of technical data (IP prefixes, browser families) older than the limit. */
export const TechnicalDataExpired = defineEvent({
  type: 'TechnicalDataExpired',
  category: 'privacy',
  schema: z.object({
    olderThanDay: z.iso.date(),
    keysDestroyed: z.number().int().min(0),
    retentionDays: z.number().int().min(1),
    expiredAt: isoTime,
  }),
});

/** Pipeline probe used by health checks and the latency benchmark: carries no personal data. */
export const DiagnosticPinged = defineEvent({
  type: 'DiagnosticPinged',
  category: 'diagnostics',
  schema: z.object({ pingId: id, sentAt: isoTime, payload: z.string().max(10_000).optional() }),
});

export const ALL_EVENTS = [
  AccountRegistered,
  ConsentGiven,
  ConsentWithdrawn,
  NoteRecorded,
  SubjectErased,
  DiagnosticPinged,
  TechnicalDataExpired,
  ...STAFF_EVENTS,
  ...IDENTITY_EVENTS,
  ...PRACTICE_EVENTS,
  ...ANALYTICS_EVENTS,
  ...RIGHTS_EVENTS,
  ...BREACH_EVENTS,
  ...REGISTER_EVENTS,
  ...COOKIE_EVENTS,
  ...POLICY_EVENTS,
  ...RETENTION_EVENTS,
] as const;

export const eventRegistry = createRegistry(ALL_EVENTS);
