/**
 * Shared e2e machinery: a production build of the web app (`next start`) on a given environment,
 * and Chromium pages that record console errors and CSP violations.
 */
/* eslint-disable no-restricted-properties -- test tooling like the *.spec.ts files: reads CHROMIUM_PATH and
   E2E_SCREENSHOT_DIR and hands the environment on to the child processes it starts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_MASTER_KEY } from '@tia/db/testing';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { expect } from 'vitest';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOT_DIR = process.env.E2E_SCREENSHOT_DIR ?? '/tmp';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Whether the existing production build has every one of these app routes (e.g. '/signup'). */
function buildHas(routes: string[]): boolean {
  const manifest = path.join(WEB_DIR, '.next', 'app-path-routes-manifest.json');
  if (!existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID')) || !existsSync(manifest)) return false;
  const known = new Set(Object.values(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, string>));
  return routes.every((r) => known.has(r));
}

/** Builds apps/web unless a production build exists that already has `requiredRoutes`. */
export async function ensureBuild(requiredRoutes: string[] = []): Promise<void> {
  if (buildHas(requiredRoutes)) return;
  const started = Date.now();
  const { code, out } = await run('npx', ['next', 'build', '--webpack'], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (code !== 0) {
    throw new Error(
      `apps/web has no usable production build and \`next build\` failed (exit ${code}). Output:\n${out.slice(-4000)}`,
    );
  }
  console.log(`next build took ${Math.round((Date.now() - started) / 1000)} s`);
}

export interface App {
  base: string;
  port: number;
  /** Everything the server printed so far. */
  output: string[];
  stop(): Promise<void>;
}

async function waitForHealth(server: ChildProcess, output: string[], url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`next start exited with ${server.exitCode}:\n${output.join('').slice(-4000)}`);
    }
    try {
      const res = await fetch(url);
      if (res.headers.get('content-type')?.includes('application/json')) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server did not answer ${url} in time (${last}):\n${output.join('').slice(-4000)}`);
}

/** Secrets the server refuses to start without; fixed test values (a spec may override them). */
export const TEST_SERVER_SECRETS = {
  MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
  AUTH_SECRET: Buffer.alloc(32, 9).toString('base64'),
};

/** The web server (server.ts: Next.js behind the client-address stamp) on a free port with `env` added, in its own process group; resolves once /api/health answers. */
export async function startApp(env: Record<string, string>, fixedPort?: number): Promise<App> {
  const port = fixedPort ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'server.ts', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: WEB_DIR,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        NEXT_TELEMETRY_DISABLED: '1',
        // A spec that sends mail sets SMTP_URL (a real in-process SMTP server); the others may use the dev mailbox.
        ALLOW_DEV_MAILBOX: '1',
        ...TEST_SERVER_SECRETS,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  server.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  server.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const stop = async () => {
    if (!server.pid || server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    try {
      process.kill(-server.pid, 'SIGTERM'); // the whole process group started above
    } catch {
      server.kill('SIGTERM');
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  try {
    await waitForHealth(server, output, `${base}/api/health`, 90_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { base, port, output, stop };
}

/** Debian Chromium, headless; `extraArgs` are added to the usual flags (e.g. fake media devices). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', ...extraArgs],
  });
}

/**
 * Flags for a fake camera (Chromium's test pattern) and a microphone that plays `wavPath` in a loop.
 * With `autoAccept` (the default) every permission prompt is accepted, whatever a context's permissions say.
 * Without it, headless Chromium refuses getUserMedia (NotAllowedError, as when a person blocks the prompt)
 * unless the context is given the permissions (`MEDIA_PERMISSIONS`), so one browser can serve both.
 */
export function fakeMediaArgs(
  wavPath: string,
  { autoAccept = true }: { autoAccept?: boolean } = {},
): string[] {
  if (!existsSync(wavPath)) throw new Error(`fake microphone input not found: ${wavPath}`);
  return [
    '--use-fake-device-for-media-stream',
    ...(autoAccept ? ['--use-fake-ui-for-media-stream'] : []),
    `--use-file-for-fake-audio-capture=${wavPath}`,
    '--autoplay-policy=no-user-gesture-required',
  ];
}

/** Context options that allow the camera and microphone (with `fakeMediaArgs(…, { autoAccept: false })`). */
export const MEDIA_PERMISSIONS: BrowserContextOptions = { permissions: ['camera', 'microphone'] };

// ---- mail: a real SMTP server in the test process -------------------------------------------------------

export interface Mail {
  to: string[];
  raw: string;
}

export interface Mailbox {
  port: number;
  inbox: Mail[];
  /** The 6-digit code of the newest mail to `to` (it stands on its own, indented line). */
  codeFor(to: string, after?: number, timeoutMs?: number): Promise<string>;
  /** How many mails went to `to`. */
  count(to: string): number;
  close(): Promise<void>;
}

/** An SMTP server on a free port that keeps every message in memory. */
export async function startMailbox(): Promise<Mailbox> {
  const port = await freePort();
  const inbox: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString('utf8')));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const mailsTo = (to: string) => inbox.filter((m) => m.to.includes(to.toLowerCase()));
  return {
    port,
    inbox,
    async codeFor(to, after = 0, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const last = mailsTo(to).slice(after).at(-1);
        const code = last ? /\n[ \t]+(\d{6})[ \t]*\r?\n/.exec(last.raw)?.[1] : undefined;
        if (code) return code;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`no code mailed to ${to}; inbox: ${JSON.stringify(inbox.map((m) => m.to))}`);
    },
    count: (to) => mailsTo(to).length,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Signs a new candidate up through the real form (only the required consent), confirms the email with the
 * mailed code, and waits until /account greets them.
 */
export async function signUpAndVerify(
  page: Page,
  base: string,
  mailbox: Mailbox,
  who: { name: string; email: string; password: string; dateOfBirth?: string },
): Promise<void> {
  await page.goto(`${base}/signup`, { waitUntil: 'load' });
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Date of birth').fill(who.dateOfBirth ?? '1990-04-01');
  await page.locator('#consent-recording').check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/verify\?email=/, { timeout: 20_000 });
  const code = await mailbox.codeFor(who.email);
  await page.getByLabel('Confirmation code').fill(code);
  await page.getByRole('button', { name: 'Confirm email' }).click();
  await page.waitForURL(`${base}/account`, { timeout: 20_000 });
  await page.getByRole('heading', { name: new RegExp(`Hello, ${who.name}`) }).waitFor({ timeout: 15_000 });
}

// ---- worker ---------------------------------------------------------------------------------------------

export const REPO_ROOT = path.resolve(WEB_DIR, '../..');

export interface Worker {
  output: string[];
  stop(): Promise<void>;
}

/**
 * The worker as `npm start` (scripts/start.ts) runs it: `node --import tsx src/main.ts` in apps/worker, with
 * `env` added (DATABASE_URL, MASTER_KEY, …; no KAFKA_BROKERS means the embedded transport), in its own
 * process group.
 */
export async function startWorker(env: Record<string, string>, readyMs = 60_000): Promise<Worker> {
  const output: string[] = [];
  const { KAFKA_BROKERS: _k, ...base } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(REPO_ROOT, 'apps/worker'),
    env: { ...base, NODE_ENV: 'production', LOG_LEVEL: 'info', ...TEST_SERVER_SECRETS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const stop = async () => {
    if (!child.pid || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  // Up once it logs "worker started" (a bad environment makes it exit at once).
  const deadline = Date.now() + readyMs;
  while (!output.join('').includes('worker started')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`worker did not start (exit ${child.exitCode}):\n${output.join('').slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { output, stop };
}

export function nonceOf(csp: string | null): string {
  const m = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(csp ?? '');
  if (!m?.[1]) throw new Error(`no nonce in CSP: ${csp}`);
  return m[1];
}

export interface PageProblems {
  console: string[];
  csp: string[];
}

export interface Watched {
  page: Page;
  problems: () => Promise<PageProblems>;
}

/** A page in a fresh browser context that records console errors/warnings and CSP violations. */
export async function openWatched(
  browser: Browser,
  url: string,
  width = 1280,
  height = 900,
  contextOptions: BrowserContextOptions = {},
): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width, height }, ...contextOptions });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  // Registered before any page script runs, so violations during load are caught too.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const res = await page.goto(url, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  return {
    page,
    problems: async () => ({
      console: consoleErrors,
      csp: await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    }),
  };
}
