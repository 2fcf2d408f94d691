/**
 * End-to-end (issue 14, front end): axe-core in Chromium on every page a person can reach — the public pages,
 * sign-up, sign-in, the candidate's practice, history and privacy pages, and the staff pages (signed in as a
 * compliance officer with two-factor) — must report no serious or critical violation. Then a keyboard-only
 * walk through sign-up (Tab, typing, Space, Enter; no clicks). On every page it also checks what the page leaves
 * behind (P34, P38, P39): no cookie outside the essential ones of the inventory, no local or session storage,
 * no request (or CSP-blocked attempt) to another origin. Run alone from the repo root:
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx vitest run --project e2e apps/web/e2e/a11y.e2e.spec.ts
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { COOKIE_INVENTORY } from '@tia/api';
import { recordCapability } from '@tia/db';
import { createTestDatabase, speechFixture } from '@tia/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  fakeMediaArgs,
  freePort,
  launchChromium,
  openWatched,
  signUpAndVerify,
  startApp,
  startMailbox,
  startWorker,
  TEST_SERVER_SECRETS,
  type App,
  type Mailbox,
  type Worker,
} from './harness';
import { createStaffAccount, signInEnrollingTotp } from './staff';

const OFFICER = {
  name: 'Ada Access',
  email: 'e2e.a11y.officer@example.com',
  password: 'every page for every person',
};
const ANALYST = {
  name: 'Ana Aggregates',
  email: 'e2e.a11y.analyst@example.com',
  password: 'only the aggregates, please',
};
const CANDIDATE = {
  name: 'Kim Keys',
  email: 'e2e.a11y.candidate@example.com',
  password: 'correct horse battery staple 7',
};

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let browser: Browser | undefined;
let mailbox: Mailbox | undefined;
let worker: Worker | undefined;
let base = '';
let axeSource = '';

beforeAll(async () => {
  axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  db = await createTestDatabase();
  mailbox = await startMailbox();
  // The practice pages as a candidate sees them when transcription is up (the worker below reports it too).
  await recordCapability(db.sql, { capability: 'transcription', available: true });
  const officerId = await createStaffAccount(db, { ...OFFICER, role: 'compliance_officer' });
  // Granted by the officer (made admin by the bootstrap rule): an analyst and nothing else.
  await createStaffAccount(db, { ...ANALYST, role: 'analyst', grantedBy: officerId });
  await ensureBuild([
    '/practice',
    '/practice/[sessionId]',
    '/practice/answers/[recordingId]',
    '/practice/history',
    '/account/privacy',
    '/compliance/requests',
    '/analytics',
    '/admin/access',
  ]);
  const port = await freePort();
  app = await startApp(
    {
      DATABASE_URL: db.url,
      SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
      ...TEST_SERVER_SECRETS,
      PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
    },
    port,
  );
  base = app.base;
  // Transcribes and scores the answer recorded in the keyboard-only walk (its feedback page is checked too).
  worker = await startWorker({
    DATABASE_URL: db.url,
    ...TEST_SERVER_SECRETS,
    TRANSCRIPTION_ENGINE: 'pocketsphinx',
  });
  // A fake camera and a microphone playing real speech, every prompt accepted (the keyboard walk records).
  browser = await launchChromium(fakeMediaArgs(speechFixture('jfk.wav')));
}, 900_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await worker?.stop();
  await app?.stop();
  await mailbox?.close();
  await db?.drop();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe on the page as it is now; the source is evaluated (not a <script>: the CSP allows only nonces). */
