/**
 * `npm run chaos [scenario …]`: faults against real processes (PostgreSQL, Kafka, worker, web), traffic on
 * 127.0.0.1 only, bounded (CHAOS_BUDGET_SECONDS, default 600). One line per scenario:
 *   CHAOS <scenario> ok|FAIL lost=<n> duplicated=<n> <details>
 * and a non-zero exit when any failed. Scenarios that stop a server start their own (a Kafka broker on
 * CHAOS_KAFKA_PORT, an embedded PostgreSQL on a free port): shared servers are never stopped.
 * Needs: PostgreSQL (TEST_DATABASE_URL, default 127.0.0.1:5432), Kafka on KAFKA_BROKERS (default
 * 127.0.0.1:9092) for two-workers/poison, Java for broker-down, pocketsphinx for worker-kill9.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import postgres from 'postgres';
import {
  ConcurrencyError,
  createPersistence,
  createSql,
  migrate,
  silentLogger,
  type Persistence,
} from '@tia/db';
import { createTestDatabase, speechFixture, TEST_MASTER_KEY } from '@tia/db/testing';
import { KafkaTransport, type Handler } from '@tia/worker';
import { givenCandidate, givenUpload } from '@tia/worker/testing';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET_MS = Number(process.env.CHAOS_BUDGET_SECONDS ?? 600) * 1000;
const STARTED = Date.now();
const deadline = () => STARTED + BUDGET_MS;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const OWN_KAFKA_PORT = Number(process.env.CHAOS_KAFKA_PORT ?? 9292);
const MASTER_KEY = TEST_MASTER_KEY.toString('base64');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (msg: string) =>
  process.stderr.write(`[chaos ${((Date.now() - STARTED) / 1000).toFixed(0)}s] ${msg}\n`);

interface Result {
  ok: boolean;
  lost: number;
  duplicated: number;
  details: string;
}

// ---------------------------------------------------------------- processes ----

interface Proc {
  name: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive: () => boolean;
}
const procs = new Set<Proc>();

const launch = (name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Proc => {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (b: Buffer) => {
    for (const l of b.toString().split('\n')) if (l.trim()) lines.push(l);
    if (lines.length > 20_000) lines.splice(0, 10_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const p: Proc = {
    name,
    child,
    lines,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
  procs.add(p);
  void exited.then(() => procs.delete(p));
  return p;
};

const waitLine = async (p: Proc, re: RegExp, timeoutMs: number): Promise<boolean> => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (p.lines.some((l) => re.test(l))) return true;
    if (!p.alive()) return p.lines.some((l) => re.test(l));
    await sleep(100);
  }
  return false;
};

const until = async (cond: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250) => {
  const end = Math.min(Date.now() + timeoutMs, deadline());
  while (Date.now() < end) {
    if (await cond()) return true;
    await sleep(everyMs);
  }
  return cond();
};

/** SIGTERM, then the time it took to exit (SIGKILL after `graceMs`, reported as such). */
const terminate = async (
  p: Proc,
  graceMs = 25_000,
): Promise<{ ms: number; killed: boolean; code: number | null }> => {
  const t0 = Date.now();
  if (!p.alive()) return { ms: 0, killed: false, code: p.child.exitCode };
  p.child.kill('SIGTERM');
  const r = await Promise.race([p.exited, sleep(graceMs).then(() => null)]);
  if (r) return { ms: Date.now() - t0, killed: false, code: r.code };
  p.child.kill('SIGKILL');
  const k = await p.exited;
  return { ms: Date.now() - t0, killed: true, code: k.code };
};

const workerEnv = (databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  MASTER_KEY,
  LOG_LEVEL: 'info',
  AUDIT_SIGNING_KEY: '',
  AUDIT_ANCHOR_DIR: '',
  KAFKA_BROKERS: '',
  SPEECH_ENGINE_MISSING: 'fail',
  ...extra,
});
const startWorker = (name: string, env: Record<string, string>) =>
  launch(name, ['src/main.ts'], path.join(ROOT, 'apps/worker'), env);

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

const countTypes = async (sql: postgres.Sql, streamPrefix: string) => {
  const rows = await sql<{ stream_id: string; type: string; n: string }[]>`
    select stream_id, type, count(*)::text as n from events where stream_id like ${streamPrefix + '%'}
    group by stream_id, type`;
  const by = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const m = by.get(r.stream_id) ?? new Map<string, number>();
    m.set(r.type, Number(r.n));
    by.set(r.stream_id, m);
  }
  return by;
};

