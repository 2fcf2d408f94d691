import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, type EventOf } from '@tia/domain';
import { createTestPersistence, only, type TestDatabase } from '../src/testing/index.js';
import type { Persistence } from '../src/factory.js';
import type { NewEvent } from '../src/event-store.js';
import { eraseSubject, expireTechnicalData, purgeRateLimits } from '../src/privacy.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

const signedIn = (userId: string, at: string): NewEvent<EventOf<'SignedIn'>> => ({
  eventId: randomUUID(),
  type: 'SignedIn',
  data: {
    userId,
    method: 'password',
    ipPrefix: '203.0.113.0/24',
    uaFamily: 'Firefox on Linux',
    signedInAt: at,
  },
  metadata: { occurredAt: at },
});

describe('technical data retention (P18, P32)', () => {
  const alice = randomUUID();
  const bob = randomUUID();

  it('destroys day-keys older than the limit: old IP prefixes read as redacted, recent ones stay', async () => {
    await p.store.append(`user-${alice}`, 'any', [signedIn(alice, '2026-07-01T09:00:00.000Z')]);
    await p.store.append(`user-${alice}`, 'any', [signedIn(alice, '2026-11-29T09:00:00.000Z')]);
    const r = await expireTechnicalData(
      { store: p.store, keys: p.keys },
      { now: new Date('2026-11-30T12:00:00Z'), retentionDays: 90, eventId: randomUUID() },
    );
    expect(r).toEqual({ keysDestroyed: 1, olderThanDay: '2026-09-01' });
    const [old, recent] = await p.store.readStream(`user-${alice}`);
    expect(old!.data).toMatchObject({ ipPrefix: REDACTED, uaFamily: REDACTED, method: 'password' });
    expect(recent!.data).toMatchObject({ ipPrefix: '203.0.113.0/24', uaFamily: 'Firefox on Linux' });
    const [expired] = await p.store.readStream('retention-technical');
    expect(expired!.data).toEqual({
      olderThanDay: '2026-09-01',
      keysDestroyed: 1,
      retentionDays: 90,
      expiredAt: '2026-11-30T12:00:00.000Z',
    });
    // Nothing left to expire: no new event.
    await expireTechnicalData(
      { store: p.store, keys: p.keys },
      { now: new Date('2026-11-30T13:00:00Z'), retentionDays: 90, eventId: randomUUID() },
    );
    expect(await p.store.readStream('retention-technical')).toHaveLength(1);
  });

  it("erasing a person also destroys their technical data's keys, and no one else's", async () => {
    await p.store.append(`user-${bob}`, 'any', [signedIn(bob, '2026-11-29T10:00:00.000Z')]);
    await eraseSubject(
      { store: p.store, keys: p.keys },
      { subjectId: alice, reason: 'user_request', eventId: randomUUID(), now: '2026-11-30T12:00:00.000Z' },
    );
    const aliceEvents = await p.store.readStream(`user-${alice}`);
    expect(aliceEvents.map((e) => only('SignedIn', e).data.ipPrefix)).toEqual([REDACTED, REDACTED]);
    const [b] = await p.store.readStream(`user-${bob}`);
    expect(only('SignedIn', b).data.ipPrefix).toBe('203.0.113.0/24');
  });

  it('purges rate-limit rows untouched for a day unless they still block', async () => {
    const now = new Date('2026-11-30T12:00:00Z');
    await db.sql`insert into rate_limits (key, failures, window_started_at, blocked_until, updated_at) values
      ('old', 3, '2026-11-28T00:00:00Z', null, '2026-11-28T00:00:00Z'),
      ('old-but-blocked', 9, '2026-11-28T00:00:00Z', '2026-12-01T00:00:00Z', '2026-11-28T00:00:00Z'),
      ('recent', 1, '2026-11-30T11:00:00Z', null, '2026-11-30T11:00:00Z')`;
    expect(await purgeRateLimits(db.sql, now)).toBe(1);
    const left = await db.sql<{ key: string }[]>`select key from rate_limits order by key`;
    expect(left.map((r) => r.key)).toEqual(['old-but-blocked', 'recent']);
  });
});
