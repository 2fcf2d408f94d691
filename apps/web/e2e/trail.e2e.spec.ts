/**
 * End-to-end (issue 11, audit trail): a compliance officer enrols TOTP, opens /compliance/trail at 360 px,
 * filters the event log by type and finds a candidate's events by data subject, loads it, verifies the log (no checkpoint in a fresh anchor directory), and
 * opens one event in full (recorded as an `open` look).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '@tia/db/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, launchChromium, openWatched, SHOT_DIR, startApp, type App } from './harness';
import { createStaffAccount, signInEnrollingTotp } from './staff';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let browser: Browser | undefined;
let anchorDir: string | undefined;
let candidate = '';

const EMAIL = 'officer@example.org';
const PASSWORD = 'who looked at what, and when';

beforeAll(async () => {
  db = await createTestDatabase();
  anchorDir = await mkdtemp(path.join(tmpdir(), 'tia-e2e-anchors-'));
  await createStaffAccount(db, {
    name: 'Olivia Officer',
    email: EMAIL,
    password: PASSWORD,
    role: 'compliance_officer',
  });
  candidate = await createStaffAccount(db, {
    name: 'Cara Candidate',
    email: 'cara@example.org',
    password: 'a candidate practising for interviews',
    role: null,
  });
  await ensureBuild(['/compliance/trail', '/compliance/trail/[eventId]', '/signin', '/mfa/enrol']);
  app = await startApp({ DATABASE_URL: db.url, AUDIT_ANCHOR_DIR: anchorDir });
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.stop();
  await db?.drop();
  if (anchorDir) await rm(anchorDir, { recursive: true, force: true });
});

describe('audit trail', () => {
  it('an officer with TOTP filters the event log and verifies it, at 360 px', async () => {
    const { page, problems } = await openWatched(browser!, `${app!.base}/signin`, 360, 780);
    await signInEnrollingTotp(page, EMAIL, PASSWORD);

    await page.goto(`${app!.base}/compliance/trail`, { waitUntil: 'load' });
    const table = page.getByTestId('trail-table');
    await table.waitFor({ timeout: 20_000 });
    await page.getByLabel('Event type').selectOption('RoleGranted');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 events shown.').waitFor({ timeout: 15_000 });
    const types = await table.locator('tbody tr td[data-label="Type"]').allInnerTexts();
    expect(types.map((t) => t.split(' ')[0])).toEqual(['RoleGranted', 'RoleGranted']);

    // A candidate's events: the data subject filter finds their own stream's events.
    await page.getByLabel('Event type').selectOption('');
    await page.getByLabel('Data subject id').fill(candidate);
    await page.getByRole('button', { name: 'Search' }).click();
    await table
      .locator('tbody tr td[data-label="Type"]', { hasText: 'AccountRegistered' })
      .waitFor({ timeout: 15_000 });
    const streams = await table.locator('tbody tr td[data-label="Stream"]').allInnerTexts();
    expect(streams.length).toBeGreaterThan(0);
    expect(streams.every((s) => s.includes(candidate))).toBe(true);
    await page.getByLabel('Data subject id').fill('');
    await page.getByLabel('Event type').selectOption('RoleGranted');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 events shown.').waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Verify the log' }).click();
    await expect(page.getByTestId('verify-result').innerText({ timeout: 30_000 })).resolves.toMatch(
      /No signed checkpoint yet/,
    );

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${SHOT_DIR}/audit-trail-360.png`, fullPage: true });

    // open the newest RoleGranted event in full
    await table
      .getByRole('link', { name: /^Open event \d+$/ })
      .first()
      .click();
    await page
      .getByRole('heading', { level: 1, name: /^Event #\d+: RoleGranted$/ })
      .waitFor({ timeout: 20_000 });
    const fields = await page.getByTestId('event-fields').locator('tbody th').allInnerTexts();
    expect(fields).toEqual(expect.arrayContaining(['role', 'userId']));
    await expect(page.getByTestId('event-where').innerText()).resolves.toMatch(/Hash chain/);
    const overflowEvent = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflowEvent).toBeLessThanOrEqual(1);
    await page.screenshot({ path: `${SHOT_DIR}/audit-trail-event-360.png`, fullPage: true });

    const looked = await db!.sql<{ action: string }[]>`
      select data->>'action' as action from events where type = 'AuditTrailConsulted'`;
    expect(looked.map((r) => r.action)).toEqual(expect.arrayContaining(['browse', 'verify', 'open']));
    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console).toEqual([]);
  }, 180_000);
});
