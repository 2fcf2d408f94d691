/**
 * Shared e2e machinery: a production build of the web app (`next start`) on a given environment,
 * and Chromium pages that record console errors and CSP violations.
 */
/* eslint-disable no-restricted-properties -- test tooling like the *.spec.ts files: reads CHROMIUM_PATH and
   E2E_SCREENSHOT_DIR and hands the environment on to the child processes it starts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_MASTER_KEY } from '@tia/db/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NEXT_BIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve('next/package.json')),
  'dist/bin/next',
);
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

/** `next start` on a free port with `env` added, in its own process group; resolves once /api/health answers. */
export async function startApp(env: Record<string, string>, fixedPort?: number): Promise<App> {
  const port = fixedPort ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const server = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: WEB_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      NEXT_TELEMETRY_DISABLED: '1',
      ...TEST_SERVER_SECRETS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
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

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
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
): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width, height } });
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
