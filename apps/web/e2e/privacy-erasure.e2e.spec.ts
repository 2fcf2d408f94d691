/**
 * Cookies and erasure in Chromium (P34, P38, P39, P19, P28): a new visitor gets no cookie and no storage key
 * before choosing, and every request goes to the site's own origin; "Essential only" records the choice and
 * sets the one essential cookie. A candidate then erases their account from /account/privacy (password, type
 * ERASE): signed out, a last email, and signing in no longer works.
 * Run from the repo root: `npx vitest run --project e2e apps/web/e2e/privacy-erasure.e2e.spec.ts`.
 */
import { createTestDatabase } from '@tia/db/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  freePort,
  launchChromium,
  openWatched,
  signUpAndVerify,
  startApp,
  startMailbox,
  TEST_SERVER_SECRETS,
  type App,
  type Mailbox,
} from './harness';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let browser: Browser | undefined;
let mailbox: Mailbox | undefined;
let base = '';

const EMAIL = 'erase.me@example.com';
const PASSWORD = 'correct horse battery staple 42';

beforeAll(async () => {
  db = await createTestDatabase();
  mailbox = await startMailbox();
  await ensureBuild(['/', '/signup', '/verify', '/signin', '/account', '/account/privacy']);
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
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.stop();
  await mailbox?.close();
  await db?.drop();
});

describe('cookie choice and account erasure', () => {
  it('sets nothing before the choice, only the essential cookie after it; all requests same-origin', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/`, 360, 800);
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.getByRole('heading', { name: 'Your cookie choice' }).waitFor({ timeout: 15_000 });
    expect(await page.context().cookies()).toEqual([]);
    const storage = await page.evaluate(() => ({
      local: Object.keys(window.localStorage),
      session: Object.keys(window.sessionStorage),
    }));
    expect(storage).toEqual({ local: [], session: [] });

    await page.getByRole('button', { name: 'Essential only' }).click();
    await page
      .getByRole('heading', { name: 'Your cookie choice' })
      .waitFor({ state: 'detached', timeout: 15_000 });
    const cookies = await page.context().cookies();
    expect(cookies.map((c) => c.name)).toEqual(['tia_cookie_consent']);
    expect(cookies[0]!.value).toMatch(/^[0-9a-f-]{36}\.000$/);
    const consentId = cookies[0]!.value.slice(0, 36);
    const events = await db!.sql<{ data: { categories: unknown; policyVersion: string } }[]>`
      select data from events where stream_id = ${`cookie-consent-${consentId}`}`;
    expect(events.map((e) => e.data.categories)).toEqual([
      { essential: true, performance: false, functional: false, targeting: false },
    ]);

    // Reloading: the choice is remembered, no banner.
    await page.reload({ waitUntil: 'load' });
    await page.locator('footer').getByRole('link', { name: 'Privacy notice' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Your cookie choice' }).count()).toBe(0);
    expect([...origins]).toEqual([base]);
    expect(await problems()).toEqual({ console: [], csp: [] });
    await page.context().close();
  });

  it('erases the account from /account/privacy: signed out, last email, no sign-in', async () => {
    const { page } = await openWatched(browser!, `${base}/`);
    await page.getByRole('button', { name: 'Essential only' }).click();
    await signUpAndVerify(page, base, mailbox!, { name: 'Erin Erasure', email: EMAIL, password: PASSWORD });
    await page.goto(`${base}/account/privacy`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Erase my account…' }).click();
    await page.getByLabel('Current password').fill(PASSWORD);
    const submit = page.getByRole('button', { name: 'Erase my account for good' });
    expect(await submit.isDisabled()).toBe(true); // not before ERASE is typed
    await page.getByLabel('Type ERASE to confirm').fill('ERASE');
    await submit.click();
    await page.getByRole('heading', { name: 'Your account was erased' }).waitFor({ timeout: 20_000 });
    expect((await page.context().cookies()).find((c) => c.name === 'tia_session')).toBeUndefined();
    for (let i = 0; i < 50 && mailbox!.count(EMAIL) < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(mailbox!.count(EMAIL)).toBe(2); // the code, then the completion mail

    await page.goto(`${base}/signin`, { waitUntil: 'load' });
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('[data-testid="error-summary"], [role="alert"]').first().waitFor({ timeout: 15_000 });
    expect(page.url()).toContain('/signin');
    await page.context().close();
  });
});
