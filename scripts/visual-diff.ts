/**
 * Visual parity check for style refactors (issue 10, CSS modules): full-page screenshots of every page —
 * signed out, as a candidate with practice data, as a compliance officer / analyst / admin — at 360 px and
 * 1280 px in real Chromium, then a pixel-by-pixel comparison of two such sets. Not part of `npm test`.
 *
 *   # once: a database with seeded data and signed-in browser states (kept in STATE_DIR)
 *   # then with the production build of apps/web as it is now (cd apps/web && npx next build --webpack):
 *   npx tsx scripts/visual-diff.ts capture /tmp/visual/before
 *   # … change the styles, build again …
 *   npx tsx scripts/visual-diff.ts capture /tmp/visual/after
 *   npx tsx scripts/visual-diff.ts compare /tmp/visual/before /tmp/visual/after [/tmp/visual/diff]
 *
 * Both captures use the same database (its url and the browser sessions are kept in STATE_DIR, default
 * /tmp/visual-diff-state), so pages show the same data; what still changes between two captures (times,
 * audit-trail entries of the visits themselves) shows up in the report and has to be explained.
 * `VISUAL_DB_DROP=1 … capture` (or removing STATE_DIR) starts over with a new database.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { changeStaffAccess, createAuthServices, startPracticeSession, stepAt, totpCode } from '@tia/api';
import { createTestDatabase, TEST_MASTER_KEY } from '@tia/db/testing';
import pixelmatch from 'pixelmatch';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { freePort, launchChromium, startApp, TEST_SERVER_SECRETS, type App } from '../apps/web/e2e/harness';
import { createStaffAccount } from '../apps/web/e2e/staff';
import { seed } from './seed';

const STATE_DIR = process.env.STATE_DIR ?? '/tmp/visual-diff-state';
const WIDTHS = [360, 1280] as const;

interface State {
  dbUrl: string;
  staff: { email: string; password: string; totpSecret?: string };
  candidate: { email: string; password: string; userId: string };
  openSessionId: string;
  doneSessionId: string;
  recordingId: string;
  trailEventId?: string;
}

const STAFF = {
  name: 'Vera Visual',
  email: 'visual.staff@example.com',
  password: 'pixels all the way down 9',
};

const statePath = path.join(STATE_DIR, 'state.json');
const storagePath = (who: string) => path.join(STATE_DIR, `${who}.storage.json`);

async function setUp(): Promise<State> {
  mkdirSync(STATE_DIR, { recursive: true });
  const db = await createTestDatabase();
  const authSecret = Buffer.from(TEST_SERVER_SECRETS.AUTH_SECRET, 'base64');
  const people: { userId: string; email: string; password: string; answers: number }[] = [];
  await seed({
    sql: db.sql,
    masterKey: TEST_MASTER_KEY,
    authSecret,
    candidates: 12,
    seed: 7,
    onCandidate: (c) => people.push(c),
  });
  const candidate = people.find((p) => p.answers === 5) ?? people.find((p) => p.answers > 0)!;
  const userId = await createStaffAccount(db, { ...STAFF, role: 'compliance_officer' });
  const a = createAuthServices({
    sql: db.sql,
    masterKey: TEST_MASTER_KEY,
    authSecret,
    mailer: { send: () => Promise.resolve() },
    secureCookies: false,
  });
  await changeStaffAccess(
    { store: a.store },
    { type: 'GrantRole', actorId: userId, userId, role: 'analyst', now: new Date().toISOString() },
  ).catch((e: unknown) => console.warn(`analyst role not granted: ${(e as Error).message}`));
  const [done] = await db.sql<{ session_id: string }[]>`
    select session_id from rm_practice_sessions where user_id = ${candidate.userId} limit 1`;
  const [rec] = await db.sql<{ recording_id: string }[]>`
    select recording_id from rm_recordings where user_id = ${candidate.userId} limit 1`.catch(() => []);
  const { sessionId: openSessionId } = await startPracticeSession(
    a,
    { userId: candidate.userId, requestId: 'visual', ip: '192.0.2.20' },
    { track: 'competency', count: 1 },
  );
  await db.sql.end({ timeout: 5 });
  const state: State = {
    dbUrl: db.url,
    staff: { email: STAFF.email, password: STAFF.password },
    candidate: { email: candidate.email, password: candidate.password, userId: candidate.userId },
    openSessionId,
    doneSessionId: done!.session_id,
    recordingId: rec?.recording_id ?? '',
  };
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  return state;
}

async function signIn(browser: Browser, base: string, state: State, who: 'staff' | 'candidate') {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const acct = state[who];
  await page.goto(`${base}/signin`, { waitUntil: 'load' });
  await page.getByLabel('Email address').fill(acct.email);
  await page.getByLabel('Password', { exact: true }).fill(acct.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (who === 'staff') {
    await page.waitForURL(/\/mfa/, { timeout: 20_000 });
    if (!state.staff.totpSecret) {
      await page.getByRole('button', { name: 'Start set-up' }).click();
      state.staff.totpSecret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
      await page
        .getByLabel('Enter the 6-digit code your app now shows')
        .fill(totpCode(decodeBase32IgnorePadding(state.staff.totpSecret), stepAt(new Date())));
      await page.getByRole('button', { name: 'Turn on two-factor' }).click();
      await page.getByText('Two-factor authentication is on.').waitFor({ timeout: 15_000 });
    } else {
      throw new Error('staff session expired: remove STATE_DIR and capture both sets again');
    }
  } else {
    await page.waitForURL(`${base}/account`, { timeout: 20_000 });
  }
  await ctx.storageState({ path: storagePath(who) });
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  await ctx.close();
}

async function contextFor(browser: Browser, who: 'anon' | 'staff' | 'candidate', width: number) {
  return browser.newContext({
    viewport: { width, height: 800 },
    reducedMotion: 'reduce',
    ...(who === 'anon' ? {} : { storageState: storagePath(who) }),
  });
}

async function shoot(
  ctx: BrowserContext,
  base: string,
  route: string,
  file: string,
  signedIn: boolean,
): Promise<string> {
  const page: Page = await ctx.newPage();
  await page.goto(`${base}${route}`, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // Client-rendered parts first say "Loading…"/"Checking…" and the nav says "Sign in" until it knows who
  // is signed in: wait for the settled page, then for its height to stay put.
  await page
    .waitForFunction(
      (signedIn) =>
        !/\bLoading\b|Checking…/.test(document.body.innerText) &&
        (!signedIn || document.querySelector('[data-testid="nav-account"]')?.textContent === 'Account'),
      signedIn,
      { timeout: 20_000 },
    )
    .catch(() => console.warn(`${route}: still loading after 20 s`));
  await page.evaluate(() => document.fonts.ready);
  let height = 0;
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(250);
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    if (h === height) break;
    height = h;
  }
  const landed = new URL(page.url()).pathname;
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  await page.close();
  return landed;
}

/**
 * The web server from another copy of apps/web (`WEB_DIR`, e.g. a copy holding the build from before the
 * change), so both builds can be captured without rebuilding; the copy must sit inside the repository so
 * that its imports resolve.
 */
