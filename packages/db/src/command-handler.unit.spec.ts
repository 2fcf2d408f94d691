import { describe, expect, it } from 'vitest';
import { commandMetadata, retryOnConflict } from './command-handler.js';
import { ConcurrencyError } from './event-store.js';

describe('commandMetadata: the one place event metadata is built', () => {
  it('names the actor, correlates by request and names the cause', () => {
    expect(
      commandMetadata(
        { actor: { kind: 'user', id: 'u1' }, requestId: 'r1', causationId: 'e1' },
        '2026-12-07T00:00:00.000Z',
      ),
    ).toEqual({
      occurredAt: '2026-12-07T00:00:00.000Z',
      actor: { kind: 'user', id: 'u1' },
      correlationId: 'r1',
      causationId: 'e1',
    });
  });

  it('prefers an explicit correlation id and leaves out what is unknown', () => {
    expect(
      commandMetadata({ actor: { kind: 'system', id: 'worker' }, requestId: 'r1', correlationId: 'c1' }, 't'),
    ).toEqual({ occurredAt: 't', actor: { kind: 'system', id: 'worker' }, correlationId: 'c1' });
    expect(commandMetadata({ actor: { kind: 'system', id: 'worker' } }, 't')).toEqual({
      occurredAt: 't',
      actor: { kind: 'system', id: 'worker' },
    });
  });
});

describe('retryOnConflict', () => {
  it('runs the work again after a concurrency conflict, a bounded number of times', async () => {
    let calls = 0;
    await expect(
      retryOnConflict(() => {
        calls++;
        return Promise.reject(new ConcurrencyError('s-1', 1, 'lost'));
      }, 3),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(calls).toBe(3);
  });

  it('returns the first success and never retries other errors', async () => {
    let calls = 0;
    expect(
      await retryOnConflict(() => {
        calls++;
        return calls < 2 ? Promise.reject(new ConcurrencyError('s-1', 1, 'lost')) : Promise.resolve('ok');
      }),
    ).toBe('ok');
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      retryOnConflict(() => {
        calls++;
        return Promise.reject(new Error('boom'));
      }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
