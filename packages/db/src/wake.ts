import postgres from 'postgres';
import type { Checkpoint } from './event-store.js';
import type { Logger } from './log.js';
import type { Sql } from './sql.js';

/** The channel the `events_notify` trigger (migration 0018) notifies on; payload: the committer's xid8. */
export const EVENTS_CHANNEL = 'tia_events';

/**
 * Wake-ups on commit: consumers sleep until an appending transaction commits instead of polling every few
 * milliseconds. One listening connection per process (per pool), shared by every consumer on that pool.
 *
 * Tolerant by design: notifications only shorten a sleep that polling bounds anyway (`fallbackMs`), so a
 * lost notification (listener disconnected, database restarted) delays a consumer, never loses an event.
 * The connection is a one-connection client of its own (as `leader-lock.ts`, not a reserved connection of
 * the pool, which postgres.js cannot revive after a restart); when it closes, listening is taken up again
 * every second or two, and each time it is (at start too) every waiter is woken once to catch up on what
 * committed while nobody listened.
 */
export interface Wakeup {
  /** Moves on every notification and every (re)start of listening. Read it before a poll, pass it to `wait`. */
  seq(): number;
  /** The highest transaction id heard committing an append (0n before any). */
  heard(): bigint;
  /** Whether the listening connection is up right now. */
  listening(): boolean;
  /** Resolves after `ms`, on abort, or as soon as `seq()` differs from `since` (at once if it already does). */
  wait(since: number, ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * True when a transaction heard committing may not be visible to a consumer whose batch ended at `next`
 * (its horizon, `pg_snapshot_xmin`, has not passed that transaction because an older one is still open):
 * the consumer should poll again shortly rather than wait for the next notification.
 */
export const heardAhead = (w: Wakeup, next: Checkpoint): boolean => w.heard() >= BigInt(next.transactionId);

interface Hub extends Wakeup {
  users: number;
  close(): Promise<void>;
}

const hubs = new WeakMap<Sql, Hub>();

/** The wake-up hub of `sql`'s process, started on first use; `release` closes it after its last user. */
export const acquireWakeup = (sql: Sql, log: Logger): { wake: Wakeup; release: () => Promise<void> } => {
  let hub = hubs.get(sql);
  if (!hub) {
    hub = createHub(sql, log);
    hubs.set(sql, hub);
  }
  hub.users++;
  const h = hub;
  let released = false;
  return {
    wake: h,
    release: async () => {
      if (released) return;
      released = true;
      if (--h.users > 0) return;
      if (hubs.get(sql) === h) hubs.delete(sql);
      await h.close();
    },
  };
};

const createHub = (sql: Sql, log: Logger): Hub => {
  let seq = 0;
  let heard = 0n;
  let up = false;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const waiters = new Set<() => void>();
  const kick = () => {
    seq++;
    for (const w of [...waiters]) w();
  };
  const onnotify = (_channel: string, payload: string) => {
    if (/^\d{1,20}$/.test(payload)) {
      const x = BigInt(payload);
      if (x > heard) heard = x;
    }
    kick();
  };
  const o = sql.options;
  const options: postgres.Options<Record<string, postgres.PostgresType>> = {
    host: o.host.join(','),
    port: o.port[0],
    ...(o.path ? { path: o.path } : {}),
    database: o.database,
    user: o.user,
    ...(o.pass !== null ? { pass: o.pass } : {}),
    ssl: o.ssl,
    max: 1,
    idle_timeout: 0,
    max_lifetime: 0,
    connect_timeout: 5,
    prepare: false,
    fetch_types: false,
    connection: { ...o.connection, application_name: 'tia-listen' },
    onnotice: () => undefined,
    onclose: () => {
      if (up && !closed) log.warn('wake-up listener disconnected; consumers poll until it is back');
      up = false;
      schedule(1000);
    },
    // Not in postgres.js's types, but what its own `listen` uses: called for every NotificationResponse.
    ...({ onnotify } as object),
  };
  const client = postgres(options);
  const schedule = (ms: number) => {
    if (closed || retry) return;
    retry = setTimeout(() => void listen(), ms);
    retry.unref();
  };
  const listen = async () => {
    retry = undefined;
    if (closed || up) return;
    try {
      await client.unsafe(`listen ${EVENTS_CHANNEL}`);
      if (closed) return;
      up = true;
      kick(); // catch up on whatever committed while nobody listened
    } catch (e) {
      if (!closed) log.debug('wake-up listener cannot listen yet; retrying', { error: e });
      schedule(2000);
    }
  };
  void listen();
  return {
    users: 0,
    seq: () => seq,
    heard: () => heard,
    listening: () => up,
    wait: (since, ms, signal) =>
      new Promise<void>((resolve) => {
        if (seq !== since || signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(t);
          waiters.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, ms);
        waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
      }),
    close: async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      kick();
      await client.end({ timeout: 2 }).catch(() => undefined);
    },
  };
};
