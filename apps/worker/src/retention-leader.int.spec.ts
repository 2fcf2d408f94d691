/**
 * The retention job's leader lock (P18) with two job instances running at once, each with its own connection
 * pool and lock connection (as two worker processes have): only the leader runs passes — every due item is
 * expired by it, the standby logs no run — and when the leader stops, the standby takes the lock and runs the
 * next passes. Real PostgreSQL; what is due are records of privacy requests closed years ago.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createLogger,
  createPersistence,
  createSql,
  INLINE_PROJECTIONS,
  asInline,
  type Logger,
} from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY, waitFor, type TestDatabase } from '@tia/db/testing';
import { startSmtp } from '@tia/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv, type WorkerEnv } from './env.js';
import { runRetentionJob } from './retention.js';

let db: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let mailbox: string;
let env: WorkerEnv;

interface Instance {
  name: string;
  runs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** One job instance: its own pool (its own connections), its own leader-lock connection, its own log. */
const startInstance = (name: string): Instance => {
  const sql = createSql(db.url, { max: 2, applicationName: `tia-worker-${name}` });
  const p = createPersistence(sql, TEST_MASTER_KEY);
  const runs: Record<string, unknown>[] = [];
  const log: Logger = createLogger(
    { instance: name },
    {
      level: 'info',
      write: (line) => {
        const rec = JSON.parse(line) as Record<string, unknown>;
        if (rec.msg === 'retention run') runs.push(rec);
      },
    },
  );
  const ac = new AbortController();
  const done = runRetentionJob({
    env,
    sql,
    store: p.store,
    keys: p.keys,
    masterKey: TEST_MASTER_KEY,
    log,
    signal: ac.signal,
  });
  return {
    name,
    runs,
    stop: async () => {
      ac.abort();
      await done;
      await sql.end({ timeout: 5 });
    },
  };
};

/** A privacy request received and completed in 2020: its record is past its 36 months. */
const givenOldClosedRequest = async () => {
  const p = createPersistence(db.sql, TEST_MASTER_KEY);
  const inline = INLINE_PROJECTIONS.map(asInline);
  const requestId = randomUUID();
  const subjectId = randomUUID();
  const at = '2020-01-15T09:00:00.000Z';
  await p.store.append(
    `privacy-request-${requestId}`,
    0,
    [
      {
        eventId: randomUUID(),
        type: 'PrivacyRequestReceived',
        data: { requestId, subjectId, kind: 'access', receivedAt: at, dueAt: '2020-02-15T09:00:00.000Z' },
        metadata: { occurredAt: at },
      },
      {
        eventId: randomUUID(),
        type: 'PrivacyRequestCompleted',
        data: { requestId, subjectId, handledBy: { kind: 'system' }, completedAt: at },
        metadata: { occurredAt: at },
      },
    ],
    { inline },
  );
  return requestId;
};

const expiredBy = async (requestId: string) => {
  const events = await createPersistence(db.sql, TEST_MASTER_KEY).store.readStream(
    `privacy-request-${requestId}`,
  );
  return events.filter((e) => e.type === 'PrivacyRequestRecordExpired');
};

/** Pids of the sessions holding the retention job's advisory lock (`tia:retention-job`) in the test database. */
const lockHolders = async () =>
  (
    await db.sql<{ pid: number }[]>`
      select l.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and a.datname = current_database()
         and a.application_name = 'tia-retention'`
  ).map((r) => r.pid);

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtp();
  mailbox = await mkdtemp(path.join(tmpdir(), 'tia-retention-leader-'));
  env = {
    ...loadEnv({
      DATABASE_URL: db.url,
      MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
      AUTH_SECRET: Buffer.alloc(32, 9).toString('base64'),
      SMTP_URL: smtp.url,
      MAILBOX_DIR: mailbox,
      NODE_ENV: 'test',
    }),
    // A pass every second (the variable's minimum is 10 s; the test sets the field directly).
    RETENTION_INTERVAL_SECONDS: 1,
  };
}, 60_000);

afterAll(async () => {
  await smtp?.close();
  await db?.drop();
  if (mailbox) await rm(mailbox, { recursive: true, force: true });
});

describe('retention job leader lock (two instances at once)', () => {
  it('only the leader runs passes; the standby takes over when the leader stops', async () => {
    const a = startInstance('a');
    await waitFor(async () => (await lockHolders()).length === 1, 10_000);
    const b = startInstance('b');
    let stopped: Instance[] = [];
    try {
      // Both run for several passes; one session holds the lock throughout, and it is a's.
      const first = await givenOldClosedRequest();
      await waitFor(async () => (await expiredBy(first)).length === 1, 15_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await lockHolders()).toHaveLength(1);
      expect(a.runs.length).toBeGreaterThan(0);
      expect(b.runs).toEqual([]);
      const second = await givenOldClosedRequest();
      await waitFor(async () => (await expiredBy(second)).length === 1 && a.runs.length === 2, 15_000);
      await new Promise((r) => setTimeout(r, 1500));
      expect(b.runs).toEqual([]);
      expect(a.runs.map((r) => r.requestsExpired)).toEqual([1, 1]);
      const leaderPid = (await lockHolders())[0];

      // The leader stops (its lock connection closes): b takes the lock and runs the next passes.
      await a.stop();
      stopped = [a];
      const third = await givenOldClosedRequest();
      // (the run is logged after its events commit)
      await waitFor(async () => (await expiredBy(third)).length === 1 && b.runs.length === 1, 15_000);
      const holders = await lockHolders();
      expect(holders).toHaveLength(1);
      expect(holders[0]).not.toBe(leaderPid);
      expect(b.runs.map((r) => r.requestsExpired)).toEqual([1]);
      expect(a.runs).toHaveLength(2);
      // Each record expired exactly once, whoever ran.
      for (const id of [first, second, third]) expect(await expiredBy(id)).toHaveLength(1);
    } finally {
      for (const i of [a, b]) if (!stopped.includes(i)) await i.stop();
    }
  }, 90_000);
});