/** Every file and folder left under `dir` (relative paths). */
const leftovers = (dir: string): string[] => {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const f = path.join(d, n);
      out.push(path.relative(dir, f));
      if (statSync(f).isDirectory()) walk(f);
    }
  };
  walk(dir);
  return out;
};

/** Processes whose command line mentions `needle` (orphans of a killed worker). */
const processesMentioning = (needle: string): string[] => {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter((l) => l.includes(needle) && !l.includes('ps -eo'))
    .map((l) => l.trim());
};

/**
 * Processes whose environment holds `entry` (e.g. `TMPDIR=<the scenario's dir>`): children of a killed worker
 * that name nothing of it in their arguments, such as the ffmpeg started ahead waiting on `-i pipe:0`.
 */
const processesWithEnv = (entry: string): string[] => {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry)) continue;
      out.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim()}`);
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return out;
};

// ---------------------------------------------------------------- scenarios ----

/** kill -9 the worker while it transcribes, many times; every answer still ends exactly once, nothing left. */
const workerKill9 = async (): Promise<Result> => {
  const RECORDINGS = Number(process.env.CHAOS_KILL9_RECORDINGS ?? 6);
  const KILLS = Number(process.env.CHAOS_KILL9_KILLS ?? 20);
  const db = await createTestDatabase();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'chaos-kill9-'));
  try {
    const p = createPersistence(db.sql, TEST_MASTER_KEY);
    const audio = readFileSync(speechFixture());
    const ids: string[] = [];
    for (let i = 0; i < RECORDINGS; i++) ids.push(await givenUpload(p, await givenCandidate(p), audio));
    const env = workerEnv(db.url, { TMPDIR: tmp });
    const scratch = path.join(tmp, 'tia-scratch');
    const allScored = async () =>
      Number(
        (
          await db.sql<{ n: string }[]>`select count(*)::text as n from events where type = 'FeedbackScored'`
        )[0]!.n,
      ) >= RECORDINGS;
    let kills = 0;
    let midWork = 0;
    // leave the final worker time to finish the batch (pocketsphinx on a loaded 2-core machine: ~30 s an answer)
    while (kills < KILLS && Date.now() < deadline() - 240_000 && !(await allScored())) {
      const w = startWorker(`worker-${kills}`, env);
      // wait for a transcription in flight (a scratch folder of this process), then kill it at a random moment
      const busy = await until(
        () => existsSync(scratch) && readdirSync(scratch).some((n) => n.startsWith(`${w.child.pid}-`)),
        60_000,
        20,
      );
      if (busy) midWork++;
      await sleep(Math.floor(Math.random() * 1500));
      w.child.kill('SIGKILL');
      await w.exited;
      kills++;
    }
    say(`worker-kill9: ${kills} kills (${midWork} mid-transcription); final worker`);
    const last = startWorker('worker-final', env);
    await until(allScored, 360_000, 500);
    const stop = await terminate(last);
    await sleep(500);
    const by = await countTypes(db.sql, 'recording-');
    let lost = 0;
    let duplicated = 0;
    for (const id of ids) {
      const m = by.get(`recording-${id}`) ?? new Map<string, number>();
      for (const t of ['TranscriptProduced', 'AudioDeleted', 'FeedbackScored']) {
        const n = m.get(t) ?? 0;
        if (n === 0) lost++;
        if (n > 1) duplicated += n - 1;
      }
    }
    const audioLeft = Number(
      (await db.sql<{ n: string }[]>`select count(*)::text as n from audio_blobs`)[0]!.n,
    );
    // tsx keeps its compile cache in TMPDIR (tsx-<uid>): code, not candidate data
    const files = leftovers(tmp).filter((f) => f !== 'tia-scratch' && !/^tsx-/.test(f));
    // Anything still running that a worker of this scenario started: named by its scratch paths, or (the waiting
    // ffmpeg, `-i pipe:0`) only by the TMPDIR it inherited. A zombie already reaped by nobody counts too.
    const orphans = [...new Set([...processesMentioning(tmp), ...processesWithEnv(`TMPDIR=${tmp}`)])].filter(
      (o) => !o.startsWith(`${process.pid} `),
    );
    const ok =
      lost === 0 &&
      duplicated === 0 &&
      audioLeft === 0 &&
      files.length === 0 &&
      orphans.length === 0 &&
      !stop.killed;
    return {
      ok,
      lost,
      duplicated,
      details: `recordings=${RECORDINGS} kills=${kills} mid_transcription=${midWork} audio_left=${audioLeft} temp_left=${files.length}${files.length ? `(${files.slice(0, 3).join(',')})` : ''} orphans=${orphans.length} stop_ms=${stop.ms}`,
    };
  } finally {
    for (const o of new Set([...processesMentioning(tmp), ...processesWithEnv(`TMPDIR=${tmp}`)])) {
      const pid = Number(o.split(/\s+/)[0]);
      try {
        if (pid !== process.pid) process.kill(pid, 'SIGKILL');
      } catch {
        /* exited meanwhile */
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    await db.drop();
  }
};

/** Runs `bash scripts/kafka.sh <cmd>` for the chaos broker (own port, own data dir, shared jars). */
const ownKafka = (cmd: 'start' | 'stop', dir: string) => {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/kafka.sh'), cmd], {
    env: {
      ...process.env,
      KAFKA_DIR: dir,
      KAFKA_LIBS: process.env.CHAOS_KAFKA_LIBS ?? path.join(ROOT, '.kafka/libs'),
      KAFKA_PORT: String(OWN_KAFKA_PORT),
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
      KAFKA_STOP_TIMEOUT: '20',
    },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kafka.sh ${cmd} failed: ${r.stderr.slice(-800)}`);
};

