/**
 * Issue 8, item 5: public health is O(1) in the size of the event log (no counting past checkpoints), shared
 * by concurrent callers, and exact figures are for staff with a passed second factor.
 */
import { TRPCError } from '@trpc/server';
import { createTestPersistence, ping, type TestDatabase } from '@tia/db/testing';
import type { Sql } from '@tia/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCookies, type Context, type Session } from '../context.js';
import { publicHealth, staffHealth } from '../health.js';
import { silentLogger } from '../log.js';
import { appRouter } from '../root.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
const EVENTS = 3_000;
beforeAll(async () => {
  const t = await createTestPersistence();
  db = t.db;
  for (let i = 0; i < EVENTS; i += 500)
    await t.p.store.append(
      `diag-${i}`,
      'any',
      Array.from({ length: 500 }, () => ping()),
    );
  // A live consumer that has processed nothing yet: 3,000 events behind.
  await db.sql`insert into consumer_status (consumer, mode, instance) values ('handler:test', 'embedded', 'i1')`;
  await db.sql`insert into consumer_checkpoints (consumer) values ('handler:test')`;
}, 120_000);
afterAll(async () => db?.drop());

/** Index and table tuples of `events` read by `work`, on one connection (stats flushed on demand, PG ≥ 15). */
const tuplesRead = async (work: (sql: Sql) => Promise<unknown>): Promise<number> => {
  const conn = await db.sql.reserve();
  try {
    const read = async () => {
      await conn`select pg_stat_force_next_flush()`;
      await conn`select 1`; // the backend went idle in between: its counters are flushed
      const [r] = await conn<{ n: string }[]>`
        select (select coalesce(sum(idx_tup_read), 0) from pg_stat_user_indexes where relname = 'events')
             + (select coalesce(seq_tup_read, 0) from pg_stat_user_tables where relname = 'events') as n`;
      return Number(r!.n);
    };
    await conn`select pg_stat_clear_snapshot()`;
    const before = await read();
    await work(conn);
    await conn`select pg_stat_clear_snapshot()`;
    return (await read()) - before;
  } finally {
    conn.release();
  }
};

describe('public health (issue 8, item 5)', () => {
  it('reads a handful of index entries, not the backlog, and still reports the consumer behind', async () => {
    let lag = -1;
    const read = await tuplesRead(async (sql) => {
      const r = await publicHealth(sql, silentLogger);
      lag = r.transport.consumers.find((c) => c.name === 'handler:test')!.lagEvents;
    });
    expect(lag).toBe(EVENTS);
    expect(read).toBeLessThan(50);
    // The measure is real: counting past the checkpoint (what the public endpoint did) reads the whole backlog.
    expect(await tuplesRead((sql) => staffHealth(sql))).toBeGreaterThanOrEqual(EVENTS);
  });

  it('concurrent callers within a second share one computation', async () => {
    const t0 = Date.now();
    const reports = await Promise.all(
      Array.from({ length: 50 }, () => publicHealth(db.sql, silentLogger, t0)),
    );
    expect(new Set(reports).size).toBe(1);
  });

  it('exact figures (system.healthDetails) are for staff with a passed second factor only', async () => {
    const ctx = (session: Session | null): Context => ({
      sql: db.sql,
      requestId: 'r',
      session,
      ip: null,
      userAgent: null,
      log: silentLogger,
      cookies: memoryCookies(),
    });
    const call = (s: Session | null) => createCallerFactory(appRouter)(ctx(s));
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
      );
    expect(await code(call(null).system.healthDetails())).toBe('UNAUTHORIZED');
    expect(
      await code(call({ userId: 'c', roles: ['candidate'], mfaPassed: true }).system.healthDetails()),
    ).toBe('FORBIDDEN');
    expect(
      await code(
        call({ userId: 'o', roles: ['compliance_officer'], mfaPassed: false }).system.healthDetails(),
      ),
    ).toBe('FORBIDDEN');
    const details = await call({
      userId: 'o',
      roles: ['compliance_officer'],
      mfaPassed: true,
    }).system.healthDetails();
    expect(details.transport.consumers.find((c) => c.name === 'handler:test')?.lagEvents).toBe(EVENTS);
  });
});
