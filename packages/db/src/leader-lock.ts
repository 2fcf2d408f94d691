import postgres from 'postgres';
import type { Sql } from './sql.js';

/**
 * "Only one instance runs this consumer": a session advisory lock held on a connection of its own.
 *
 * Not a reserved connection of the shared pool: when PostgreSQL restarts, postgres.js keeps a reserved
 * connection whose socket is gone, and the next query on it throws `TypeError: Cannot read properties of null
 * (reading 'write')` from a timer — uncatchable, it took the worker down (chaos `postgres-restart`). A
 * one-connection client reconnects and fails queries as ordinary rejections instead.
 *
 * The lock lives and dies with that connection's session. `lost()` turns true as soon as the connection
 * closes (restart, network, recycling): the holder must stop before its next batch and take the lock again
 * — otherwise, after a restart, a standby takes the free lock while the old holder goes on, and two
 * instances run one consumer.
 */
export interface LeaderLock {
  /** Tries to take the lock (false if another session holds it or the database cannot be reached). */
  tryAcquire(): Promise<boolean>;
  /** The session that held the lock has closed since the last successful `tryAcquire`. */
  lost(): boolean;
  /** Releases the lock and closes the connection; bounded even when the database is unreachable. */
  close(): Promise<void>;
}

export const createLeaderLock = (sql: Sql, key: string, applicationName = 'tia-lock'): LeaderLock => {
  const o = sql.options;
  let held = false;
  let closed = false;
  const client = postgres({
    host: o.host.join(','),
    port: o.port[0],
    ...(o.path ? { path: o.path } : {}),
    database: o.database,
    user: o.user,
    ...(o.pass !== null ? { pass: o.pass } : {}),
    ssl: o.ssl,
    max: 1,
    // held for as long as the instance runs: no idle or lifetime recycling (that would drop the lock)
    idle_timeout: 0,
    max_lifetime: 0,
    connect_timeout: 5,
    prepare: false,
    connection: { ...o.connection, application_name: applicationName },
    onnotice: () => undefined,
    onclose: () => {
      held = false;
      closed = true;
    },
  });
  return {
    tryAcquire: async () => {
      closed = false;
      try {
        const [r] = await client<{ ok: boolean }[]>`select pg_try_advisory_lock(hashtext(${key})) as ok`;
        held = r!.ok && !closed;
      } catch {
        held = false;
      }
      return held;
    },
    lost: () => !held,
    close: async () => {
      if (held) await client`select pg_advisory_unlock_all()`.catch(() => undefined);
      held = false;
      await client.end({ timeout: 2 }).catch(() => undefined);
    },
  };
};