/** Reads every message of `topics` from the beginning with a fresh group until `want` event ids were seen. */
const readTopics = async (brokers: string[], topics: string[], want: number, timeoutMs: number) => {
  const kafka = new Kafka({ clientId: 'chaos-reader', brokers, logLevel: logLevel.NOTHING });
  const c = kafka.consumer({ groupId: `chaos-reader-${randomUUID()}` });
  const seen: { eventId: string; streamId: string; version: number; partition: number }[] = [];
  await c.connect();
  try {
    for (const topic of topics) await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message, partition }) => {
        const e = JSON.parse(message.value!.toString()) as {
          eventId: string;
          streamId: string;
          streamVersion: number;
        };
        seen.push({ eventId: e.eventId, streamId: e.streamId, version: Number(e.streamVersion), partition });
        return Promise.resolve();
      },
    });
    await until(() => new Set(seen.map((s) => s.eventId)).size >= want, timeoutMs, 250);
    await sleep(1000); // late duplicates
  } finally {
    await c.disconnect();
  }
  return seen;
};

/** Per stream: versions seen in increasing order (a redelivered duplicate of an earlier one is not a reorder). */
const outOfOrder = (seen: { eventId: string; streamId: string; version: number }[]) => {
  const last = new Map<string, number>();
  let bad = 0;
  const first = new Set<string>();
  for (const s of seen) {
    if (first.has(s.eventId)) continue;
    first.add(s.eventId);
    const prev = last.get(s.streamId) ?? 0;
    if (s.version !== prev + 1) bad++;
    last.set(s.streamId, s.version);
  }
  return bad;
};

/** The chaos broker is stopped for 30 s while appends go on: nothing lost, per-stream order kept. */
const brokerDown = async (): Promise<Result> => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chaos-kafka-'));
  const db = await createTestDatabase();
  const prefix = `chaos${randomBytes(3).toString('hex')}.`;
  const brokers = [`127.0.0.1:${OWN_KAFKA_PORT}`];
  let w: Proc | null = null;
  try {
    say('broker-down: starting the chaos broker');
    ownKafka('start', dir);
    const p = createPersistence(db.sql, TEST_MASTER_KEY);
    w = startWorker(
      'worker-relay',
      workerEnv(db.url, { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PREFIX: prefix }),
    );
    if (!(await waitLine(w, /worker started/, 90_000)))
      throw new Error(`worker did not start: ${w.lines.slice(-5).join(' | ')}`);
    const streams = Array.from({ length: 20 }, () => `diag-${randomUUID()}`);
    let appended = 0;
    let failed = 0;
    let load = true;
    const writer = (async () => {
      while (load) {
        const s = streams[appended % streams.length]!;
        const id = randomUUID();
        const at = new Date().toISOString();
        try {
          await p.store.append(s, 'any', [
            {
              eventId: id,
              type: 'DiagnosticPinged',
              data: { pingId: id, sentAt: at, payload: 'x' },
              metadata: { occurredAt: at },
            },
          ]);
          appended++;
        } catch {
          failed++;
        }
        await sleep(20);
      }
    })();
    await sleep(5000);
    say('broker-down: stopping the chaos broker for 30 s');
    ownKafka('stop', dir);
    const atStop = appended;
    await sleep(30_000);
    const whileDown = appended - atStop;
    say('broker-down: starting it again');
    ownKafka('start', dir);
    await sleep(5000);
    load = false;
    await writer;
    const t0 = Date.now();
    const seen = await readTopics(brokers, [`${prefix}diagnostics`], appended, 120_000);
    const drainMs = Date.now() - t0;
    const ids = new Set(seen.map((s) => s.eventId));
    const stored = await db.sql<
      { event_id: string }[]
    >`select event_id from events where type = 'DiagnosticPinged'`;
    const lost = stored.filter((r) => !ids.has(r.event_id)).length;
    const duplicated = seen.length - ids.size;
    const order = outOfOrder(seen);
    const stop = await terminate(w);
    const ok =
      lost === 0 &&
      order === 0 &&
      failed === 0 &&
      whileDown > 0 &&
      w.child.signalCode === null &&
      !stop.killed;
    return {
      ok,
      lost,
      duplicated,
      details: `appended=${appended} appended_while_down=${whileDown} append_failures=${failed} out_of_order=${order} redelivered=${duplicated} drain_ms=${drainMs} worker_stop_ms=${stop.ms}`,
    };
  } finally {
    if (w) await terminate(w, 5000);
    try {
      ownKafka('stop', dir);
    } catch (e) {
      say(String(e));
    }
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
};

