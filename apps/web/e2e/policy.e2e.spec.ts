/**
 * End-to-end (P35, policy revisions): a compliance officer with TOTP publishes a significant revision of the
 * privacy notice from /compliance/policy (its text taken from /privacy); a candidate who signed up before signs
 * in, sees what changed, acknowledges it (`PolicyRevisionAccepted`), and is not asked again; the earlier
 * revision stays readable.
 */
import { createTestDatabase } from '@tia/db/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuild, launchChromium, openWatched, SHOT_DIR, startApp, type App } from './harness';
import { createStaffAccount, signInEnrollingTotp } from './staff';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let browser: Browser | undefined;

const OFFICER = {
  name: 'Olivia Officer',
  email: 'officer@example.org',
  password: 'notices change, records stay',
};
const CANDIDATE = {
  name: 'Ada Candidate',
  email: 'ada@example.org',
  password: 'read the change before I agree',
};
const SUMMARY = 'We now keep transcripts for 12 months unless you delete them sooner.';

beforeAll(async () => {
  db = await createTestDatabase();
  await createStaffAccount(db, { ...OFFICER, role: 'compliance_officer' });
  // A verified candidate (no staff role), signed up before the revision exists.
  await createStaffAccount(db, { ...CANDIDATE, role: null });
  await ensureBuild([
    '/compliance/policy',
    '/privacy/revisions',
    '/privacy/revisions/[revision]',
    '/signin',
    '/mfa/enrol',
  ]);
  app = await startApp({ DATABASE_URL: db.url });
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.stop();
  await db?.drop();
});

describe('policy revisions', () => {
  it('an officer publishes a significant revision; the candidate acknowledges it once; revision 1 stays readable', async () => {
    const base = app!.base;
    // The officer, with TOTP, publishes revision 2 (taking effect today) starting from the text now at /privacy.
    const officer = await openWatched(browser!, `${base}/signin`);
    await signInEnrollingTotp(officer.page, OFFICER.email, OFFICER.password);
    const o = officer.page;
    await o.goto(`${base}/compliance/policy`, { waitUntil: 'load' });
    await o.getByRole('heading', { name: 'Publish a revision' }).waitFor({ timeout: 20_000 });
    await o.getByLabel('Revision name').fill('2031-01-01');
    await o.getByLabel('What changed, in plain language').fill(SUMMARY);
    await o.getByLabel(/Significant change/).check();
    await o.getByLabel('Takes effect on').fill(new Date().toISOString().slice(0, 10));
    await o.getByRole('button', { name: 'Start from the notice now at /privacy' }).click();
    await expect
      .poll(() => o.getByLabel('Full text of the notice').inputValue(), { timeout: 15_000 })
      .toContain('How we handle your data');
    await o.getByRole('button', { name: 'Publish revision' }).click();
    await o.getByText('Revision 2 is published.').waitFor({ timeout: 15_000 });
    await o.getByRole('link', { name: '2 · 2031-01-01' }).waitFor({ timeout: 15_000 });
    await o.screenshot({ path: `${SHOT_DIR}/policy-console.png`, fullPage: true });
    const officerProblems = await officer.problems();
    expect(officerProblems.csp).toEqual([]);
    expect(officerProblems.console).toEqual([]);
    await o.context().close();

    // The candidate signs in and is asked to acknowledge the change, at 360 px.
    const candidate = await openWatched(browser!, `${base}/signin`, 360, 780);
    const c = candidate.page;
    await c.getByLabel('Email address').fill(CANDIDATE.email);
    await c.getByLabel('Password', { exact: true }).fill(CANDIDATE.password);
    await c.getByRole('button', { name: 'Sign in', exact: true }).click();
    await c.waitForURL(`${base}/account`, { timeout: 20_000 });
    const notice = c.getByRole('region', { name: 'We changed our privacy notice' });
    await notice.waitFor({ timeout: 20_000 });
    await expect(c.getByTestId('policy-change-summary').innerText()).resolves.toBe(SUMMARY);
    const overflow = await c.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await c.screenshot({ path: `${SHOT_DIR}/policy-notice-360.png`, fullPage: true });
    await notice.getByRole('button', { name: 'I have read the change' }).click();
    await notice.waitFor({ state: 'detached', timeout: 15_000 });
    const accepted = await db!.sql<{ revision: number }[]>`
      select (data->>'revision')::int as revision from events where type = 'PolicyRevisionAccepted'`;
    expect(accepted).toEqual([{ revision: 2 }]);

    // Not shown again, on any page; /privacy names revision 2; revision 1 and 2 are readable.
    await c.goto(`${base}/privacy`, { waitUntil: 'load' });
    await expect(c.getByTestId('policy-revision').first().innerText({ timeout: 15_000 })).resolves.toMatch(
      /revision 2 \(2031-01-01\)/,
    );
    await c.goto(`${base}/account`, { waitUntil: 'load' });
    await c.getByRole('heading', { name: /Hello, Ada Candidate/ }).waitFor({ timeout: 15_000 });
    await c.waitForLoadState('networkidle');
    await expect(c.getByRole('region', { name: 'We changed our privacy notice' }).count()).resolves.toBe(0);

    await c.goto(`${base}/privacy/revisions`, { waitUntil: 'load' });
    await c.getByRole('link', { name: 'Revision 1 (2026-11-30)' }).click();
    await c.getByRole('heading', { level: 1, name: 'Revision 1 (2026-11-30)' }).waitFor({ timeout: 15_000 });
    await c.goto(`${base}/privacy/revisions/2`, { waitUntil: 'load' });
    await expect(c.getByTestId('revision-text').innerText({ timeout: 15_000 })).resolves.toContain(
      'How we handle your data',
    );
    const p = await candidate.problems();
    expect(p.csp).toEqual([]);
    expect(p.console).toEqual([]);
  }, 300_000);
});
