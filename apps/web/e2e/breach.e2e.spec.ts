/**
 * End-to-end (issue 11, breach response): a compliance officer enrols TOTP, registers an incident at
 * /compliance/breaches, computes the affected people from the event log for a time window, and sends the
 * notices, which arrive at a real SMTP server.
 */
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  launchChromium,
  openWatched,
  SHOT_DIR,
  startApp,
  startMailbox,
  type App,
  type Mailbox,
} from './harness';
import { createStaffAccount, signInEnrollingTotp } from './staff';

let db: TestDatabase | undefined;
let app: App | undefined;
let browser: Browser | undefined;
let mailbox: Mailbox | undefined;
let windowFrom: Date;
let windowTo: Date;

const EMAIL = 'officer@example.org';
const PASSWORD = 'contain, assess, notify';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An instant as the browser's `datetime-local` value (its own time zone, to the second). */
const local = (page: Page, d: Date) =>
  page.evaluate((iso) => {
    const t = new Date(iso);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}T${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
  }, d.toISOString());

beforeAll(async () => {
  db = await createTestDatabase();
  mailbox = await startMailbox();
  await createStaffAccount(db, {
    name: 'Olivia Officer',
    email: EMAIL,
    password: PASSWORD,
    role: 'compliance_officer',
  });
  // Ada and Grace sign up inside the window (whole seconds: the form's precision); the officer before it.
  await sleep(1100);
  windowFrom = new Date(Math.floor(Date.now() / 1000) * 1000);
  // Verified candidates (no staff role), signed up through the real use case.
  for (const [name, email] of [
    ['Ada', 'ada@example.org'],
    ['Grace', 'grace@example.org'],
  ] as const)
    await createStaffAccount(db, { name, email, password: 'a long candidate password', role: null });
  windowTo = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
  await sleep(Math.max(0, windowTo.getTime() - Date.now()) + 100);
  await ensureBuild(['/compliance/breaches', '/signin', '/mfa/enrol']);
  app = await startApp({ DATABASE_URL: db.url, SMTP_URL: `smtp://127.0.0.1:${mailbox.port}` });
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await app?.stop();
  await mailbox?.close();
  await db?.drop();
});

describe('breach response', () => {
  it('an officer with TOTP opens a breach, computes the affected people and sends notices by email', async () => {
    const { page, problems } = await openWatched(browser!, `${app!.base}/signin`, 1280, 900);
    await signInEnrollingTotp(page, EMAIL, PASSWORD);

    await page.goto(`${app!.base}/compliance/breaches`, { waitUntil: 'load' });
    await page.getByLabel('Short title').fill('Staging copy of sign-up records');
    await page.getByLabel('What is known so far').fill('A database copy was readable on a test server.');
    await page.getByLabel('When you became aware (your local time)').fill(await local(page, new Date()));
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expect(page.getByTestId('deadline-clock').innerText({ timeout: 20_000 })).resolves.toMatch(
      /^7[12] h \d\d min \d\d s left to tell the authority/,
    );

    await page.getByLabel('From (your local time)').fill(await local(page, windowFrom));
    await page.getByLabel('To (your local time)').fill(await local(page, windowTo));
    await page.getByLabel('Data concerned').selectOption('identity');
    await page.getByRole('button', { name: 'Compute affected people' }).click();
    await expect(page.getByTestId('affected-summary').innerText({ timeout: 20_000 })).resolves.toMatch(
      /^2 people affected/,
    );

    await page
      .getByLabel('What happened', { exact: true })
      .fill('A copy of sign-up records was readable for six hours.');
    await page
      .getByLabel('What this may mean for them')
      .fill('Someone may have seen your name and email address.');
    await page.getByLabel('What we have done').fill('We removed the copy and ended every session.');
    await page.getByLabel('What they can do').fill('Be wary of emails asking for your password.');
    await page.getByLabel('Whom to ask').fill('privacy@trueinterview.example');
    await page.getByRole('button', { name: 'Send notices' }).click();
    await page.getByText('2 notice(s) sent').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOT_DIR}/breach-response.png`, fullPage: true });

    for (const to of ['ada@example.org', 'grace@example.org']) expect(mailbox!.count(to)).toBe(1);
    const toAda = mailbox!.inbox.find((m) => m.to.includes('ada@example.org'))!.raw.replace(/=\r?\n/g, '');
    expect(toAda).toContain('Subject: Important: a security problem affected your TrueInterviewAI data');
    expect(toAda).toContain('Be wary of emails asking for your password.');
    expect(mailbox!.count(EMAIL)).toBe(0);

    const steps = await db!.sql<{ type: string }[]>`
      select type from events where stream_id like 'breach-%' order by global_position`;
    expect(steps.map((s) => s.type)).toEqual([
      'BreachRegistered',
      'BreachAffectedAssessed',
      'BreachNoticeWorded',
      'BreachNoticeSent',
      'BreachNoticeSent',
    ]);
    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console).toEqual([]);
  }, 300_000);
});