/** Starts scripts/embedded-pg.ts (own data dir and port); resolves when it accepts connections. */
const startOwnPostgres = async (dataDir: string, port: number): Promise<{ proc: Proc; url: string }> => {
  const proc = launch('embedded-pg', ['scripts/embedded-pg.ts'], ROOT, {
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(port),
  });
  if (!(await waitLine(proc, /"ready":true/, 90_000)))
    throw new Error(`embedded PostgreSQL did not start: ${proc.lines.slice(-5).join(' | ')}`);
  const line = proc.lines.find((l) => l.includes('"ready":true'))!;
  return { proc, url: (JSON.parse(line) as { url: string }).url };
};

/**
 * Our own PostgreSQL goes away for a while under load (web requests, appends, a worker): requests fail
 * cleanly (503 + Retry-After), nobody crashes, every acknowledged append survives; SIGTERM while the
 * database is unreachable still ends every process in bounded time.
 */
const postgresRestart = async (): Promise<Result> => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chaos-pg-'));
  const port = await freePort();
  let pg = await startOwnPostgres(dataDir, port);
  const url = pg.url;
  const setup = createSql(url, { max: 1 });
  await migrate(setup);
  await setup.end();
  const sql = postgres(url, { max: 4, onnotice: () => undefined, connect_timeout: 3, idle_timeout: 5 });
  const p: Persistence = createPersistence(sql, TEST_MASTER_KEY);
  const webPort = await freePort();
  const haveWeb = existsSync(path.join(ROOT, 'apps/web/.next/BUILD_ID'));
  const env = workerEnv(url, {
    AUTH_SECRET: randomBytes(32).toString('base64'),
    PORT: String(webPort),
    NODE_ENV: 'production',
    // production refuses to start without SMTP_URL; this run sends no mail (the sign-ins are for nobody)
    ALLOW_DEV_MAILBOX: '1',
  });
  const workers = [startWorker('worker-a', env), startWorker('worker-b', env)];
  const web = haveWeb
    ? launch('web', ['server.ts', '-p', String(webPort), '-H', '127.0.0.1'], path.join(ROOT, 'apps/web'), env)
    : null;
  const acked: string[] = [];
  const status = new Map<string, number>();
  let bad500 = 0;
  let noRetryHint = 0;
  let load = true;
  try {
    for (const w of workers)
      if (!(await waitLine(w, /worker started/, 90_000)))
        throw new Error(`worker did not start: ${w.lines.slice(-5).join(' | ')}`);
    if (web && !(await waitLine(web, /web server listening/, 90_000))) throw new Error('web did not start');
    const stream = `diag-${randomUUID()}`;
    const appender = (async () => {
      while (load) {
        const id = randomUUID();
        const at = new Date().toISOString();
        try {
          await p.store.append(stream, 'any', [
            {
              eventId: id,
              type: 'DiagnosticPinged',
              data: { pingId: id, sentAt: at, payload: 'x' },
              metadata: { occurredAt: at },
            },
          ]);
          acked.push(id);
        } catch {
          /* not acknowledged: the caller would retry */
        }
        await sleep(50);
      }
    })();
    const prober = (async () => {
      if (!web) return;
      while (load) {
        // each needs the database: health, a session lookup (well-formed token), a sign-in (rate-limit table)
        const token = 'a'.repeat(52);
        const requests: [string, RequestInit][] = [
          ['/api/health', {}],
          ['/api/trpc/auth.me', { headers: { cookie: `tia_session=${token}` } }],
          [
            '/api/trpc/auth.signIn',
            {
              method: 'POST',
              headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${webPort}` },
              body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password 123' }),
            },
          ],
        ];
        for (const [u, init] of requests) {
          try {
            const r = await fetch(`http://127.0.0.1:${webPort}${u}`, {
              ...init,
              signal: AbortSignal.timeout(10_000),
            });
            await r.text();
            const k = String(r.status);
            status.set(k, (status.get(k) ?? 0) + 1);
            if (r.status >= 500 && r.status !== 503) bad500++;
            if (r.status === 503 && u !== '/api/health' && !r.headers.get('retry-after')) noRetryHint++;
          } catch {
            status.set('no-answer', (status.get('no-answer') ?? 0) + 1);
          }
        }
        await sleep(200);
      }
    })();
    await sleep(4000);
    say('postgres-restart: stopping our PostgreSQL (immediate) for 10 s');
    pg.proc.child.kill('SIGKILL'); // the node wrapper
    spawnSync('bash', [
      '-c',
      `kill -QUIT $(head -1 ${path.join(dataDir, 'pg/postmaster.pid')}) 2>/dev/null; true`,
    ]);
    await sleep(10_000);
    say('postgres-restart: starting it again');
    pg = await startOwnPostgres(dataDir, port);
    await sleep(8000);
    const crashedDuring = [...workers, ...(web ? [web] : [])].filter((x) => !x.alive()).map((x) => x.name);
    load = false;
    await Promise.all([appender, prober]);
    const rows = await sql<{ event_id: string }[]>`select event_id from events where stream_id = ${stream}`;
    const have = new Set(rows.map((r) => r.event_id));
    const lost = acked.filter((id) => !have.has(id)).length;
    const duplicated = rows.length - have.size;
    const versions = await sql<{ ok: boolean }[]>`
      select coalesce(max(stream_version) = count(*), true) as ok from events where stream_id = ${stream}`;
    // the database goes away again; every process must still end on SIGTERM in bounded time
    say('postgres-restart: database down again, SIGTERM to every process');
    pg.proc.child.kill('SIGKILL');
    spawnSync('bash', [
      '-c',
      `kill -QUIT $(head -1 ${path.join(dataDir, 'pg/postmaster.pid')}) 2>/dev/null; true`,
    ]);
    await sleep(1500);
    const stops = await Promise.all([...workers, ...(web ? [web] : [])].map((x) => terminate(x, 30_000)));
    const slowest = Math.max(...stops.map((s) => s.ms));
    const killed = stops.filter((s) => s.killed).length;
    const crashLines = [...workers, ...(web ? [web] : [])]
      .flatMap((x) => x.lines)
      .filter((l) => /TypeError|Uncaught|unhandled/i.test(l));
    if (process.env.CHAOS_LOG_DIR) {
      for (const x of [...workers, ...(web ? [web] : [])])
        writeFileSync(path.join(process.env.CHAOS_LOG_DIR, `${x.name}.log`), x.lines.join('\n'));
    }
    const ok =
      lost === 0 &&
      duplicated === 0 &&
      versions[0]!.ok &&
      crashedDuring.length === 0 &&
      bad500 === 0 &&
      noRetryHint === 0 &&
      killed === 0 &&
      slowest <= 25_000 &&
      (web === null || (status.get('503') ?? 0) > 0);
    return {
      ok,
      lost,
      duplicated,
      details: `acked=${acked.length} crashed=${crashedDuring.join('+') || 'none'} http=${JSON.stringify(Object.fromEntries(status))} http_5xx_not_503=${bad500} 503_without_retry_after=${noRetryHint} sigterm_slowest_ms=${slowest} sigkilled=${killed} crash_lines=${crashLines.length}${crashLines.length ? ` first="${crashLines[0]!.slice(0, 160)}"` : ''}${web ? '' : ' web=not-built(npm run build -w @tia/web)'}`,
    };
  } finally {
    load = false;
    await sql.end({ timeout: 1 }).catch(() => undefined);
    for (const x of [...workers, ...(web ? [web] : [])]) await terminate(x, 3000);
    await terminate(pg.proc, 20_000);
    spawnSync('bash', [
      '-c',
      `kill -QUIT $(head -1 ${path.join(dataDir, 'pg/postmaster.pid')} 2>/dev/null) 2>/dev/null; true`,
    ]);
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
};

