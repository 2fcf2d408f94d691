/**
 * End-to-end identity flow in Chromium against a production build: sign up (only the required consent),
 * confirm the email with the code a real in-process SMTP server received, land on /account signed in,
 * check the session cookie flags and the CSP, sign out, sign in with the password.
 * Run from the repo root: `npx vitest run --project e2e apps/web/e2e/auth.e2e.spec.ts`.
 */
import path from 'node:path';
import { createTestDatabase } from '@tia/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  freePort,
  launchChromium,
  nonceOf,
  openWatched,
  SHOT_DIR,
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

const EMAIL = 'e2e.candidate@example.com';
const PASSWORD = 'correct horse battery staple 42';

/** Chromium logs every 4xx answer; the deliberate failures (wrong code, wrong password) make some. */
function unexpectedProblems(p: { console: string[]; csp: string[] }) {
  return {
    console: p.console.filter(
      (l) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(l),
    ),
    csp: p.csp,
  };
}

function mailsTo(to: string): number {
  return mailbox!.count(to);
}

beforeAll(async () => {
  db = await createTestDatabase();
  mailbox = await startMailbox();
  await ensureBuild([
    '/signup',
    '/verify',
    '/signin',
    '/account',
    '/welcome',
    '/account/password',
    '/account/privacy',
  ]);
  const port = await freePort();
  app = await startApp(
    {
      DATABASE_URL: db.url,
      SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
      ...TEST_SERVER_SECRETS, // AUTH_SECRET, MASTER_KEY (TEST_MASTER_KEY as base64)
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

async function sessionCookieHeader(page: Page, trigger: () => Promise<unknown>): Promise<string> {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/trpc/') && r.request().method() === 'POST'),
    trigger(),
  ]);
  const headers = await res.headersArray();
  const cookie = headers.find((h) => h.name.toLowerCase() === 'set-cookie' && /tia_session=/.test(h.value));
  expect(cookie, `Set-Cookie on ${res.url()} (status ${res.status()})`).toBeDefined();
  return cookie!.value;
}

describe('sign-up, email code, sign-out, sign-in', () => {
  it('runs the whole flow accessibly, with the right cookie and CSP', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/signup`);
    const csp = (await page.request.get(`${base}/signup`)).headers()['content-security-policy'];
    const nonce = nonceOf(csp ?? null);
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
    expect(csp).not.toContain('unsafe-inline');

    // The signed-out nav offers "Sign in".
    await expect(page.getByTestId('nav-account').innerText()).resolves.toBe('Sign in');

    // Consents: all unticked; the required one names the policy version.
    const boxes = page.locator('input[type="checkbox"]');
    await expect(boxes.count()).resolves.toBe(3);
    for (let i = 0; i < 3; i++) await expect(boxes.nth(i).isChecked()).resolves.toBe(false);
    await expect(page.getByLabel(/recorded answers are processed/).count()).resolves.toBe(1);
    await expect(page.locator('label[for="consent-recording"]').innerText()).resolves.toContain(
      'version 2026-11-30',
    );

    // Submitting empty: an error summary takes focus and links to the fields.
    await page.getByRole('button', { name: 'Create account' }).click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
      'error-summary',
    );
    await expect(page.locator('#signup-email').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#signup-email').getAttribute('aria-describedby')).resolves.toContain(
      'signup-email-error',
    );

    await page.getByLabel('Your name').fill('Ada Candidate');
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Date of birth').fill('1990-04-01');
    await page.locator('#consent-recording').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/verify\?email=/, { timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOT_DIR, 'tia-verify-1280.png'), fullPage: true });

    // A wrong code: shown on the field and in the focused summary.
    const code = await mailbox!.codeFor(EMAIL); // received by the real in-process SMTP server
    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('Confirmation code').fill(wrong);
    await page.getByRole('button', { name: 'Confirm email' }).click();
    await page.locator('#verify-code-error').waitFor({ timeout: 10_000 });
    await expect(page.locator('#verify-code-error').innerText()).resolves.toMatch(/not right|expired/i);
    await expect(page.locator('#verify-code').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#verify-code').getAttribute('aria-describedby')).resolves.toContain(
      'verify-code-error',
    );
    await expect(page.locator('#verify-code').getAttribute('autocomplete')).resolves.toBe('one-time-code');
    await expect(page.locator('#verify-code').getAttribute('inputmode')).resolves.toBe('numeric');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
      'error-summary',
    );

    // The right code signs us in; the cookie is HttpOnly, SameSite=Lax, Path=/ and (plain http) not Secure.
    await page.getByLabel('Confirmation code').fill(code);
    const setCookie = await sessionCookieHeader(page, () =>
      page.getByRole('button', { name: 'Confirm email' }).click(),
    );
    expect(setCookie).toMatch(/^tia_session=[^;]{22,}/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(setCookie).toMatch(/;\s*Path=\//i);
    expect(setCookie).not.toMatch(/;\s*Secure/i);
    await page.waitForURL(`${base}/account`, { timeout: 20_000 });
    await page.getByRole('heading', { name: /Hello, Ada Candidate/ }).waitFor({ timeout: 15_000 });
    const account = await page.locator('main').innerText();
    expect(account).toContain(EMAIL);
    expect(account).toContain('Confirmed');
    expect(account).toMatch(/\d+ of \d+ free practice answers left/);
    await expect(page.getByTestId('nav-account').innerText()).resolves.toBe('Account');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'tia_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
    await page.screenshot({ path: path.join(SHOT_DIR, 'tia-account-1280.png'), fullPage: true });

    // My data: the recording consent is listed as given (with the policy version); withdraw it, give it back.
    await page.getByRole('link', { name: 'Manage my data' }).click();
    await page.waitForURL(`${base}/account/privacy`, { timeout: 20_000 });
    const recording = page.locator('li[data-purpose="recording_feedback"]');
    await recording.getByText(/under the privacy notice of 2026-11-30/).waitFor({ timeout: 15_000 });
    await expect(page.locator('li[data-purpose="marketing_email"]').innerText()).resolves.toContain(
      'Never given',
    );
    await page.getByRole('button', { name: 'Withdraw consent: Recording feedback' }).click();
    await recording.getByText(/^Withdrawn/).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Give consent: Recording feedback' }).click();
    await recording.getByText(/under the privacy notice of 2026-11-30/).waitFor({ timeout: 15_000 });
    await page.getByRole('heading', { name: 'Pause processing of my data' }).waitFor();
    await page.getByRole('heading', { name: 'Object to statistics and service improvement' }).waitFor();
    await page.goto(`${base}/account`);
    await page.getByRole('heading', { name: /Hello, Ada Candidate/ }).waitFor({ timeout: 15_000 });

    // Sign out: cookie cleared, back to the sign-in page.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/signin`, { timeout: 15_000 });
    expect((await page.context().cookies()).find((c) => c.name === 'tia_session')).toBeUndefined();

    // Sign in again with the password.
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${base}/account`, { timeout: 20_000 });
    await page.getByRole('heading', { name: /Hello, Ada Candidate/ }).waitFor({ timeout: 15_000 });

    expect(unexpectedProblems(await problems())).toEqual({ console: [], csp: [] });
    await page.context().close();
  });

  it('a wrong password shows an accessible, focused error', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/signin`);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor({ timeout: 10_000 });
    await expect(summary.getAttribute('role')).resolves.toBe('alert');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe(
      'error-summary',
    );
    expect(page.url()).toBe(`${base}/signin`);
    // The sign-in page refuses the failed attempt with a 4xx, which Chromium logs; nothing else.
    expect(unexpectedProblems(await problems())).toEqual({ console: [], csp: [] });
    await page.context().close();
  });

  it('signup and account pages fit 360 px without horizontal scrolling', async () => {
    for (const url of [
      '/signup',
      '/signin',
      '/verify?email=x%40example.com',
      '/reset',
      '/account',
      '/welcome',
      '/account/password',
    ]) {
      const { page, problems } = await openWatched(browser!, `${base}${url}`, 360, 780);
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${url} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      if (url === '/signup')
        await page.screenshot({ path: path.join(SHOT_DIR, 'tia-signup-360.png'), fullPage: true });
      expect(await problems()).toEqual({ console: [], csp: [] });
      await page.context().close();
    }
  });

  it('under-16 sign-up is refused with a clear message on the date field', async () => {
    const { page } = await openWatched(browser!, `${base}/signup`);
    const dob = new Date();
    dob.setFullYear(dob.getFullYear() - 12);
    await page.getByLabel('Your name').fill('Young Person');
    await page.getByLabel('Email address').fill('young@example.com');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Date of birth').fill(dob.toISOString().slice(0, 10));
    await page.locator('#consent-recording').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#signup-dob-error').waitFor({ timeout: 10_000 });
    await expect(page.locator('#signup-dob-error').innerText()).resolves.toContain('at least 16');
    expect(mailsTo('young@example.com')).toBe(0);
    await page.context().close();
  });
});
