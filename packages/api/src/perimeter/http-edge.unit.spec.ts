import { describe, expect, it } from 'vitest';
import { BATCH_REFUSED_MESSAGE, batchRefusal, MAX_BATCH_SIZE, mustNotBatch } from '../batching.js';
import { CLIENT_IP_HEADER, clientAddress, stampClientAddress } from '../client-ip.js';
import { CONCURRENT_CHANGE_MESSAGE, httpErrorBody, httpStatusOf, toTRPCError } from '../errors.js';
import { ConcurrencyError } from '@tia/db';

describe('tRPC batching rules (issue 8, item 2)', () => {
  it('auth, MFA and system procedures never run in a batch; batches are small', () => {
    expect(batchRefusal(Array(60).fill('auth.signIn').join(','), true)).toMatch(/At most 10/);
    expect(batchRefusal('auth.signIn,auth.signIn', true)).toBe(BATCH_REFUSED_MESSAGE);
    expect(batchRefusal('practice.history,mfa.verify', true)).toBe(BATCH_REFUSED_MESSAGE);
    expect(batchRefusal('system.health,system.health', true)).toBe(BATCH_REFUSED_MESSAGE);
    expect(batchRefusal('auth.signIn', true)).toBeNull(); // a batch of one is one call
    expect(batchRefusal('auth.signIn', false)).toBeNull();
    expect(batchRefusal('practice.history,practice.trial', true)).toBeNull();
    expect(batchRefusal(Array(MAX_BATCH_SIZE).fill('practice.trial').join(','), true)).toBeNull();
    expect(['auth.me', 'mfa.verify', 'system.health'].every(mustNotBatch)).toBe(true);
    expect(mustNotBatch('practice.start')).toBe(false);
  });
});

describe('client address (issue 8, item 3)', () => {
  it('without trusted proxies the socket address wins and forwarded headers are dropped', () => {
    expect(clientAddress('203.0.113.9', '1.2.3.4', 0)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:203.0.113.9', null, 0)).toBe('203.0.113.9');
    const headers: Record<string, string | string[] | undefined> = {
      'x-forwarded-for': '1.2.3.4',
      'x-real-ip': '1.2.3.4',
      forwarded: 'for=1.2.3.4',
      [CLIENT_IP_HEADER]: '9.9.9.9',
    };
    stampClientAddress(headers, '203.0.113.9', 0);
    expect(headers).toEqual({ [CLIENT_IP_HEADER]: '203.0.113.9' });
  });

  it('with N trusted proxies the N-th forwarded hop from the right is the client; spoofed hops to its left are ignored', () => {
    expect(clientAddress('10.0.0.2', 'evil-spoof, 6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.1', 2)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.2', ['6.6.6.6', '198.51.100.7'], 1)).toBe('198.51.100.7');
    // Fewer hops than proxies, or garbage where the client should be: the nearest hop a proxy vouched for.
    expect(clientAddress('10.0.0.2', '', 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', 'not-an-ip', 1)).toBe('10.0.0.2');
    const headers: Record<string, string | string[] | undefined> = {
      'x-forwarded-for': '6.6.6.6, 198.51.100.7',
      [CLIENT_IP_HEADER]: '9.9.9.9',
    };
    stampClientAddress(headers, '10.0.0.2', 1);
    expect(headers[CLIENT_IP_HEADER]).toBe('198.51.100.7');
  });
});

describe('a concurrency conflict is never a 500 (issue 8, item 2)', () => {
  it('maps ConcurrencyError to 409 CONFLICT with a plain message, for tRPC and plain routes', () => {
    const e = new ConcurrencyError('user-1', 3, 'expected version 3');
    const unexpected: unknown[] = [];
    const t = toTRPCError(e, (d) => unexpected.push(d));
    expect(t.code).toBe('CONFLICT');
    expect(t.message).toBe(CONCURRENT_CHANGE_MESSAGE);
    expect(unexpected).toHaveLength(0);
    expect(httpStatusOf(e)).toBe(409);
    expect(httpErrorBody(e)).toEqual({ error: { code: 'CONFLICT', message: CONCURRENT_CHANGE_MESSAGE } });
  });
});
