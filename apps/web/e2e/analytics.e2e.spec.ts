/**
 * End-to-end (issue 12): seeded data (`npm run db:seed`, the real command path), an analyst who enrols TOTP
 * and signs in with it, the workspace's chart switched to a table, and the CSV export equal to that table.
 */
import { readFile } from 'node:fs/promises';
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
import { createStaffAccount, signInEnrollingTotp } from './staff';

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
  await createStaffAccount(db, { name: 'Ana Lyst', email: EMAIL, password: PASSWORD, role: 'analyst' });
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
    await signInEnrollingTotp(page, EMAIL, PASSWORD);

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