/** A handler that always throws: its events reach the dead-letter topic after N tries; the rest flow on. */
const poison = async (): Promise<Result> => {
  const db = await createTestDatabase();
  const prefix = `chaosp${randomBytes(3).toString('hex')}.`;
  const p = createPersistence(db.sql, TEST_MASTER_KEY);
  const MAX = 3;
  const attempts = new Map<string, number>();
  const handled = new Map<string, number>();
  const poisonHandler: Handler<unknown, 'DiagnosticPinged'> = {
    name: 'chaos-poison',
    types: ['DiagnosticPinged'],
    maxAttempts: MAX,
    handle: (e) => {
      const id = String(e.data.pingId);
      if (e.data.payload === 'poison') {
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        return Promise.reject(new Error('chaos: this handler always throws on poison'));
      }
      handled.set(id, (handled.get(id) ?? 0) + 1);
      return Promise.resolve();
    },
  };
  const t = new KafkaTransport({
    sql: db.sql,
    store: p.store,
    log: silentLogger,
    handlers: [poisonHandler],
    cfg: { brokers: BROKERS, clientId: 'chaos-poison', topicPrefix: prefix },
  });
  try {
    await t.start();
    // one stream → one partition: the poison event sits before the good ones on the same partition
    const stream = `diag-${randomUUID()}`;
    const bad = randomUUID();
    const good: string[] = [];
    const at = new Date().toISOString();
    await p.store.append(stream, 'any', [
      {
        eventId: bad,
        type: 'DiagnosticPinged',
        data: { pingId: bad, sentAt: at, payload: 'poison' },
        metadata: { occurredAt: at },
      },
    ]);
    for (let i = 0; i < 30; i++) {
      const id = randomUUID();
      good.push(id);
      await p.store.append(stream, 'any', [
        {
          eventId: id,
          type: 'DiagnosticPinged',
          data: { pingId: id, sentAt: at, payload: 'good' },
          metadata: { occurredAt: at },
        },
      ]);
    }
    const t0 = Date.now();
    await until(() => good.every((g) => handled.has(g)), 60_000);
    const goodMs = Date.now() - t0;
    const dlq = await readTopics(BROKERS, [`${prefix}dead-letter`], 1, 30_000);
    const rows = await db.sql<
      { attempts: number }[]
    >`select attempts from dead_letters where consumer = 'handler:chaos-poison'`;
    const lost = good.filter((g) => !handled.has(g)).length;
    const duplicated = [...handled.values()].filter((n) => n > 1).length;
    const tries = attempts.get(bad) ?? 0;
    const ok =
      lost === 0 &&
      duplicated === 0 &&
      tries === MAX &&
      rows.length === 1 &&
      dlq.some((d) => d.eventId === bad);
    return {
      ok,
      lost,
      duplicated,
      details: `tries=${tries}/${MAX} dead_letters_rows=${rows.length} dlq_topic=${dlq.filter((d) => d.eventId === bad).length} later_events_handled=${good.length - lost}/${good.length} in_ms=${goodMs}`,
    };
  } finally {
    await t.stop();
    await db.drop();
  }
};

