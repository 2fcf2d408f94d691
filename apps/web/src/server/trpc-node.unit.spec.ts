import { describe, expect, it } from 'vitest';
import { trpcPathOf } from './trpc-node';
import { MALFORMED_PATH_MESSAGE, trpcRefusal } from './trpc-context';

describe('which requests server.ts answers itself (trpcPathOf)', () => {
  it('takes exactly what Next routes to /api/trpc/[trpc]', () => {
    expect(trpcPathOf('/api/trpc/privacy.processing')).toBe('privacy.processing');
    expect(trpcPathOf('/api/trpc/privacy.processing?input=%7B%7D')).toBe('privacy.processing');
    expect(trpcPathOf('/api/trpc/a.b,c.d?batch=1&input={}')).toBe('a.b,c.d');
  });

  it('leaves everything else to Next: other paths, nested or empty segments, dot segments, odd prefixes', () => {
    for (const target of [
      undefined,
      '/',
      '/api/health',
      '/api/trpc',
      '/api/trpc/',
      '/api/trpc?x=1',
      '/api/trpcx/a',
      '/api/trpc/a/b',
      '/api/trpc/a/',
      '/api/trpc/..',
      '/api/trpc/.',
      '/api/trpc/%2e%2e',
      '/api/trpc/a\\b',
      '/API/trpc/a',
      'http://evil.example/api/trpc/a',
    ]) {
      expect(trpcPathOf(target), String(target)).toBeNull();
    }
  });
});

describe('refusals before any procedure runs (trpcRefusal)', () => {
  it('refuses batches of calls that must go alone, and over-long batches', () => {
    expect(trpcRefusal('auth.signIn,auth.signIn', true)?.reason).toBe('batch');
    expect(trpcRefusal('auth.signIn%2Cauth.signIn', true)?.calls).toBe(2); // encoded commas count too
    expect(trpcRefusal(Array(11).fill('a.b').join(','), true)?.reason).toBe('batch');
    expect(trpcRefusal('privacy.processing,privacy.processing', true)).toBeNull();
    expect(trpcRefusal('auth.signIn', false)).toBeNull();
  });

  it('answers a malformed percent-encoding with a 400 of its own (tRPC would throw a 500)', () => {
    expect(trpcRefusal('%E0%A4%A', false)).toEqual({
      reason: 'malformed',
      message: MALFORMED_PATH_MESSAGE,
      calls: 1,
    });
  });
});
