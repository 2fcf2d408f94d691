import type { TRPCError } from '@trpc/server';
import { retryAfterOf } from './errors.js';

/** `responseMeta` for the HTTP adapter: no caching of API answers, `Retry-After` on rate limiting. */
export function tRPCResponseMeta(opts: { errors: TRPCError[] }): { headers: Headers } {
  const headers = new Headers({ 'cache-control': 'no-store' });
  const retry = opts.errors.map(retryAfterOf).find((s): s is number => s !== null);
  if (retry !== undefined) headers.set('retry-after', String(Math.max(0, Math.ceil(retry))));
  return { headers };
}
