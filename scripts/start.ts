/**
 * `npm start`: the whole product on a bare machine.
 * - PostgreSQL: DATABASE_URL if set, else an embedded PostgreSQL (real binaries, data under .data/pg).
 * - Transport: Kafka if KAFKA_BROKERS is set, else the embedded transport (events read from the store).
 * - Applies migrations, builds the web app if needed, starts the worker and the web app, waits for
 *   GET /api/health to be green. Ctrl-C (SIGINT) or SIGTERM stops everything cleanly.
 * - Supervision: a worker, web app or embedded PostgreSQL that exits on its own is started again with backoff
 *   while the rest keeps serving; restarts are written to <DATA_DIR>/supervision.json and shown on /status.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { devMailboxProblem } from '@tia/api/mail-guard';
import {
  accountsProjection,
  asInline,
  createLogger,
  createPersistence,
  createSql,
  emailLookupFor,
  ensureAppLogin,
  ErasureJournal,
  INLINE_PROJECTIONS,
  replayErasureJournal,
  migrate,
  parseSecret32,
  rebuildAccountsAfterMigration,
  withCredentials,
} from '@tia/db';
import { DEV_DATABASE_URL_FILE } from '@tia/db/dev-data';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = createLogger({ service: 'start' });

const Env = z.object({
  DATABASE_URL: z.string().url().optional(),
  /** The login role web and worker use (least privilege); unset with DATABASE_URL → DATABASE_URL itself. */
  APP_DATABASE_URL: z.string().url().optional(),
  KAFKA_BROKERS: z.string().optional(),
  MASTER_KEY: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATA_DIR: z.string().default(path.join(ROOT, '.data')),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  console.error(
    `Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
  );
  process.exit(1);
}
const env = parsed.data;

type Stoppable = { name: string; stop: () => Promise<void> };
const running: Stoppable[] = [];
let stopping = false;

const stopAll = async (code: number) => {
  if (stopping) return;
  stopping = true;
  log.info('stopping');
  for (const s of [...running].reverse()) {
    try {
      await s.stop();
      log.info('stopped', { what: s.name });
    } catch (e) {
      log.error('stop failed', { what: s.name, error: e });
    }
  }
  process.exit(code);
};
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** A secret for embedded/dev mode, generated once and kept (0600) under the data dir. */
const devSecret = (fileName: string, variable: string, what = '(32 bytes, base64)') => {
  const file = path.join(env.DATA_DIR, fileName);
  if (!existsSync(file)) {
    mkdirSync(env.DATA_DIR, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
    log.warn(`generated a development secret; set ${variable} ${what} in production`, { file });
  }
  chmodSync(file, 0o600);
  return readFileSync(file, 'utf8').trim();
};
const devMasterKey = () => devSecret('master.key', 'MASTER_KEY');
const devAuthSecret = () => devSecret('auth.secret', 'AUTH_SECRET');
// A raw 32-byte Ed25519 seed (base64): signs the audit log's checkpoints; kept outside the database.
const devAuditKey = () => devSecret('audit-signing.key', 'AUDIT_SIGNING_KEY');

interface ProcessState {
  name: string;
  up: boolean;
  restarts: number;
  lastExit: string | null;
  lastRestartAt: string | null;
}
const states = new Map<string, ProcessState>();
/** What `/status` shows about the processes we keep running (read by the web app from DATA_DIR). */
const SUPERVISION_FILE = path.join(env.DATA_DIR, 'supervision.json');
const publishSupervision = () => {
  try {
    mkdirSync(env.DATA_DIR, { recursive: true });
    writeFileSync(
      SUPERVISION_FILE,
      JSON.stringify({ updatedAt: new Date().toISOString(), processes: [...states.values()] }) + '\n',
    );
  } catch (e) {
    log.warn('could not write the supervision file', { error: e });
  }
};

/**
 * Keeps a process running: when it exits without being asked to, it is started again after a backoff (1 s,
 * doubling to 30 s; back to 1 s once it stayed up a minute) while everything else keeps serving. The promise
 * settles with the first start (a failing first start fails `npm start`).
 */
const supervise = async (name: string, launch: () => Promise<ChildProcess>, stopGraceMs = 25_000) => {
  const st: ProcessState = { name, up: false, restarts: 0, lastExit: null, lastRestartAt: null };
  states.set(name, st);
  let current: ChildProcess | null = null;
  let failuresInRow = 0;
  let timer: NodeJS.Timeout | null = null;
  const restartLater = (why: Record<string, unknown>) => {
    const delay = Math.min(30_000, 1000 * 2 ** failuresInRow);
    failuresInRow++;
    log.error('process exited unexpectedly; restarting it', { what: name, ...why, restartInMs: delay });
    publishSupervision();
    timer = setTimeout(() => {
      timer = null;
      if (stopping) return;
      st.restarts++;
      st.lastRestartAt = new Date().toISOString();
      void run(false);
    }, delay);
  };
  const run = async (first: boolean): Promise<void> => {
    const startedAt = Date.now();
    let c: ChildProcess;
    try {
      c = await launch();
    } catch (e) {
      if (first || stopping) throw e;
      st.lastExit = `${new Date().toISOString()} failed to start: ${(e as Error).message}`;
      restartLater({ error: (e as Error).message });
      return;
    }
    current = c;
    st.up = true;
    publishSupervision();
    c.once('exit', (code, signal) => {
      current = null;
      st.up = false;
      if (stopping) return;
      st.lastExit = `${new Date().toISOString()} code=${code} signal=${signal}`;
      if (Date.now() - startedAt > 60_000) failuresInRow = 0;
      restartLater({ code, signal });
    });
  };
  running.push({
    name,
    stop: async () => {
      if (timer) clearTimeout(timer);
      const c = current;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), stopGraceMs);
      await exited;
      clearTimeout(t);
    },
  });
  await run(true);
};

/** Embedded PostgreSQL in its own process group, so a terminal Ctrl-C reaches it only through us, last. */
const launchEmbeddedPostgres = (onUrl: (url: string) => void) => async (): Promise<ChildProcess> => {
  log.info('starting embedded PostgreSQL', {
    dir: path.join(env.DATA_DIR, 'pg'),
    port: env.EMBEDDED_PG_PORT,
  });
  mkdirSync(env.DATA_DIR, { recursive: true, mode: 0o755 });
  const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/embedded-pg.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: env.DATA_DIR, EMBEDDED_PG_PORT: String(env.EMBEDDED_PG_PORT) },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    c.stdout.on('data', (b: Buffer) => {
      buf += b.toString();
      const lineEnd = buf.indexOf('\n');
      if (lineEnd >= 0) resolve((JSON.parse(buf.slice(0, lineEnd)) as { url: string }).url);
    });
    c.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited during start-up (code ${code})`)));
  });
  onUrl(url);
  log.info('embedded PostgreSQL running', { port: env.EMBEDDED_PG_PORT });
  return c;
};

