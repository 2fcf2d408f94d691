import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable.js';
import {
  httpErrorBody,
  httpStatusOf,
  retryAfterOf,
  rethrowUnavailable,
  toTRPCError,
  INTERNAL_ERROR_MESSAGE,
} from './errors.js';

/** What postgres.js throws when the server is gone (found by `npm run chaos -- postgres-restart`: 500s). */
const pgError = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('an unreachable database is a 503 with a retry hint, never a 500', () => {
  it.each(['CONNECTION_CLOSED', 'ECONNREFUSED', 'CONNECT_TIMEOUT', '57P01', '57P03', '08006'])(
    '%s',
    (code) => {
      const unexpected: unknown[] = [];
      const t = toTRPCError(pgError(code), (e) => unexpected.push(e));
      expect(t.code).toBe('SERVICE_UNAVAILABLE');
      expect(t.message).not.toContain(code);
      expect(retryAfterOf(t)).toBe(5);
      expect(unexpected).toEqual([]);
      expect(httpStatusOf(pgError(code))).toBe(503);
      expect(httpErrorBody(pgError(code)).error.code).toBe('SERVICE_UNAVAILABLE');
    },
  );

  it('also when tRPC wrapped it (an error outside a procedure)', () => {
    const wrapped = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: pgError('CONNECTION_ENDED') });
    expect(toTRPCError(wrapped, () => undefined).code).toBe('SERVICE_UNAVAILABLE');
    expect(() => rethrowUnavailable(pgError('ECONNREFUSED'))).toThrow(
      expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) as Error,
    );
  });

  it('other errors stay 500 (a constraint violation is a bug, not an outage)', () => {
    expect(isDatabaseUnavailable(pgError('23505'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(toTRPCError(pgError('23505'), () => undefined).message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(httpStatusOf(pgError('42P01'))).toBe(500);
    const e = new Error('other');
    expect(() => rethrowUnavailable(e)).toThrow(e);
  });
});
