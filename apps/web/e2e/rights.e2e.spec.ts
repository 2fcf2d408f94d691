/**
 * End-to-end (issue 10, rights): in Chromium against a production build and a real worker, a candidate signs
 * up, practises one answer (fake camera, microphone playing the JFK clip, pocketsphinx), asks for a copy of
 * their data on My data, watches it being prepared, downloads the ZIP once (opened here: the transcript is in
 * data.json and answers.csv; the second download is refused), deletes that answer from its feedback page
 * (confirmation), and finds it gone; a compliance officer answers their complaint. The worker emails them that
 * the copy is ready (no link to the file) and that the complaint was answered. Then they pause processing,
 * withdraw a consent, erase the account, can no longer sign in, and signing up again with the same address
 * gives no second free trial (the "Done when" chain). Run alone from the repo root:
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx vitest run --project e2e apps/web/e2e/rights.e2e.spec.ts
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase, speechFixture } from '@tia/db/testing';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  fakeMediaArgs,
  freePort,
  launchChromium,
  MEDIA_PERMISSIONS,
  openWatched,
  SHOT_DIR,
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

const JFK_WAV = speechFixture('jfk.wav');
const WHO = {
  name: 'Rhea Rights',
  email: 'e2e.rights@example.com',
  password: 'correct horse battery staple 42',
};
const OFFICER = {
  name: 'Carl Compliance',
  email: 'e2e.requests.officer@example.com',
  password: 'every request has a due date',
};
const COMPLAINT = 'You sent me a newsletter after I had withdrawn that consent.';

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let worker: Worker | undefined;
let browser: Browser | undefined;
let mailbox: Mailbox | undefined;
let base = '';

beforeAll(async () => {
  db = await createTestDatabase();
  mailbox = await startMailbox();
  await createStaffAccount(db, { ...OFFICER, role: 'compliance_officer' });
  await ensureBuild([
    '/practice',
    '/practice/[sessionId]',
    '/practice/answers/[recordingId]',
    '/account/privacy',
    '/api/exports/[exportId]',
    '/compliance/requests',
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
  worker = await startWorker({
    DATABASE_URL: db.url,
    ...TEST_SERVER_SECRETS,
    TRANSCRIPTION_ENGINE: 'pocketsphinx',
    // Outcome emails (export ready, complaint answered) go to the test's SMTP server.
    SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
    PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
  });
  browser = await launchChromium(fakeMediaArgs(JFK_WAV, { autoAccept: false }));
}, 900_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await worker?.stop();
  await app?.stop();
  await mailbox?.close();
  await db?.drop();
});

/** A mail's text with quoted-printable soft breaks undone. */
const plain = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
const mailWithSubject = async (to: string, subject: string) => {
  for (let i = 0; i < 300; i++) {
    const m = mailbox!.inbox.find((x) => x.to.includes(to.toLowerCase()) && plain(x.raw).includes(subject));
    if (m) return plain(m.raw);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail "${subject}" to ${to}`);
};

async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOT_DIR, name), fullPage: true });
}

describe('rights: export my data and delete an answer', () => {
  it('practises once, downloads the ZIP once (transcript inside), then deletes the answer', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/signup`, 1280, 900, MEDIA_PERMISSIONS);
    await signUpAndVerify(page, base, mailbox!, WHO);

    // Practise one answer.
    await page.goto(`${base}/practice`, { waitUntil: 'load' });
    await page.getByLabel(/Competency-based/).check();
    await page.getByLabel('Number of questions').selectOption('1');
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.waitForURL(/\/practice\/[^/?]+$/, { timeout: 20_000 });
    const sessionId = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByRole('button', { name: 'Turn on camera and microphone' }).click();
    await page.getByRole('button', { name: 'Start recording' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Start recording' }).click();
    await page.waitForTimeout(7_000);
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await page.getByRole('button', { name: 'Submit answer' }).click();
    const status = page.getByTestId('answer-status');
    await status.waitFor({ timeout: 20_000 });
    await expect.poll(async () => status.innerText(), { timeout: 120_000, interval: 500 }).toMatch(/^Ready/);
    await page.getByTestId('feedback-link').click();
    await page.waitForURL(/\/practice\/answers\/[^/]+$/, { timeout: 15_000 });
    const recordingId = new URL(page.url()).pathname.split('/').at(-1)!;
    const transcript = page.getByTestId('transcript');
    await transcript.waitFor({ timeout: 15_000 });
    const said = (await transcript.innerText()).trim();
    expect(said).toMatch(/country/i);

    // My data: ask for a copy, watch it being prepared, download it once.
    await page.goto(`${base}/account/privacy`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Prepare my data' }).click();
    const link = page.getByTestId('export-download');
    await link.waitFor({ timeout: 60_000 });
    const href = await link.getAttribute('href');
    expect(href).toMatch(/^\/api\/exports\/[0-9a-f-]{36}$/);
    await shot(page, 'tia-rights-export-ready-1280.png');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    const zip = await readFile(file);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['data.json', 'answers.csv', 'events.csv']));
    const doc = JSON.parse(strFromU8(files['data.json']!)) as {
      schema: string;
      profile: { name: string; email: string };
      answers: { recordingId: string; transcript: string | null }[];
    };
    expect(doc.schema).toBe('tia-export/2');
    expect(doc.profile).toMatchObject({ name: WHO.name, email: WHO.email });
    expect(doc.answers).toHaveLength(1);
    expect(doc.answers[0]!.recordingId).toBe(recordingId);
    expect(doc.answers[0]!.transcript).toMatch(/country/i);
    expect(strFromU8(files['answers.csv']!)).toMatch(/country/i);
    // The link worked once: the file is gone.
    const again = await page.request.get(`${base}${href!}`);
    expect(again.status()).toBe(404);
    expect(await again.text()).toMatch(/already used/);
    await page.getByText('Downloaded; the file is deleted from our servers.').waitFor({ timeout: 10_000 });
    await page
      .getByTestId('my-requests')
      .getByText(/Export \(portability\)/)
      .waitFor();

    // Delete the answer from its feedback page, after confirming.
    await page.goto(`${base}/practice/answers/${recordingId}`, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Delete this answer' }).click();
    await page.getByRole('button', { name: 'Yes, delete this answer' }).click();
    await page.waitForURL(`${base}/practice/${sessionId}?deleted=answer`, { timeout: 15_000 });
    await page.goto(`${base}/practice/answers/${recordingId}`, { waitUntil: 'load' });
    await page.getByText('This answer was not found.').waitFor({ timeout: 15_000 });
    await page.goto(`${base}/account/privacy`, { waitUntil: 'load' });
    await page
      .getByTestId('my-requests')
      .getByText(/Erasure/)
      .waitFor({ timeout: 15_000 });

    // A complaint: too short is a field error; then it is recorded with its due date.
    await page.getByLabel('What went wrong?').fill('bad');
    await page.getByRole('button', { name: 'Send complaint' }).click();
    await page
      .getByTestId('error-summary')
      .getByText(/at least 10 characters/)
      .waitFor();
    await page.getByLabel('What went wrong?').fill(COMPLAINT);
    await page.getByRole('button', { name: 'Send complaint' }).click();
    await page.getByText(/Your complaint is recorded\. We will answer by/).waitFor({ timeout: 15_000 });
    await page
      .getByTestId('my-requests')
      .getByText(/Complaint/)
      .waitFor({ timeout: 15_000 });
    await shot(page, 'tia-rights-my-data-1280.png');

    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console.filter((l) => !/status of 404/.test(l))).toEqual([]);
  }, 600_000);

  it('a compliance officer with TOTP sees the complaint in the request queue and marks it handled, at 360 px', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/signin`, 360, 780);
    await signInEnrollingTotp(page, OFFICER.email, OFFICER.password);
    await page.goto(`${base}/compliance/requests`, { waitUntil: 'load' });
    const table = page.getByTestId('requests-table');
    await table.waitFor({ timeout: 20_000 });
    const row = table.locator('tbody tr', { hasText: 'Complaint' });
    await expect(row.locator('td[data-label="Status"]').innerText()).resolves.toBe('received');
    await row.getByRole('button', { name: 'Read the complaint' }).click();
    await expect(page.getByTestId('complaint-text').innerText()).resolves.toBe(COMPLAINT);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot(page, 'tia-rights-requests-360.png');
    await row.getByRole('button', { name: 'Mark handled' }).click();
    await page.getByText('No requests here.').waitFor({ timeout: 15_000 });
    await page.getByLabel('Show').selectOption('closed');
    const closed = table.locator('tbody tr', { hasText: 'Complaint' });
    await closed.waitFor({ timeout: 15_000 });
    await expect(closed.locator('td[data-label="Status"]').innerText()).resolves.toBe('completed');
    const handled = await db!.sql<{ actor: string }[]>`
      select metadata->'actor'->>'kind' as actor from events where type = 'PrivacyRequestCompleted'
       and data->>'requestId' in (select request_id from rm_privacy_requests where kind = 'complaint')`;
    expect(handled).toEqual([{ actor: 'staff' }]);
    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console).toEqual([]);
  }, 180_000);

  it('emails the outcomes; then restricts, withdraws consent, erases: no sign-in, no second trial', async () => {
    // The worker emailed both outcomes: the copy is ready in the privacy center (never the file's link), and
    // the complaint was answered.
    const ready = await mailWithSubject(WHO.email, 'Your copy of your data is ready');
    expect(ready).toContain('/account/privacy');
    expect(ready).not.toContain('/api/exports/');
    expect(ready).not.toContain(WHO.name);
    const answered = await mailWithSubject(WHO.email, 'We have answered your privacy complaint');
    expect(answered).not.toContain(COMPLAINT);

    const { page, problems } = await openWatched(browser!, `${base}/signin`, 1280, 900);
    await page.getByLabel('Email address').fill(WHO.email);
    await page.getByLabel('Password', { exact: true }).fill(WHO.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${base}/account`, { timeout: 20_000 });
    await page.goto(`${base}/account/privacy`, { waitUntil: 'load' });

    // Restrict processing.
    await page.getByRole('button', { name: 'Pause processing' }).click();
    await page.getByText('Processing is paused.', { exact: true }).waitFor({ timeout: 15_000 });
    // Withdraw the recording consent, as easily as it was given.
    await page.getByRole('button', { name: 'Withdraw consent: Recording feedback' }).click();
    await page.getByText('Your choice is saved.').waitFor({ timeout: 15_000 });
    await page
      .locator('li[data-purpose="recording_feedback"]')
      .getByText(/^Withdrawn/)
      .waitFor({ timeout: 15_000 });
    const kinds = await db!.sql<{ kind: string }[]>`
      select kind from rm_privacy_requests where kind in ('restriction', 'withdrawal') order by kind`;
    expect(kinds.map((k) => k.kind)).toEqual(['restriction', 'withdrawal']);

    // Erase the account.
    await page.getByRole('button', { name: 'Erase my account…' }).click();
    await page.getByLabel('Current password').fill(WHO.password);
    await page.getByLabel('Type ERASE to confirm').fill('ERASE');
    await page.getByRole('button', { name: 'Erase my account for good' }).click();
    await page.getByRole('heading', { name: 'Your account was erased' }).waitFor({ timeout: 20_000 });

    // Signing in no longer works.
    await page.goto(`${base}/signin`, { waitUntil: 'load' });
    await page.getByLabel('Email address').fill(WHO.email);
    await page.getByLabel('Password', { exact: true }).fill(WHO.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('.error-summary, [role="alert"]').first().waitFor({ timeout: 15_000 });
    expect(page.url()).toContain('/signin');

    // Signing up again with the same address works, but there is no second free trial.
    await page.goto(`${base}/signup`, { waitUntil: 'load' });
    await signUpAndVerify(page, base, mailbox!, WHO);
    await expect
      .poll(async () => page.locator('.trial-count').innerText(), { timeout: 15_000 })
      .toMatch(/^0 of \d+ free practice answers left/);
    await shot(page, 'tia-rights-resignup-no-trial-1280.png');
    const p = await problems();
    expect(p.csp).toEqual([]);
    expect(p.console.filter((l) => !/status of 40[13]/.test(l))).toEqual([]);
  }, 300_000);
});
