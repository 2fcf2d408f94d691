/**
 * The single-active-instance lock of a polling consumer survives its database session being cut (what a
 * PostgreSQL restart does to every connection): no process crash, never two active instances at once,
 * and the events appended meanwhile are all handled. Found by `npm run chaos -- postgres-restart`: the
 * standby's reserved connection threw an uncatchable postgres.js TypeError, and the old holder kept running
 * without its lock while a standby took it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, eventually, ping, type TestDatabase } from '../src/testing/index.js';
import type { Persistence } from '../src/factory.js';
import { runPollingConsumer } from '../src/consumer.js';
import { silentLogger, type Logger } from '../src/log.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/** What a restart does: every other session of the test database is cut (the pool reconnects). */
const cutAllSessions = () =>
  db.sql`select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()`;

describe('polling consumer lock', () => {
  it('goes back to standby when its session is cut, and only one instance handles at a time', async () => {
    const name = `lock-test-${randomUUID().slice(0, 8)}`;
    const ac = new AbortController();
    const events: string[] = [];
    const lost: string[] = [];
    let inFlight = 0;
    let overlap = 0;
    const logOf = (label: string): Logger => ({
      ...silentLogger,
      child: () => ({
        ...silentLogger,
        warn: (m: string) => void (m.startsWith('consumer lock lost') && lost.push(label)),
      }),
    });
    const runner = (label: string) =>
      runPollingConsumer({
        name,
        sql: db.sql,
        store: p.store,
        log: logOf(label),
        signal: ac.signal,
        types: ['DiagnosticPinged'],
        handleEach: async (e) => {
          inFlight++;
          if (inFlight > 1) overlap++;
          await new Promise((r) => setTimeout(r, 5));
          events.push(e.eventId);
          inFlight--;
        },
      });
    const a = runner('a');
    const b = runner('b');
    const appended: string[] = [];
    const append = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const e = ping();
        await p.store.append(`diag-${randomUUID()}`, 0, [e]);
        appended.push(e.eventId);
      }
    };
    await append(20);
    await eventually(() => Promise.resolve(expect(new Set(events).size).toBe(20)));
    // Cut every session three times: the active one must notice and re-take the lock.
    for (let round = 0; round < 3; round++) {
      const cut = await cutAllSessions();
      expect(cut.length).toBeGreaterThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 200));
      await append(10);
      await new Promise((r) => setTimeout(r, 1500));
    }
    await eventually(() => Promise.resolve(expect(new Set(events)).toEqual(new Set(appended))), 20_000);
    expect(lost.length).toBeGreaterThanOrEqual(1);
    expect(overlap).toBe(0);
    ac.abort();
    await Promise.all([a, b]);
    // nothing is left holding the lock after both stopped
    const held = await db.sql`select 1 from pg_stat_activity where application_name = ${`tia-lock:${name}`}`;
    expect(held).toHaveLength(0);
  });
});
