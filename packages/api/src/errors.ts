import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { DomainError } from '@tia/domain';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE_MESSAGE,
  isDatabaseUnavailable,
} from './database-unavailable.js';

/**
 * The one error hierarchy of the API layer. Domain code and procedures throw these;
 * they are mapped to tRPC codes exactly once (`toTRPCError`, used by the error-mapping
 * middleware in trpc.ts) and to HTTP statuses for plain route handlers (`httpStatusOf`).
 */
export type AppErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'PAYMENT_REQUIRED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE';

/** One user-readable problem with one input field. `path` is '' for form-level problems. */
export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: AppErrorCode;
  /** Safe to show to the caller. Never put secrets or personal data in it. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(
    readonly fields: FieldIssue[],
    message = 'Some fields are not valid.',
  ) {
    super(message);
  }
}

export class NotFound extends AppError {
  readonly code = 'NOT_FOUND' as const;
  constructor(message = 'Not found.') {
    super(message);
  }
}

export class Conflict extends AppError {
  readonly code = 'CONFLICT' as const;
  constructor(message = 'The request conflicts with the current state.') {
    super(message);
  }
}

export class Forbidden extends AppError {
  readonly code = 'FORBIDDEN' as const;
  constructor(message = 'You are not allowed to do this.') {
    super(message);
  }
}

export class Unauthenticated extends AppError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(message = 'Please sign in.') {
    super(message);
  }
}

export class RateLimited extends AppError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests. Please try again later.',
  ) {
    super(message);
  }
}

export class PayloadTooLarge extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
  constructor(
    readonly limitBytes?: number,
    message = 'The request is too large.',
  ) {
    super(message);
  }
}

/** The free trial (or the plan) has no answers left. */
export class PaymentRequired extends AppError {
  readonly code = 'PAYMENT_REQUIRED' as const;
  constructor(message = 'You have used all the answers of your plan.') {
    super(message);
  }
}

/** The uploaded bytes are not something we accept (e.g. a video, or not audio at all). */
export class UnsupportedMediaType extends AppError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;
  constructor(message = 'This kind of file is not supported.') {
    super(message);
  }
}

/** Something the request needs is down for now (not the caller's fault); try again later. */
export class ServiceUnavailable extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
  constructor(
    message = 'This is not available right now. Please try again later.',
    readonly retryAfterSeconds = 60,
  ) {
    super(message);
  }
}

/** The ServiceUnavailable standing for an unreachable database (carries the Retry-After). */
const databaseDown = () => new ServiceUnavailable(DATABASE_UNAVAILABLE_MESSAGE, DATABASE_RETRY_AFTER_SECONDS);

export const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';
export const CONCURRENT_CHANGE_MESSAGE = 'Something else changed this at the same moment. Please try again.';

/**
 * The event store's optimistic-concurrency conflict (`ConcurrencyError` of @tia/db, a `DomainError` of kind
 * `conflict`, matched by name so this module stays free of database imports): another request appended first.
 * Never a 500 — a 409 with a plain message (the command handler retries a few times before it gets this far).
 */
export const isConcurrencyConflict = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConcurrencyError';

const DOMAIN_KIND: Record<DomainError['kind'], AppErrorCode> = {
  conflict: 'CONFLICT',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  invalid: 'VALIDATION_FAILED',
};

/**
 * Errors from below the API (decider rules, the store's conflict) as their code and a message safe to show:
 * a rule's own message (written for people), the plain conflict message for a concurrency conflict.
 */
const domainProblem = (err: unknown): { code: AppErrorCode; message: string } | null => {
  if (isConcurrencyConflict(err)) return { code: 'CONFLICT', message: CONCURRENT_CHANGE_MESSAGE };
  if (err instanceof DomainError) return { code: DOMAIN_KIND[err.kind], message: err.message };
  return null;
};

const TRPC_CODE: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  VALIDATION_FAILED: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  PAYMENT_REQUIRED: 'PAYMENT_REQUIRED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

const HTTP_STATUS: Record<AppErrorCode, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  PAYMENT_REQUIRED: 402,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
};