async function serious(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: unknown[] }> } }
    ).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  const path = new URL(page.url()).pathname;
  return (violations as Violation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${path}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}`,
    );
}

const ESSENTIAL = new Set(COOKIE_INVENTORY.filter((c) => c.category === 'essential').map((c) => c.name));
/** Requests a watched page made to another origin (P38, P39: no social plug-in, ad or analytics script). */
const foreignRequests = new Map<Page, string[]>();

function watchRequests(page: Page): void {
  if (foreignRequests.has(page)) return;
  const seen: string[] = [];
  foreignRequests.set(page, seen);
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.origin !== base) seen.push(`${new URL(page.url()).pathname} → ${url.origin}${url.pathname}`);
  });
}

/**
 * What the page leaves in the browser beyond the essential cookies (P34, P38): any other cookie, any
 * local or session storage key, and every request it made to another origin so far.
 */
async function footprint(page: Page): Promise<string[]> {
  const path = new URL(page.url()).pathname;
  const cookies = (await page.context().cookies())
    .filter((c) => !ESSENTIAL.has(c.name))
    .map((c) => `${path}: cookie ${c.name} is not an essential cookie of the inventory`);
  const storage = await page.evaluate(() => [
    ...Object.keys(window.localStorage).map((k) => `localStorage ${k}`),
    ...Object.keys(window.sessionStorage).map((k) => `sessionStorage ${k}`),
    // Attempts the Content-Security-Policy stopped before they reached the network (openWatched records them).
    ...((window as unknown as { __csp?: string[] }).__csp ?? []).map((v) => `blocked by CSP: ${v}`),
  ]);
  const foreign = foreignRequests.get(page) ?? [];
  return [...cookies, ...storage.map((s) => `${path}: ${s}`), ...foreign.splice(0)];
}

async function visit(page: Page, path: string): Promise<string[]> {
  watchRequests(page);
  await page.goto(`${base}${path}`, { waitUntil: 'load' });
  await page.waitForLoadState('networkidle').catch(() => undefined);
  // The page itself was checked, not a sign-in redirect.
  expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
  return [...(await serious(page)), ...(await footprint(page))];
}

/** Presses Tab until the focused element matches (its id, label, aria-label or text), at most `max` times. */
async function tabUntil(page: Page, what: RegExp, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el) return '';
      const labels = el.labels ? [...el.labels].map((l) => l.innerText).join(' ') : '';
      const text = el.tagName === 'BUTTON' || el.tagName === 'A' ? el.innerText : '';
      return `${el.id} ${labels} ${el.getAttribute('aria-label') ?? ''} ${text}`;
    });
    if (what.test(focused)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

describe('accessibility (axe-core, serious and critical)', () => {
  it('public pages, sign-up and sign-in', async () => {
    const { page } = await openWatched(browser!, `${base}/`);
    const found: string[] = [];
    for (const p of [
      '/',
      '/privacy',
      '/status',
      '/signup',
      '/signin',
      '/reset',
      '/reset/confirm?email=a%40example.com',
      '/verify?email=a%40example.com',
      '/privacy/revisions',
      '/privacy/report-minor',
    ])
      found.push(...(await visit(page, p)));
    // One revision's full text (the newest, linked from the list).
    await page.goto(`${base}/privacy/revisions`, { waitUntil: 'load' });
    const revision = await page
      .locator('main a[href^="/privacy/revisions/"]')
      .first()
      .getAttribute('href', { timeout: 15_000 });
    found.push(...(await visit(page, revision!)));
    expect(found).toEqual([]);
    // The check can fail: an image without a text alternative and an unlabelled field are reported.
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.src = '/favicon.ico';
      const input = document.createElement('input');
      document.querySelector('main')!.append(img, input);
    });
    const planted = await serious(page);
    expect(planted.join('\n')).toMatch(/critical image-alt/);
    expect(planted.join('\n')).toMatch(/critical label/);
    // The footprint check can fail too: a stored key, a tracking cookie and a request to another origin.
    await page.evaluate(() => {
      window.localStorage.setItem('planted', '1');
      document.cookie = 'planted_tracker=1; path=/';
      void fetch('http://127.0.0.2:9/pixel.gif', { mode: 'no-cors' }).catch(() => undefined);
    });
    await page.waitForTimeout(300);
    const left = (await footprint(page)).join('\n');
    expect(left).toMatch(/localStorage planted/);
    expect(left).toMatch(/cookie planted_tracker/);
    // Stopped by the CSP (connect-src) or, were it allowed, seen on the wire: reported either way.
    expect(left).toMatch(/127\.0\.0\.2:9/);
    await page.evaluate(() => window.localStorage.clear());
    await page.context().clearCookies({ name: 'planted_tracker' });
  }, 180_000);

  it("a candidate's pages: account, practice, history, privacy", async () => {
    const { page } = await openWatched(browser!, `${base}/signup`);
    await signUpAndVerify(page, base, mailbox!, CANDIDATE);
    const found: string[] = [];
    for (const p of ['/account', '/account/password', '/practice', '/practice/history', '/account/privacy'])
      found.push(...(await visit(page, p)));
    // A practice session's page (the recorder before the camera is turned on).
    await page.goto(`${base}/practice`, { waitUntil: 'load' });
    await page.getByLabel(/Competency-based/).check();
    await page.getByLabel('Number of questions').selectOption('1');
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.waitForURL(/\/practice\/[^/?]+$/, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Turn on camera and microphone' }).waitFor({ timeout: 15_000 });
    found.push(...(await serious(page)));
    expect(found).toEqual([]);
  }, 180_000);

  it('staff pages (compliance officer with two-factor)', async () => {
    const { page } = await openWatched(browser!, `${base}/signin`);
    const found: string[] = [];
    // The two-factor enrolment page, before set-up and with the secret and QR code shown.
    await signInEnrollingTotp(page, OFFICER.email, OFFICER.password, async () => {
      found.push(...(await serious(page)));
    });
    for (const p of [
      '/compliance/requests',
      '/compliance/alerts',
      '/compliance/breaches',
      '/compliance/registers',
      '/compliance/recordings',
      '/compliance/dependencies',
      '/compliance/policy',
      '/compliance/trail',
      '/admin/access',
    ])
      found.push(...(await visit(page, p)));
    // One event of the trail, opened from the list.
    await page.goto(`${base}/compliance/trail`, { waitUntil: 'load' });
    const event = await page
      .locator('main a[href^="/compliance/trail/"]')
      .first()
      .getAttribute('href', { timeout: 15_000 });
    found.push(...(await visit(page, event!)));
    // Signing in again, with two-factor on: the code page.
    const again = await browser!.newContext();
    const second = await again.newPage();
    await second.goto(`${base}/signin`, { waitUntil: 'load' });
    await second.getByLabel('Email address').fill(OFFICER.email);
    await second.getByLabel('Password', { exact: true }).fill(OFFICER.password);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.waitForURL(/\/mfa(\?|$)/, { timeout: 20_000 });
    await second.getByRole('heading', { name: 'Enter your code' }).waitFor({ timeout: 15_000 });
    found.push(...(await serious(second)));
    await again.close();
    expect(found).toEqual([]);
  }, 240_000);

  it("the analyst's workspace", async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/signin`, { waitUntil: 'load' });
    await signInEnrollingTotp(page, ANALYST.email, ANALYST.password);
    const found = await visit(page, '/analytics');
    expect(found).toEqual([]);
    await context.close();
  }, 120_000);

  it('keyboard only: sign-up with Tab, typing, Space and Enter', async () => {
    const { page } = await openWatched(browser!, `${base}/signup`);
    const tabTo = (what: RegExp) => tabUntil(page, what);
    const who = {
      name: 'Kai Keyboard',
      email: 'e2e.a11y.keyboard@example.com',
      password: 'tab tab enter 2026',
    };
    await tabTo(/Your name/);
    await page.keyboard.type(who.name);
    await tabTo(/Email address/);
    await page.keyboard.type(who.email);
    await tabTo(/Password/);
    await page.keyboard.type(who.password);
    await tabTo(/Date of birth/);
    await page.keyboard.type('04011990');
    await tabTo(/^consent-recording /);
    await page.keyboard.press('Space');
    expect(await page.locator('#consent-recording').isChecked()).toBe(true);
    await tabTo(/Create account/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/verify\?email=/, { timeout: 20_000 });
    const code = await mailbox!.codeFor(who.email);
    await tabTo(/Confirmation code/);
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/account`, { timeout: 20_000 });
    await page.getByRole('heading', { name: /Hello, Kai Keyboard/ }).waitFor({ timeout: 15_000 });
  }, 120_000);

  it('keyboard only: a practice answer recorded, submitted and its feedback read, without a click', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const who = {
      name: 'Rae Recorder',
      email: 'e2e.a11y.recorder@example.com',
      password: 'record with the keyboard 9',
    };
    await page.goto(`${base}/signup`, { waitUntil: 'load' });
    await signUpAndVerify(page, base, mailbox!, who);
    await page.goto(`${base}/practice`, { waitUntil: 'load' });
    await page.getByTestId('trial').waitFor({ timeout: 15_000 });
    // Radio group: Tab reaches it, the arrow keys choose (the competency track), Tab moves on.
    await tabUntil(page, /Competency-based/);
    await page.keyboard.press('Space');
    expect(await page.getByLabel(/Competency-based/).isChecked()).toBe(true);
    await tabUntil(page, /Number of questions/);
    await page.keyboard.press('1');
    await tabUntil(page, /Start practising/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/practice\/[^/?]+$/, { timeout: 20_000 });
    await page.getByTestId('question-text').waitFor({ timeout: 15_000 });
    await tabUntil(page, /Turn on camera and microphone/);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Start recording' }).waitFor({ timeout: 15_000 });
    await tabUntil(page, /Start recording/);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Stop recording' }).waitFor({ timeout: 5_000 });
    await page.waitForTimeout(5_000);
    // Focus stays usable while recording: Stop is reachable from where focus is now.
    await tabUntil(page, /Stop recording/);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Submit answer' }).waitFor({ timeout: 10_000 });
    expect(await serious(page)).toEqual([]);
    await tabUntil(page, /Submit answer/);
    await page.keyboard.press('Enter');
    const status = page.getByTestId('answer-status');
    await status.waitFor({ timeout: 20_000 });
    await expect.poll(async () => status.innerText(), { timeout: 120_000, interval: 500 }).toMatch(/^Ready/);
    expect(await serious(page)).toEqual([]);
    await tabUntil(page, /See your feedback/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/practice\/answers\/[^/]+$/, { timeout: 15_000 });
    await page.getByTestId('transcript').waitFor({ timeout: 15_000 });
    await page.getByTestId('overall').waitFor({ timeout: 15_000 });
    expect(await serious(page)).toEqual([]);
    await context.close();
  }, 300_000);
});
