/**
 * Consumers are woken on commit (migration 0018's `events_notify` trigger, `wake.ts`): an appended event is
 * handled long before the consumer's fallback poll would have found it; when the listening session is cut,
 * listening resumes and one catch-up poll finds what committed meanwhile; with no notification at all
 * (trigger disabled), the fallback poll still delivers.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, eventually, ping, type TestDatabase } from '../src/testing/index.js';
import type { Persistence } from '../src/factory.js';
import { runPollingConsumer } from '../src/consumer.js';
import { silentLogger } from '../src/log.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/**
 * "Woken": handled within this of its commit, far below the 30 s fallback. Not tighter: consumers read below
 * the cluster-wide horizon, so any transaction left open on the server (other test files) delays them.
 */
const WOKEN = 5000;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A consumer of DiagnosticPinged recording when each event was handled. */
const consumer = (fallbackMs: number, pollMs = 20) => {
  const ac = new AbortController();
  const handled = new Map<string, number>();
  const done = runPollingConsumer({
    name: `wake-test-${randomUUID().slice(0, 8)}`,
    sql: db.sql,
    store: p.store,
    log: silentLogger,
    signal: ac.signal,
    types: ['DiagnosticPinged'],
    // short polls only while a transaction heard committing is still above the horizon
    pollMs,
    fallbackMs,
    handleBatch: async (_tx, events) => {
      for (const e of events) handled.set(e.eventId, performance.now());
      return Promise.resolve();
    },
  });
  return { handled, stop: async () => (ac.abort(), done) };
};

const appendOne = async () => {
  const e = ping();
  await p.store.append(`diag-${randomUUID()}`, 0, [e]);
  return { id: e.eventId, at: performance.now() };
};

const listeners = () =>
  db.sql<{ pid: number }[]>`select pid from pg_stat_activity
    where datname = current_database() and application_name = 'tia-listen'`;

describe('wake-ups on commit', () => {
  it('wakes a consumer long before its 30 s fallback poll, for each commit', async () => {
    const c = consumer(30_000);
    try {
      await eventually(async () => expect((await listeners()).length).toBe(1));
      await pause(300); // the first poll is done; the consumer now sleeps on its 30 s fallback
      for (let i = 0; i < 5; i++) {
        const { id, at } = await appendOne();
        await eventually(() => Promise.resolve(expect(c.handled.has(id)).toBe(true)), 6000);
        expect(c.handled.get(id)! - at).toBeLessThan(WOKEN);
        await pause(100);
      }
    } finally {
      await c.stop();
    }
    // The last consumer gone, its listening connection is closed.
    await eventually(async () => expect(await listeners()).toHaveLength(0));
  });

  it('listens again after its session is cut and catches up on what committed meanwhile', async () => {
    const c = consumer(30_000);
    try {
      await eventually(async () => expect((await listeners()).length).toBe(1));
      await pause(300);
      await db.sql`select pg_terminate_backend(pid) from pg_stat_activity
                   where datname = current_database() and application_name = 'tia-listen'`;
      const missed = await appendOne(); // nobody listens: its notification is lost
      await eventually(() => Promise.resolve(expect(c.handled.has(missed.id)).toBe(true)), 8000);
      expect(c.handled.get(missed.id)! - missed.at).toBeLessThan(8000);
      await eventually(async () => expect((await listeners()).length).toBe(1));
      const after = await appendOne();
      await eventually(() => Promise.resolve(expect(c.handled.has(after.id)).toBe(true)), 6000);
      expect(c.handled.get(after.id)! - after.at).toBeLessThan(WOKEN);
    } finally {
      await c.stop();
    }
  });

  it('looks again shortly after a wake-up for commits that did not notify (another notifier held the lock)', async () => {
    const c = consumer(30_000, 600);
    // The notifier's lock held elsewhere: every commit now skips its notification (migration 0018).
    const other = await db.sql.reserve();
    try {
      await other`select pg_advisory_lock(1952541, 18)`;
      await eventually(async () => expect((await listeners()).length).toBe(1));
      await pause(300);
      // A notification as the lock holder's commit would send, then a commit that could not notify.
      await db.sql`select pg_notify('tia_events', '1')`;
      await pause(150);
      const { id, at } = await appendOne();
      await eventually(() => Promise.resolve(expect(c.handled.has(id)).toBe(true)), 6000);
      expect(c.handled.get(id)! - at).toBeLessThan(WOKEN);
      // And without a wake-up before it, such a commit waits for the fallback: nothing within 1.5 s.
      await pause(1500); // the second look is over
      const late = await appendOne();
      await pause(1500);
      expect(c.handled.has(late.id)).toBe(false);
    } finally {
      await other`select pg_advisory_unlock_all()`;
      other.release();
      await c.stop();
    }
  });

  it('still delivers by the fallback poll when no notification comes', async () => {
    await db.sql`alter table events disable trigger events_notify`;
    const slow = consumer(30_000);
    const fallback = consumer(400);
    try {
      await eventually(async () => expect((await listeners()).length).toBe(1));
      await pause(300);
      const { id, at } = await appendOne();
      await eventually(() => Promise.resolve(expect(fallback.handled.has(id)).toBe(true)), 3000);
      expect(fallback.handled.get(id)! - at).toBeLessThan(WOKEN);
      // Without the notification the 30 s consumer has not seen it yet: the first test's speed is the trigger's.
      await pause(1000);
      expect(slow.handled.has(id)).toBe(false);
    } finally {
      await Promise.all([slow.stop(), fallback.stop()]);
      await db.sql`alter table events enable trigger events_notify`;
    }
  });
});