/** Many writers race on one stream: losers get ConcurrencyError, versions stay 1..n, nothing doubled. */
const contention = async (): Promise<Result> => {
  const db = await createTestDatabase();
  try {
    const p = createPersistence(db.sql, TEST_MASTER_KEY);
    const stream = `diag-${randomUUID()}`;
    const WRITERS = 16;
    const ROUNDS = 25;
    const acked: string[] = [];
    let conflicts = 0;
    let other = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let r = 0; r < ROUNDS; r++) {
          const head = await db.sql<
            { v: string | null }[]
          >`select max(stream_version)::text as v from events where stream_id = ${stream}`;
          const expected = Number(head[0]!.v ?? 0);
          const id = randomUUID();
          const at = new Date().toISOString();
          try {
            await p.store.append(stream, expected, [
              {
                eventId: id,
                type: 'DiagnosticPinged',
                data: { pingId: id, sentAt: at, payload: 'c' },
                metadata: { occurredAt: at },
              },
            ]);
            acked.push(id);
          } catch (e) {
            if (e instanceof ConcurrencyError) conflicts++;
            else other++;
          }
        }
      }),
    );
    const rows = await db.sql<{ event_id: string; stream_version: string }[]>`
      select event_id, stream_version::text from events where stream_id = ${stream} order by events.stream_version`;
    const have = new Set(rows.map((r) => r.event_id));
    const lost = acked.filter((a) => !have.has(a)).length;
    const duplicated =
      rows.length - have.size + (rows.length - acked.length > 0 ? rows.length - acked.length : 0);
    const contiguous = rows.every((r, i) => Number(r.stream_version) === i + 1);
    const ok = lost === 0 && duplicated === 0 && contiguous && other === 0 && conflicts > 0;
    return {
      ok,
      lost,
      duplicated,
      details: `writers=${WRITERS} attempts=${WRITERS * ROUNDS} appended=${acked.length} conflicts=${conflicts} other_errors=${other} versions_contiguous=${contiguous}`,
    };
  } finally {
    await db.drop();
  }
};

