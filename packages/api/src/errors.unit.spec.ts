import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Sql } from 'postgres';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Context } from './context.js';
import { memoryCookies } from './context.js';
import type { AppError } from './errors.js';
import {
  Conflict,
  fieldIssuesOf,
  flattenZodError,
  Forbidden,
  httpErrorBody,
  httpStatusOf,
  INTERNAL_ERROR_MESSAGE,
  NotFound,
  PayloadTooLarge,
  RateLimited,
  toTRPCError,
  Unauthenticated,
  ValidationFailed,
} from './errors.js';
import { tRPCResponseMeta } from './http.js';
import type { Logger } from './log.js';
import { silentLogger } from './log.js';
import { createCallerFactory, PUBLIC, procedure, router } from './trpc.js';

const cases: Array<[AppError, string, number]> = [
  [new ValidationFailed([{ path: 'email', message: 'Enter a valid e-mail address.' }]), 'BAD_REQUEST', 400],
  [new NotFound(), 'NOT_FOUND', 404],
  [new Conflict(), 'CONFLICT', 409],
  [new Forbidden(), 'FORBIDDEN', 403],
  [new Unauthenticated(), 'UNAUTHORIZED', 401],
  [new RateLimited(30), 'TOO_MANY_REQUESTS', 429],
  [new PayloadTooLarge(16_384), 'PAYLOAD_TOO_LARGE', 413],
];

describe('toTRPCError / httpStatusOf', () => {
  it.each(cases)('%s → %s / %i', (err, trpcCode, status) => {
    const onUnexpected = vi.fn();
    const mapped = toTRPCError(err, onUnexpected);
    expect(mapped.code).toBe(trpcCode);
    expect(mapped.message).toBe(err.message);
    expect(mapped.cause).toBe(err);
    expect(httpStatusOf(err)).toBe(status);
    expect(onUnexpected).not.toHaveBeenCalled();
  });

  it('unknown errors → INTERNAL_SERVER_ERROR with a generic message; the detail only goes to the logger', () => {
    const onUnexpected = vi.fn();
    const secret = new Error('connection to postgres://admin:hunter2@db failed');
    const mapped = toTRPCError(secret, onUnexpected);
    expect(mapped.code).toBe('INTERNAL_SERVER_ERROR');
    expect(mapped.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(mapped.cause).toBeUndefined();
    expect(onUnexpected).toHaveBeenCalledWith(secret);
    expect(httpStatusOf(secret)).toBe(500);
    expect(JSON.stringify(httpErrorBody(secret))).not.toContain('hunter2');
  });

  it('zod errors → BAD_REQUEST with a flat field list', () => {
    const schema = z.object({ email: z.email(), profile: z.object({ age: z.number().int().min(16) }) });
    const result = schema.safeParse({ email: 'nope', profile: { age: 12 } });
    expect(result.success).toBe(false);
    const zerr = result.error!;
    expect(flattenZodError(zerr).map((f) => f.path)).toEqual(['email', 'profile.age']);
    const mapped = toTRPCError(zerr, vi.fn());
    expect(mapped.code).toBe('BAD_REQUEST');
    expect(fieldIssuesOf(mapped)?.map((f) => f.path)).toEqual(['email', 'profile.age']);
    expect(httpStatusOf(zerr)).toBe(400);
    expect(httpErrorBody(zerr).error.fields).toHaveLength(2);
  });

  it('TRPCErrors other than INTERNAL pass through unchanged', () => {
    const e = new TRPCError({ code: 'NOT_FOUND', message: 'No such procedure' });
    expect(toTRPCError(e, vi.fn())).toBe(e);
  });
});

// ---- end to end through a router: the middleware maps once, the formatter shapes ----

const demo = router({
  conflict: procedure(PUBLIC).mutation(() => {
    throw new Conflict('That e-mail address is already registered.');
  }),
  slowDown: procedure(PUBLIC).mutation(() => {
    throw new RateLimited(42);
  }),
  boom: procedure(PUBLIC).query(() => {
    throw new Error('relation "secret_table" does not exist');
  }),
  signUp: procedure(PUBLIC)
    .input(
      z.object({
        email: z.email({ message: 'Enter a valid e-mail address.' }),
        age: z.number().int().min(16),
      }),
    )
    .mutation(({ input }) => ({ ok: true, email: input.email })),
});

function ctx(log: Logger = silentLogger): Context {
  return {
    sql: {} as unknown as Sql,
    requestId: 'req-1',
    session: null,
    ip: null,
    userAgent: null,
    log,
    cookies: memoryCookies(),
  };
}

describe('error mapping through procedures', () => {
  it('AppError thrown by a resolver keeps its code and message', async () => {
    const call = createCallerFactory(demo)(ctx());
    await expect(call.conflict()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'That e-mail address is already registered.',
    });
  });

  it('unexpected errors are logged with detail and answered generically', async () => {
    const error = vi.fn();
    const call = createCallerFactory(demo)(ctx({ ...silentLogger, error }));
    await expect(call.boom()).rejects.toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
      message: INTERNAL_ERROR_MESSAGE,
    });
    expect(error).toHaveBeenCalledTimes(1);
    expect(
      JSON.stringify(error.mock.calls[0]?.[1], (_k, v: unknown) => (v instanceof Error ? v.message : v)),
    ).toContain('secret_table');
  });

  const handle = (req: Request, log: Logger = silentLogger) =>
    fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: demo,
      createContext: () => ctx(log),
      responseMeta: tRPCResponseMeta,
    });

  const post = (path: string, body: unknown) =>
    new Request(`http://localhost/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('invalid input → HTTP 400 with a readable field list', async () => {
    const res = await handle(post('signUp', { email: 'x', age: 3 }));
    expect(res.status).toBe(400);
    const json = (await res.json()) as {
      error: { data: { code: string; fields: Array<{ path: string; message: string }>; stack?: string } };
    };
    expect(json.error.data.code).toBe('BAD_REQUEST');
    expect(json.error.data.fields).toEqual([
      { path: 'email', message: 'Enter a valid e-mail address.' },
      { path: 'age', message: expect.any(String) as string },
    ]);
    expect(json.error.data.stack).toBeUndefined();
  });

  it('valid input passes', async () => {
    const res = await handle(post('signUp', { email: 'a@example.org', age: 30 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('rate limiting → 429 with Retry-After', async () => {
    const res = await handle(post('slowDown', null));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('42');
    const json = (await res.json()) as { error: { data: { retryAfterSeconds: number } } };
    expect(json.error.data.retryAfterSeconds).toBe(42);
  });

  it('internal errors → 500 without detail or stack in the body', async () => {
    const res = await handle(new Request('http://localhost/api/trpc/boom', { method: 'GET' }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret_table');
    expect(text).toContain(INTERNAL_ERROR_MESSAGE);
    expect(text).not.toContain('"stack"');
  });

  it('errors while creating the context → 500 with the generic message only', async () => {
    const res = await fetchRequestHandler({
      endpoint: '/api/trpc',
      req: new Request('http://localhost/api/trpc/boom'),
      router: demo,
      createContext: () => {
        throw new Error('Invalid environment: DATABASE_URL must be a postgres:// URL');
      },
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('DATABASE_URL');
    expect(text).toContain(INTERNAL_ERROR_MESSAGE);
  });
});