async function startAppIn(dir: string, env: Record<string, string>): Promise<App> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server.ts', '-p', String(port), '-H', '127.0.0.1'],
    {
      cwd: dir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        ALLOW_DEV_MAILBOX: '1',
        ...TEST_SERVER_SECRETS,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const stop = async () => {
    if (!child.pid || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output.join('')}`);
    const ok = await fetch(`${base}/api/health`)
      .then((r) => r.headers.get('content-type')?.includes('application/json'))
      .catch(() => false);
    if (ok) return { base, port, output, stop };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`server did not start:\n${output.join('')}`);
}

async function capture(outDir: string) {
  mkdirSync(outDir, { recursive: true });
  let state: State = existsSync(statePath)
    ? (JSON.parse(readFileSync(statePath, 'utf8')) as State)
    : await setUp();
  const app = process.env.WEB_DIR
    ? await startAppIn(path.resolve(process.env.WEB_DIR), { DATABASE_URL: state.dbUrl })
    : await startApp({ DATABASE_URL: state.dbUrl });
  const browser = await launchChromium();
  try {
    for (const who of ['staff', 'candidate'] as const)
      if (!existsSync(storagePath(who))) await signIn(browser, app.base, state, who);
    state = JSON.parse(readFileSync(statePath, 'utf8')) as State;
    if (!state.trailEventId) {
      const ctx = await contextFor(browser, 'staff', 1280);
      const page = await ctx.newPage();
      await page.goto(`${app.base}/compliance/trail`, { waitUntil: 'load' });
      const href = await page
        .locator('a[href^="/compliance/trail/"]')
        .last()
        .getAttribute('href')
        .catch(() => null);
      state.trailEventId = href?.split('/').pop() ?? '';
      writeFileSync(statePath, JSON.stringify(state, null, 2));
      await ctx.close();
    }
    const pages: [who: 'anon' | 'staff' | 'candidate', route: string][] = [
      ['anon', '/'],
      ['anon', '/privacy'],
      ['anon', '/privacy/report-minor'],
      ['anon', '/privacy/revisions'],
      ['anon', '/privacy/revisions/1'],
      ['anon', '/status'],
      ['anon', '/signup'],
      ['anon', '/signin'],
      ['anon', '/reset'],
      ['anon', '/reset/confirm?email=a%40example.com'],
      ['anon', '/verify?email=a%40example.com'],
      ['anon', '/welcome'],
      ['candidate', '/account'],
      ['candidate', '/account/password'],
      ['candidate', '/account/privacy'],
      ['candidate', '/practice'],
      ['candidate', '/practice/history'],
      ['candidate', `/practice/${state.doneSessionId}`],
      ['candidate', `/practice/${state.openSessionId}`],
      ...(state.recordingId
        ? [['candidate', `/practice/answers/${state.recordingId}`] as ['candidate', string]]
        : []),
      ['staff', '/compliance/requests'],
      ['staff', '/compliance/alerts'],
      ['staff', '/compliance/breaches'],
      ['staff', '/compliance/registers'],
      ['staff', '/compliance/recordings'],
      ['staff', '/compliance/dependencies'],
      ['staff', '/compliance/policy'],
      ['staff', '/compliance/trail'],
      ...(state.trailEventId
        ? [['staff', `/compliance/trail/${state.trailEventId}`] as ['staff', string]]
        : []),
      ['staff', '/analytics'],
      ['staff', '/admin/access'],
      ['staff', '/mfa'],
    ];
    for (const width of WIDTHS) {
      const contexts = {
        anon: await contextFor(browser, 'anon', width),
        staff: await contextFor(browser, 'staff', width),
        candidate: await contextFor(browser, 'candidate', width),
      };
      for (const [who, route] of pages) {
        const ids: [string, string | undefined][] = [
          ['done-session', state.doneSessionId],
          ['open-session', state.openSessionId],
          ['recording', state.recordingId],
          ['event', state.trailEventId],
        ];
        let label = route.split('?')[0]!;
        for (const [k, v] of ids) if (v) label = label.replace(v, k);
        const name = `${who}${label.replace(/\//g, '_')}@${width}.png`;
        const landed = await shoot(contexts[who], app.base, route, path.join(outDir, name), who !== 'anon');
        console.log(`${name}${landed !== route.split('?')[0] ? `  (landed on ${landed})` : ''}`);
      }
      for (const c of Object.values(contexts)) await c.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await app.stop();
  }
}

function compare(a: string, b: string, diffDir?: string) {
  if (diffDir) mkdirSync(diffDir, { recursive: true });
  const names = [...new Set([...readdirSync(a), ...readdirSync(b)])].filter((n) => n.endsWith('.png')).sort();
  let changed = 0;
  for (const name of names) {
    if (!existsSync(path.join(a, name)) || !existsSync(path.join(b, name))) {
      console.log(`${name.padEnd(58)} missing in ${existsSync(path.join(a, name)) ? b : a}`);
      changed++;
      continue;
    }
    const x = PNG.sync.read(readFileSync(path.join(a, name)));
    const y = PNG.sync.read(readFileSync(path.join(b, name)));
    if (x.width !== y.width || x.height !== y.height) {
      console.log(`${name.padEnd(58)} size ${x.width}x${x.height} → ${y.width}x${y.height}`);
      changed++;
      continue;
    }
    const out = new PNG({ width: x.width, height: x.height });
    const n = pixelmatch(x.data, y.data, out.data, x.width, x.height, { threshold: 0 });
    if (n > 0) {
      changed++;
      if (diffDir) writeFileSync(path.join(diffDir, name), PNG.sync.write(out));
    }
    console.log(
      `${name.padEnd(58)} ${n === 0 ? '0 px' : `${n} px differ (${((100 * n) / (x.width * x.height)).toFixed(3)} %)`}`,
    );
  }
  console.log(`${names.length} screenshots, ${changed} differ`);
  if (changed) process.exitCode = 1;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'capture' && args[0]) await capture(args[0]);
else if (cmd === 'compare' && args[0] && args[1]) compare(args[0], args[1], args[2]);
else {
  console.error('usage: visual-diff.ts capture <dir> | compare <before> <after> [diff-dir]');
  process.exitCode = 2;
}