/** Two worker processes share one consumer group; one is killed: its partitions move, nothing lost/doubled. */
const twoWorkers = async (): Promise<Result> => {
  const db = await createTestDatabase();
  const prefix = `chaos2w${randomBytes(3).toString('hex')}.`;
  const env = workerEnv(db.url, {
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    LOG_LEVEL: 'debug',
  });
  const a = startWorker('worker-a', env);
  const b = startWorker('worker-b', env);
  const p = createPersistence(db.sql, TEST_MASTER_KEY);
  try {
    for (const w of [a, b])
      if (!(await waitLine(w, /worker started/, 90_000)))
        throw new Error(`worker did not start: ${w.lines.slice(-5).join(' | ')}`);
    const streams = Array.from({ length: 30 }, () => `diag-${randomUUID()}`);
    const ids: string[] = [];
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const id = randomUUID();
        const at = new Date().toISOString();
        await p.store.append(streams[ids.length % streams.length]!, 'any', [
          {
            eventId: id,
            type: 'DiagnosticPinged',
            data: { pingId: id, sentAt: at, payload: 'w' },
            metadata: { occurredAt: at },
          },
        ]);
        ids.push(id);
        await sleep(10);
      }
    };
    const handledBy = (w: Proc) => w.lines.filter((l) => l.includes('ping handled')).length;
    const inboxCount = async () =>
      Number(
        (
          await db.sql<
            { n: string }[]
          >`select count(*)::text as n from consumer_inbox where consumer = 'handler:diagnostics'`
        )[0]!.n,
      );
    await burst(150);
    await until(async () => (await inboxCount()) >= ids.length, 60_000);
    const before = { a: handledBy(a), b: handledBy(b) };
    say(`two-workers: split before the kill a=${before.a} b=${before.b}; kill -9 worker-b`);
    b.child.kill('SIGKILL');
    await b.exited;
    const t0 = Date.now();
    await burst(150);
    await until(async () => (await inboxCount()) >= ids.length, 90_000);
    const moveMs = Date.now() - t0;
    const inbox = await db.sql<
      { event_id: string }[]
    >`select event_id from consumer_inbox where consumer = 'handler:diagnostics'`;
    const have = new Set(inbox.map((r) => r.event_id));
    const lost = ids.filter((i) => !have.has(i)).length;
    const duplicated = inbox.length - have.size;
    const after = handledBy(a) - before.a;
    const stop = await terminate(a);
    const ok = lost === 0 && duplicated === 0 && before.a > 0 && before.b > 0 && after >= 150 && !stop.killed;
    return {
      ok,
      lost,
      duplicated,
      details: `events=${ids.length} before_kill a=${before.a} b=${before.b} after_kill a=${after} drained_after_kill_ms=${moveMs} worker_stop_ms=${stop.ms}`,
    };
  } finally {
    await terminate(a, 5000);
    await terminate(b, 5000);
    await db.drop();
  }
};

/** Children of `pid` whose command line contains `needle`. */
const childPid = (pid: number, needle: string): number | null => {
  const r = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.includes(needle));
  return line ? Number(line.trim().split(/\s+/)[0]) : null;
};

/**
 * `npm start` keeps serving when one of its processes dies: kill -9 the worker, the web app and the
 * embedded PostgreSQL server in turn; each comes back (restarts on /api/supervision), the product answers
 * again, and Ctrl-C still stops everything.
 */