/** Zod issues → a flat, user-readable field list (`a.b.0` paths, one entry per issue). */
export function flattenZodError(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Schema errors as tRPC reports them (zod, or standard-schema errors carrying `issues`). */
function schemaIssues(err: unknown): FieldIssue[] | null {
  if (err instanceof ZodError) return flattenZodError(err);
  const issues = err instanceof Error ? (err as Error & { issues?: unknown }).issues : undefined;
  if (Array.isArray(issues)) {
    return (issues as Array<{ message?: unknown; path?: unknown }>).map((i) => ({
      path: Array.isArray(i.path)
        ? i.path
            .map((p: unknown) =>
              typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p),
            )
            .join('.')
        : '',
      message: typeof i.message === 'string' ? i.message : 'Invalid value.',
    }));
  }
  return null;
}

/** Field issues to report for an error (tRPC error with a schema cause, ValidationFailed, ZodError), else null. */
export function fieldIssuesOf(err: unknown): FieldIssue[] | null {
  if (err instanceof ValidationFailed) return err.fields;
  if (err instanceof TRPCError) return err.code === 'BAD_REQUEST' ? fieldIssuesOf(err.cause) : null;
  return schemaIssues(err);
}

export type Unexpected = (err: unknown) => void;

/**
 * THE mapping to tRPC. AppError → its code with its (safe) message; zod errors → BAD_REQUEST
 * with the field list; TRPCErrors pass through (input validation, NOT_FOUND paths, …);
 * anything else → INTERNAL_SERVER_ERROR with a generic message, the detail only handed to
 * `onUnexpected` (the logger) and never to the caller.
 */
export function toTRPCError(err: unknown, onUnexpected: Unexpected): TRPCError {
  if (err instanceof AppError) {
    return new TRPCError({ code: TRPC_CODE[err.code], message: err.message, cause: err });
  }
  if (err instanceof TRPCError) {
    if (err.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnavailable(err.cause))
      return toTRPCError(err.cause, onUnexpected);
    if (err.code === 'INTERNAL_SERVER_ERROR') {
      onUnexpected(err.cause ?? err);
      return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_ERROR_MESSAGE });
    }
    return err;
  }
  if (err instanceof ZodError) {
    return new TRPCError({ code: 'BAD_REQUEST', message: 'Some fields are not valid.', cause: err });
  }
  const domain = domainProblem(err);
  if (domain) return new TRPCError({ code: TRPC_CODE[domain.code], message: domain.message, cause: err });
  if (isDatabaseUnavailable(err))
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: DATABASE_UNAVAILABLE_MESSAGE,
      cause: databaseDown(),
    });
  onUnexpected(err);
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_ERROR_MESSAGE });
}

/** For plain (non-tRPC) route handlers. */
export function httpStatusOf(err: unknown): number {
  if (err instanceof AppError) return HTTP_STATUS[err.code];
  if (err instanceof ZodError) return 400;
  const domain = domainProblem(err);
  if (domain) return HTTP_STATUS[domain.code];
  if (isDatabaseUnavailable(err)) return 503;
  return 500;
}

/** JSON body for plain route handlers; unknown errors get the generic message. */
export function httpErrorBody(err: unknown): {
  error: { code: string; message: string; fields?: FieldIssue[] };
} {
  if (err instanceof AppError) {
    const fields = fieldIssuesOf(err);
    return { error: { code: err.code, message: err.message, ...(fields ? { fields } : {}) } };
  }
  if (err instanceof ZodError) {
    return {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Some fields are not valid.',
        fields: flattenZodError(err),
      },
    };
  }
  const domain = domainProblem(err);
  if (domain) return { error: domain };
  if (isDatabaseUnavailable(err))
    return { error: { code: 'SERVICE_UNAVAILABLE', message: DATABASE_UNAVAILABLE_MESSAGE } };
  return { error: { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE } };
}

/** `Retry-After` seconds if the error (or its cause) is a RateLimited. */
export function retryAfterOf(err: unknown): number | null {
  if (err instanceof RateLimited || err instanceof ServiceUnavailable) return err.retryAfterSeconds;
  if (err instanceof TRPCError) return retryAfterOf(err.cause);
  if (isDatabaseUnavailable(err)) return DATABASE_RETRY_AFTER_SECONDS;
  return null;
}

/**
 * For work done outside a procedure (the tRPC context's session lookup): an unreachable database becomes
 * SERVICE_UNAVAILABLE with a Retry-After instead of a 500; anything else is rethrown unchanged.
 */
export function rethrowUnavailable(err: unknown): never {
  if (isDatabaseUnavailable(err))
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: DATABASE_UNAVAILABLE_MESSAGE,
      cause: databaseDown(),
    });
  throw err;
}
