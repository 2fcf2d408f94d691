import { z } from 'zod';

/**
 * Personal data inside an event is encrypted with the data subject's key before it is stored.
 * Once the subject is erased (their key destroyed), reads yield this marker instead of the value.
 */
export const REDACTED = Object.freeze({ redacted: true as const });
export type Redacted = typeof REDACTED;
export const RedactedSchema = z.object({ redacted: z.literal(true) });

/** A personal-data field: the plain value, or the redaction marker after erasure. */
export const pii = <T extends z.ZodType>(schema: T) => z.union([schema, RedactedSchema]);
export type Pii<T> = T | Redacted;

export const isRedacted = (v: unknown): v is Redacted =>
  typeof v === 'object' && v !== null && (v as { redacted?: unknown }).redacted === true;

/** The value, or a fallback when it was erased. */
export const revealOr = <T>(v: Pii<T>, fallback: T): T => (isRedacted(v) ? fallback : v);

/**
 * Technical data (truncated IP, browser family) is encrypted under a key per owner and UTC day, so it can
 * expire on its own (the retention job destroys old days' keys) and still go with its owner on erasure.
 */
export const technicalDataSubject = (owner: string, at: string): string =>
  `technical:${at.slice(0, 10)}:${owner}`;
