import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRPC_REQUEST_HEADERS, trpcPathOf } from './trpc-node';
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

describe("tRPC's Request carries the headers tRPC reads", () => {
  it('every header the installed @trpc/server reads is passed on', () => {
    // resolveResponse and its helpers live in the package's dist chunks; collect every `headers.get("…")`.
    const dist = path.dirname(createRequire(import.meta.url).resolve('@trpc/server/http'));
    const read = new Set<string>();
    for (const f of readdirSync(dist).filter((n) => n.startsWith('resolveResponse') && n.endsWith('.mjs')))
      for (const m of readFileSync(path.join(dist, f), 'utf8').matchAll(/headers\.(?:get|has)\("([^"]+)"\)/g))
        read.add(m[1]!.toLowerCase());
    expect(read.size).toBeGreaterThan(0);
    expect([...read].filter((h) => !(TRPC_REQUEST_HEADERS as readonly string[]).includes(h))).toEqual([]);
  });
});
