/**
 * End-to-end (issue 12): seeded data (`npm run db:seed`, the real command path), an analyst who enrols TOTP
 * and signs in with it, the workspace's chart switched to a table, and the CSV export equal to that table.
 */
import { readFile } from 'node:fs/promises';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import {
  changeStaffAccess,
  createAuthServices,
  memoryCookies,
  POLICY_VERSION,
  signUp,
  silentLogger,
  stepAt,
  totpCode,
  verifyEmail,
  type MailMessage,
} from '@tia/api';
import { analyticsProjection, createPersistence, rebuildProjection, silentLogger as dbLog } from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY } from '@tia/db/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  launchChromium,
  openWatched,
  REPO_ROOT,
  run,
  SHOT_DIR,
  startApp,
  TEST_SERVER_SECRETS,
  type App,
} from './harness';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let browser: Browser | undefined;

const EMAIL = 'analyst@example.org';
const PASSWORD = 'aggregates only, never people';
const seedCli = (args: string[]) =>
  run('npx', ['tsx', 'scripts/seed.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: db!.url, ...TEST_SERVER_SECRETS },
  });

beforeAll(async () => {
  db = await createTestDatabase();
  const seeded = await seedCli(['--candidates', '24', '--weeks', '3']);
  expect(seeded.code, seeded.out).toBe(0);
  // The worker keeps the analytics projection current; here it is built once, in this process.
  const p = createPersistence(db.sql, TEST_MASTER_KEY);
  await rebuildProjection(analyticsProjection, { sql: db.sql, store: p.store, log: dbLog, inline: true });
  // The analyst: a real account (sign-up, verification), made admin by the bootstrap rule, granted analyst.
  const codes = new Map<string, string>();
  const a = createAuthServices({
    sql: db.sql,
    masterKey: TEST_MASTER_KEY,
    authSecret: Buffer.from(TEST_SERVER_SECRETS.AUTH_SECRET, 'base64'),
    mailer: {
      send: (m: MailMessage) => {
        const code = /\n\s+(\d{6})\s*\n/.exec(m.text)?.[1];
        if (code) codes.set(m.to, code);
        return Promise.resolve();
      },
    },
    secureCookies: false,
  });
  const ctx = {
    sql: db.sql,
    requestId: 'e2e',
    session: null,
    ip: '192.0.2.10',
    userAgent: 'e2e',
    log: silentLogger,
    cookies: memoryCookies(),
    auth: a,
  };
  const { userId } = await signUp(ctx, {
    name: 'Ana Lyst',
    email: EMAIL,
    password: PASSWORD,
    dateOfBirth: '1985-02-02',
    consents: { recordingFeedback: true, productImprovement: false, marketingEmail: false },
    policyVersion: POLICY_VERSION,
  });
  await verifyEmail(ctx, { email: EMAIL, code: codes.get(EMAIL)! });
  const now = new Date().toISOString();
  await changeStaffAccess({ store: a.store }, { type: 'BootstrapAdmin', userId, now });
  await changeStaffAccess(
    { store: a.store },
    { type: 'GrantRole', actorId: userId, userId, role: 'analyst', now },
  );
  await ensureBuild(['/analytics', '/signin', '/mfa/enrol']);
  app = await startApp({ DATABASE_URL: db.url, ANALYTICS_K: '5' });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.stop();
  await db?.drop();
});

describe('seeding', () => {
  it('refuses a database that now holds a real account, unless forced', async () => {
    const refused = await seedCli(['--candidates', '1']);
    expect(refused.code, refused.out).toBe(2);
    expect(refused.out).toMatch(/real accounts/);
  }, 120_000);
});

describe('analyst workspace', () => {
  it('an analyst with TOTP opens the workspace, switches the chart to a table and exports that table as CSV', async () => {
    const { page, problems } = await openWatched(browser!, `${app!.base}/signin`, 360, 780, {
      acceptDownloads: true,
    });
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/mfa\/enrol/, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Start set-up' }).click();
    const secret = (await page.locator('p.secret code').innerText()).replace(/\s+/g, '');
    await page
      .getByLabel('Enter the 6-digit code your app now shows')
      .fill(totpCode(decodeBase32IgnorePadding(secret), stepAt(new Date())));
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    await page.getByText('Two-factor authentication is on.').waitFor({ timeout: 15_000 });

    await page.goto(`${app!.base}/analytics`, { waitUntil: 'load' });
    const chart = page.getByTestId('figure-chart');
    await chart.waitFor({ timeout: 20_000 });
    // The chart has a text alternative naming every row.
    const desc = (await chart.locator('svg desc').textContent()) ?? '';
    expect(desc).toMatch(/competency: /);
    await expect(page.getByTestId('protection').innerText()).resolves.toMatch(
      /k = 5 · \d+ cells? suppressed/,
    );

    await page.getByRole('button', { name: 'Show as table' }).click();
    const table = page.getByTestId('figure-table');
    await table.waitFor({ timeout: 10_000 });
    const shown = await table.evaluate((t) =>
      [...t.querySelectorAll('tr')].map((tr) =>
        [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? ''),
      ),
    );
    expect(shown[0]![0]).toBe('Track');
    expect(shown.at(-1)![0]).toBe('Total');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('tia-answers-overall-by-track.csv');
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv
      .trim()
      .split(/\r\n/)
      .map((l) => l.split(','));
    expect(lines).toEqual(shown);

    // Usable at 360 px: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${SHOT_DIR}/analytics-360.png`, fullPage: true });

    // The queries were recorded as events on the analyst's stream.
    const queried = await db!.sql`select 1 from events where type = 'AnalyticsQueried'`;
    expect(queried.length).toBeGreaterThanOrEqual(1);
    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console).toEqual([]);
  }, 180_000);
});
