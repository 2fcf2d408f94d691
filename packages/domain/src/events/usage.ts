import type { ALL_EVENTS } from './catalog.js';

/**
 * What each use case records (P06: usage data is the event log). Every event type must belong to exactly
 * one use case, so the privacy notice's "what we record when you…" stays true as the catalogue grows.
 */
export const USAGE_RECORD = {
  'create an account': ['AccountRegistered'],
  'give or withdraw consent': ['ConsentGiven', 'ConsentWithdrawn'],
  'contact us / complaints': ['NoteRecorded'],
  'erase my data': ['SubjectErased'],
  'operate the service (no personal data)': ['DiagnosticPinged'],
} as const satisfies Record<string, readonly (typeof ALL_EVENTS)[number]['type'][]>;