const startSupervision = async (): Promise<Result> => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chaos-start-'));
  const port = await freePort();
  const pgPort = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const s = launch('npm-start', ['scripts/start.ts'], ROOT, {
    DATA_DIR: dataDir,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    DATABASE_URL: undefined,
    KAFKA_BROKERS: undefined,
    MASTER_KEY: undefined,
    AUTH_SECRET: undefined,
    APP_DATABASE_URL: undefined,
  });
  const healthy = async () => {
    try {
      return (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(3000) })).ok;
    } catch {
      return false;
    }
  };
  const restartsOf = async (name: string) => {
    try {
      const r = (await (await fetch(`${base}/api/supervision`)).json()) as {
        processes?: { name: string; restarts: number; up: boolean }[];
      };
      return r.processes?.find((p) => p.name === name)?.restarts ?? -1;
    } catch {
      return -1;
    }
  };
  const notes: string[] = [];
  let failures = 0;
  try {
    if (!(await waitLine(s, /TrueInterviewAI is up/, 240_000)))
      throw new Error(`npm start did not come up: ${s.lines.slice(-5).join(' | ')}`);
    for (const [name, needle] of [
      ['worker', 'src/main.ts'],
      ['web', 'server.ts'],
    ] as const) {
      const pid = childPid(s.child.pid!, needle);
      if (pid === null) throw new Error(`no ${name} process found`);
      process.kill(pid, 'SIGKILL');
      const t0 = Date.now();
      let servedMeanwhile = name === 'web';
      const back = await until(
        async () => {
          if (name === 'worker' && (await healthy())) servedMeanwhile = true;
          return (
            (await restartsOf(name)) >= 1 && (await healthy()) && childPid(s.child.pid!, needle) !== null
          );
        },
        90_000,
        500,
      );
      notes.push(`${name}_back_ms=${Date.now() - t0}`);
      if (!back || !servedMeanwhile || !s.alive()) failures++;
    }
    // the PostgreSQL server itself (not its wrapper): the wrapper notices, exits, and is started again
    const pgPid = Number(readFileSync(path.join(dataDir, 'pg/postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pgPid, 'SIGKILL');
    const t0 = Date.now();
    await sleep(1500);
    const back = await until(
      async () => (await restartsOf('embedded-postgres')) >= 1 && (await healthy()),
      120_000,
      1000,
    );
    notes.push(`postgres_back_ms=${Date.now() - t0}`);
    if (!back || !s.alive()) failures++;
    const stop = await terminate(s, 60_000);
    notes.push(`stop_ms=${stop.ms}`);
    const left = processesMentioning(dataDir);
    if (stop.killed || left.length > 0) failures++;
    notes.push(`left_running=${left.length}`);
  } catch (e) {
    failures++;
    notes.push(`error: ${(e as Error).message.slice(0, 200)}`);
  } finally {
    await terminate(s, 30_000);
    for (const o of processesMentioning(dataDir)) process.kill(Number(o.split(/\s+/)[0]), 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { ok: failures === 0, lost: 0, duplicated: 0, details: notes.join(' ') };
};

const SCENARIOS: Record<string, () => Promise<Result>> = {
  'worker-kill9': workerKill9,
  'broker-down': brokerDown,
  'postgres-restart': postgresRestart,
  poison,
  contention,
  'two-workers': twoWorkers,
  'start-supervision': startSupervision,
};

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(SCENARIOS);
for (const c of chosen)
  if (!SCENARIOS[c]) throw new Error(`unknown scenario ${c}; known: ${Object.keys(SCENARIOS).join(', ')}`);

const killEverything = () => {
  for (const p of procs) p.child.kill('SIGKILL');
};
process.on('SIGINT', () => (killEverything(), process.exit(130)));
const guard = setTimeout(() => {
  console.log(`CHAOS budget FAIL lost=0 duplicated=0 the run exceeded ${BUDGET_MS / 1000} s`);
  killEverything();
  process.exit(1);
}, BUDGET_MS + 60_000);
guard.unref();

let failed = 0;
for (const name of chosen) {
  if (Date.now() > deadline()) {
    console.log(`CHAOS ${name} FAIL lost=0 duplicated=0 not run: the ${BUDGET_MS / 1000} s budget is spent`);
    failed++;
    continue;
  }
  say(`${name}: start`);
  const t0 = Date.now();
  let r: Result;
  try {
    r = await SCENARIOS[name]!();
  } catch (e) {
    r = { ok: false, lost: 0, duplicated: 0, details: `error: ${(e as Error).message.slice(0, 300)}` };
  }
  if (!r.ok) failed++;
  console.log(
    `CHAOS ${name} ${r.ok ? 'ok' : 'FAIL'} lost=${r.lost} duplicated=${r.duplicated} ${r.details} took_s=${((Date.now() - t0) / 1000).toFixed(0)}`,
  );
}
killEverything();
process.exit(failed > 0 ? 1 : 0);
