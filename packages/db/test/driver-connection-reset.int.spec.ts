/**
 * A connection reset at an exact protocol point, between the driver (postgres.js 3.4.9 + our patch) and a real
 * PostgreSQL: a TCP proxy in front of the test server resets the client's socket (RST, as when the backend died
 * and the client wrote to it) the moment the client sends a chosen statement. Nothing is mocked.
 *
 * Found by looping postgres-restart.int.spec.ts (docs/reliability.md): after a socket 'error', Node emits
 * 'close' a tick later; a transaction's ROLLBACK issued in between stayed in the connection's queue of sent
 * queries, was never failed, and was taken on the reconnected socket for the query in flight: the next
 * transaction on that connection got its replies mixed up and hung forever.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, type Sql } from '../src/sql.js';
import { testServerUrl } from '../src/testing/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HUNG = 'hung' as const;
/** The promise's outcome, or HUNG if it has not settled within `ms`. */
const within = <T>(
  p: Promise<T>,
  ms: number,
): Promise<{ ok: true; v: T } | { ok: false; e: unknown } | typeof HUNG> =>
  Promise.race([
    p.then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    ),
    sleep(ms).then(() => HUNG),
  ]);

/** Forwards to the test server; resets the client's socket the first time it sends bytes containing `cutOn`. */
const resettingProxy = async (target: URL) => {
  let cutOn: string | null = null;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    clients.add(client);
    client.on('close', () => void (sockets.delete(client), clients.delete(client)));
    upstream.on('close', () => void sockets.delete(upstream));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    upstream.on('data', (b: Buffer) => client.write(b));
    upstream.on('end', () => client.end());
    client.on('end', () => upstream.end());
    client.on('data', (b: Buffer) => {
      if (cutOn !== null && b.includes(cutOn)) {
        cutOn = null;
        cuts++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      upstream.write(b);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cutWhenSent: (marker: string) => void (cutOn = marker),
    /** Resets every client socket now (and drops its server connection). */
    resetAll: () => {
      for (const c of clients) {
        c.resetAndDestroy();
        cuts++;
      }
    },
    cuts: () => cuts,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
};

describe('driver: connection reset at an exact protocol point (real PostgreSQL through a TCP proxy)', () => {
  let proxy: Awaited<ReturnType<typeof resettingProxy>>;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => void unhandled.push(e);

  beforeAll(async () => {
    proxy = await resettingProxy(new URL(testServerUrl()));
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await proxy.close();
  });

  it('a ROLLBACK issued between the socket error and its close fails, and the next transaction settles', async () => {
    // one connection: the next transaction runs on the very connection that was reset
    const sql: Sql = createSql(proxy.url, { max: 1, applicationName: 'tia-reset-test' });
    try {
      await sql`select 1`;
      proxy.cutWhenSent('tia-cut-in-transaction');
      const first = within(
        sql.begin(async (tx) => {
          await tx`select 1`;
          // reset while this is in flight: it fails with ECONNRESET, begin() sends ROLLBACK before 'close'
          await tx`select 'tia-cut-in-transaction' as marker`;
        }),
        10_000,
      );
      const r1 = await first;
      expect(proxy.cuts()).toBe(1);
      expect(r1).not.toBe(HUNG);
      expect(r1 !== HUNG && r1.ok).toBe(false);
      // the next transaction, on the reconnected connection, with a parameter (its Parse/Describe is answered
      // first: that answer went to the stale ROLLBACK, so the Bind was never sent)
      const second = await within(
        sql.begin(async (tx) => {
          const [a] = await tx<{ n: number }[]>`select ${41}::int + 1 as n`;
          const [b] = await tx<{ s: string }[]>`select 'after reset' as s`;
          return [a!.n, b!.s] as const;
        }),
        10_000,
      );
      expect(second, 'the transaction after the reset did not settle within 10 s').not.toBe(HUNG);
      expect(second).toEqual({ ok: true, v: [42, 'after reset'] });
      // and plain queries on it still get their own answers
      const rows = await sql<{ n: number }[]>`select generate_series(1, 3) as n`;
      expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('a reserve() waiting for the connection that is reset still gets a connection (upstream #1195)', async () => {
    const sql: Sql = createSql(proxy.url, { max: 1, applicationName: 'tia-reset-test' });
    try {
      await sql`select 1`;
      // the only connection is busy; the reserve waits in the pool's queue
      const busy = within(sql`select pg_sleep(0.5)`, 10_000);
      await sleep(100);
      const reserving = within(sql.reserve(), 10_000);
      await sleep(50);
      proxy.resetAll();
      expect(await busy).toMatchObject({ ok: false });
      // its connection closed: the pool reconnects it for the reserve, which gets it (or fails), never hangs
      const r = await reserving;
      expect(r, 'the reserve did not settle within 10 s').not.toBe(HUNG);
      if (r !== HUNG && r.ok) {
        const [row] = await r.v<{ n: number }[]>`select 7 as n`;
        expect(row!.n).toBe(7);
        r.v.release();
      }
      const again = await within(sql<{ n: number }[]>`select 2 as n`, 10_000);
      expect(again).toEqual({ ok: true, v: [{ n: 2 }] });
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('a reserve() whose connection attempt is reset fails, and the pool keeps its connection', async () => {
    const sql: Sql = createSql(proxy.url, { max: 1, applicationName: 'tia-reset-startup' });
    try {
      // the StartupMessage carries the application name: the reserve's connection attempt is reset
      proxy.cutWhenSent('tia-reset-startup');
      const r = await within(sql.reserve(), 10_000);
      expect(r).toMatchObject({ ok: false });
      // a failed reserve left in the pool's queue was handed the connection and kept it for good
      for (const n of [2, 3, 4]) {
        const again = await within(sql<{ n: number }[]>`select ${n}::int as n`, 5_000);
        expect(again, 'the pool lost its connection to the failed reserve').toEqual({ ok: true, v: [{ n }] });
      }
    } finally {
      await sql.end({ timeout: 1 });
    }
  });

  it('a reset during the array-type lookup of a new connection leaves no unhandled rejection', async () => {
    const sql: Sql = createSql(proxy.url, { max: 1, applicationName: 'tia-reset-test' });
    try {
      const before = unhandled.length;
      const cutsBefore = proxy.cuts();
      // the lookup every new connection runs before its first query (postgres.js fetch_types)
      proxy.cutWhenSent('typarray');
      const first = await within(sql`select 1 as n`, 10_000);
      expect(proxy.cuts()).toBe(cutsBefore + 1);
      expect(first).not.toBe(HUNG);
      // the query failed with the connection, or ran once it reconnected: either way it settled
      const again = await within(sql<{ n: number }[]>`select 2 as n`, 10_000);
      expect(again).toEqual({ ok: true, v: [{ n: 2 }] });
      await sleep(100); // an unhandled rejection is reported after the microtask queue drains
      expect(unhandled.slice(before).map(String)).toEqual([]);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