const startEmbeddedPostgres = async (): Promise<string> => {
  let url = '';
  await supervise(
    'embedded-postgres',
    launchEmbeddedPostgres((u) => (url = u)),
    60_000,
  );
  return url;
};

const child = (name: string, cmd: string, args: string[], cwd: string, childEnv: NodeJS.ProcessEnv) =>
  supervise(name, () =>
    Promise.resolve(spawn(cmd, args, { cwd, env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] })),
  );

const waitForHealth = async (url: string, timeoutMs: number) => {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end && !stopping) {
    try {
      const r = await fetch(url);
      last = `${r.status} ${await r.text()}`;
      if (r.ok) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`health check did not pass within ${timeoutMs} ms: ${last}`);
};

try {
  const databaseUrl = env.DATABASE_URL ?? (await startEmbeddedPostgres());
  const masterKey = env.MASTER_KEY ?? devMasterKey();
  const authSecret = env.AUTH_SECRET ?? devAuthSecret();
  // The same strict rule every process applies (32 bytes, canonical base64): refuse before starting anything.
  parseSecret32('MASTER_KEY', masterKey);
  parseSecret32('AUTH_SECRET', authSecret);
  const sql = createSql(databaseUrl, { max: 1, applicationName: 'tia-start' });
  const { applied, total } = await migrate(sql);
  await rebuildAccountsAfterMigration(sql, applied, {
    masterKey: parseSecret32('MASTER_KEY', masterKey),
    authSecret: parseSecret32('AUTH_SECRET', authSecret),
    log,
  });
  // A restored backup still holds the keys of people erased after it was taken: erase them again first.
  const erasureJournalFile = path.resolve(
    process.env.ERASURE_JOURNAL ?? path.join(env.DATA_DIR, 'erasure-journal.jsonl'),
  );
  {
    const p = createPersistence(sql, parseSecret32('MASTER_KEY', masterKey));
    const lookup = emailLookupFor(parseSecret32('AUTH_SECRET', authSecret));
    await replayErasureJournal(
      {
        store: p.store,
        keys: p.keys,
        inline: [...INLINE_PROJECTIONS.map(asInline), asInline(accountsProjection(lookup, p.keys))],
        log,
        newId: randomUUID,
      },
      new ErasureJournal(erasureJournalFile),
    );
  }
  // Migrations ran as the owner; web and worker connect as a login role with the application's privileges
  // only (member of tia_app: no DDL, no INSERT on events except through tia_append, no trigger tricks).
  let appDatabaseUrl = env.APP_DATABASE_URL ?? databaseUrl;
  if (!env.DATABASE_URL) {
    const password = Buffer.from(
      devSecret('app-db.password', 'APP_DATABASE_URL', '(a login role in tia_app)'),
      'base64',
    ).toString('hex');
    await ensureAppLogin(sql, 'tia_app_login', password);
    appDatabaseUrl = withCredentials(databaseUrl, 'tia_app_login', password);
  }
  await sql.end();
  if (!env.DATABASE_URL) {
    // While we run, the README's command-line tools (db:verify, admin:bootstrap, …) find this database
    // without any variable set; the file goes before the database stops.
    const urlFile = path.join(env.DATA_DIR, DEV_DATABASE_URL_FILE);
    writeFileSync(urlFile, `${databaseUrl}\n`, { mode: 0o600 });
    running.push({
      name: 'database url file',
      stop: () => Promise.resolve(rmSync(urlFile, { force: true })),
    });
  }
  log.info('database ready', {
    migrations: total,
    newlyApplied: applied.length,
    embedded: !env.DATABASE_URL,
  });

  const webDir = path.join(ROOT, 'apps/web');
  if (!existsSync(path.join(webDir, '.next/BUILD_ID'))) {
    log.info('building the web app (first start only; takes a minute or two)');
    const b = spawnSync('npm', ['run', 'build', '-w', '@tia/web'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    if (b.status !== 0) throw new Error('web build failed');
  }

  // The dev mailbox (plaintext .eml files) serves a local machine only: with the embedded database, or when the
  // operator says so (ALLOW_DEV_MAILBOX=1). Otherwise SMTP_URL is required, and the check says so before starting.
  const allowDevMailbox =
    !env.DATABASE_URL || process.env.ALLOW_DEV_MAILBOX === '1' ? '1' : (process.env.ALLOW_DEV_MAILBOX ?? '0');
  const mailProblem = devMailboxProblem({
    NODE_ENV: 'production',
    SMTP_URL: process.env.SMTP_URL,
    ALLOW_DEV_MAILBOX: allowDevMailbox,
  });
  if (mailProblem) throw new Error(mailProblem);

  const childEnv = {
    ...process.env,
    ALLOW_DEV_MAILBOX: allowDevMailbox,
    ERASURE_JOURNAL: erasureJournalFile,
    DATABASE_URL: appDatabaseUrl,
    MASTER_KEY: masterKey,
    AUTH_SECRET: authSecret,
    // Signed checkpoints of the audit log go to a directory outside the database (`npm run db:verify` reads it).
    AUDIT_SIGNING_KEY: process.env.AUDIT_SIGNING_KEY ?? devAuditKey(),
    AUDIT_ANCHOR_DIR: process.env.AUDIT_ANCHOR_DIR ?? path.join(env.DATA_DIR, 'anchors'),
    // Without SMTP_URL, mails land here as .eml files (the dev mailbox).
    MAILBOX_DIR: process.env.MAILBOX_DIR ?? path.join(env.DATA_DIR, 'mailbox'),
    LOG_LEVEL: env.LOG_LEVEL,
    PORT: String(env.PORT),
    // the web app's /status shows the restarts it finds in <DATA_DIR>/supervision.json
    DATA_DIR: env.DATA_DIR,
    NODE_ENV: 'production',
    // A machine without the speech engine still gets a running product: the worker says what to install
    // and candidates are told that answers cannot be transcribed for now (set it to `fail` to refuse).
    SPEECH_ENGINE_MISSING: process.env.SPEECH_ENGINE_MISSING ?? 'degrade',
  };
  await child(
    'worker',
    process.execPath,
    ['--import', 'tsx', 'src/main.ts'],
    path.join(ROOT, 'apps/worker'),
    childEnv,
  );
  await child(
    'web',
    process.execPath,
    ['--import', 'tsx', 'server.ts', '-p', String(env.PORT)],
    webDir,
    childEnv,
  );

  const health = `http://127.0.0.1:${env.PORT}/api/health`;
  await waitForHealth(health, 120_000);
  log.info('TrueInterviewAI is up', {
    url: `http://localhost:${env.PORT}`,
    health,
    database: env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
    transport: env.KAFKA_BROKERS ? 'kafka' : 'embedded',
  });
} catch (e) {
  log.error('start failed', { error: e });
  await stopAll(1);
}
