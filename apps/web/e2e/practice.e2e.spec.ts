/**
 * End-to-end practice flow in Chromium against a production build and a real worker: sign up, start a
 * one-question competency session, record ~8 s from a fake camera and a microphone that plays the JFK clip,
 * replay the video locally, submit (only the audio leaves the browser), wait for transcription and scoring,
 * read the feedback and the deletion receipt. Every request the page makes is recorded and checked: the only
 * large body is the audio upload, and no body carries a video track.
 * Run from the repo root:
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx vitest run --project e2e apps/web/e2e/practice.e2e.spec.ts
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sniffAudio } from '@tia/api';
import { createTestDatabase, speechFixture } from '@tia/db/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuild,
  fakeMediaArgs,
  freePort,
  launchChromium,
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

const JFK_WAV = speechFixture('jfk.wav');
const EMAIL = 'e2e.practice@example.com';
const PASSWORD = 'correct horse battery staple 42';
const NAME = 'Pat Practice';
/** Bodies above this are "large": only the audio upload may be one. */
const LARGE = 4 * 1024;

let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let app: App | undefined;
let worker: Worker | undefined;
let browser: Browser | undefined;
let mailbox: Mailbox | undefined;
let base = '';

beforeAll(async () => {
  db = await createTestDatabase();
  mailbox = await startMailbox();
  await ensureBuild([
    '/practice',
    '/practice/[sessionId]',
    '/practice/answers/[recordingId]',
    '/practice/history',
    '/api/recordings',
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
    AUDIO_SWEEP_SECONDS: '5',
  });
  browser = await launchChromium(fakeMediaArgs(JFK_WAV));
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await worker?.stop();
  await app?.stop();
  await mailbox?.close();
  await db?.drop();
});

/** Chromium logs every 4xx answer it gets; the refused cross-site upload is deliberate. */
function unexpected(p: { console: string[]; csp: string[] }) {
  return {
    console: p.console.filter(
      (l) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(l),
    ),
    csp: p.csp,
  };
}

interface Seen {
  method: string;
  url: string;
  contentType: string;
  body: Buffer | null;
}

describe('practice: record, replay locally, upload audio only, feedback', () => {
  it('runs the whole flow and never sends video', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/signup`);
    const seen: Seen[] = [];
    page.on('request', (r) => {
      seen.push({
        method: r.method(),
        url: r.url(),
        contentType: r.headers()['content-type'] ?? '',
        body: r.postDataBuffer(),
      });
    });

    // Chromium does not expose Blob request bodies to the DevTools protocol (postDataBuffer() is null for
    // them), so the page also records every Blob it hands to XMLHttpRequest / fetch / sendBeacon.
    await page.addInitScript(() => {
      interface Sent {
        via: string;
        method: string;
        url: string;
        size: number;
        type: string;
        b64: string | null;
      }
      const w = window as unknown as { __sent: Sent[] };
      w.__sent = [];
      const keep = (via: string, method: string, url: string, body: unknown) => {
        if (!(body instanceof Blob)) return;
        const e: Sent = {
          via,
          method,
          url: new URL(url, location.href).href,
          size: body.size,
          type: body.type,
          b64: null,
        };
        w.__sent.push(e);
        void body.arrayBuffer().then((buf) => {
          const bytes = new Uint8Array(buf);
          let bin = '';
          for (let i = 0; i < bytes.length; i += 0x8000)
            bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          e.b64 = btoa(bin);
        });
      };
      /* eslint-disable @typescript-eslint/unbound-method -- wrapped and re-bound with apply/call below */
      const open = XMLHttpRequest.prototype.open;
      const send = XMLHttpRequest.prototype.send;
      /* eslint-enable @typescript-eslint/unbound-method */
      XMLHttpRequest.prototype.open = function (
        this: XMLHttpRequest & { __m?: string; __u?: string },
        ...a: unknown[]
      ) {
        this.__m = String(a[0]);
        this.__u = String(a[1]);
        return (open as (...x: unknown[]) => void).apply(this, a);
      };
      XMLHttpRequest.prototype.send = function (this: XMLHttpRequest & { __m?: string; __u?: string }, body) {
        keep('xhr', this.__m ?? '', this.__u ?? '', body);
        return send.call(this, body);
      };
      const f = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        keep('fetch', init?.method ?? 'GET', url, init?.body);
        return f(input, init);
      };
      const beacon = navigator.sendBeacon.bind(navigator);
      navigator.sendBeacon = (url, data) => {
        keep('beacon', 'POST', String(url), data);
        return beacon(url, data);
      };
    });

    await signUpAndVerify(page, base, mailbox!, { name: NAME, email: EMAIL, password: PASSWORD });

    // The nav offers Practice and History to a signed-in candidate.
    await page.getByRole('link', { name: 'Practice', exact: true }).click();
    await page.waitForURL(`${base}/practice`);
    const policy = (await page.request.get(`${base}/practice`)).headers()['permissions-policy'];
    expect(policy).toContain('camera=(self)');
    expect(policy).toContain('microphone=(self)');
    // The same on other pages: a client-side navigation to /practice keeps the first page's policy.
    const accountPolicy = (await page.request.get(`${base}/account`)).headers()['permissions-policy'];
    expect(accountPolicy).toContain('camera=(self), microphone=(self)');
    const csp = (await page.request.get(`${base}/practice`)).headers()['content-security-policy'];
    expect(csp).toContain(`media-src 'self' blob:`);

    // Start page: trial counter and the privacy promise.
    await page.getByTestId('trial').waitFor({ timeout: 15_000 });
    const start = await page.locator('main').innerText();
    expect(start).toMatch(/\d+ of \d+ free practice answers left/);
    expect(start).toContain('Your video stays on this device');
    expect(start).toMatch(/Only the audio is uploaded/);

    // Job track without a description: the error is shown on the field.
    await page.getByLabel(/Job-specific/).check();
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.locator('#ps-job-description-error').waitFor();
    await expect(page.locator('#ps-job-description').getAttribute('aria-invalid')).resolves.toBe('true');

    // A one-question competency session.
    await page.getByLabel(/Competency-based/).check();
    await page.getByLabel('Number of questions').selectOption('1');
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.waitForURL(/\/practice\/[^/]+$/, { timeout: 20_000 });
    await page.getByTestId('question-text').waitFor({ timeout: 15_000 });
    await expect(page.locator('main').innerText()).resolves.toMatch(/Question 1 of 1/i);

    // Camera on: the level meter moves with the JFK clip.
    await page.getByRole('button', { name: 'Turn on camera and microphone' }).click();
    await page
      .getByRole('button', { name: 'Start recording' })
      .waitFor({ timeout: 15_000 })
      .catch(async (e: unknown) => {
        throw new Error(
          `camera did not start: ${(e as Error).message}\n${await page.locator('main').innerText()}\n${JSON.stringify(await problems())}`,
        );
      });
    const meter = page.getByRole('meter');
    await expect
      .poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 10_000 })
      .toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Start recording' }).click();
    await page.waitForTimeout(8_000);
    await page.getByRole('button', { name: 'Stop recording' }).click();

    // The replay is a blob: URL and really plays.
    const replay = page.getByTestId('replay');
    await replay.waitFor({ timeout: 10_000 });
    await expect(replay.getAttribute('src')).resolves.toMatch(/^blob:/);
    const played = await replay.evaluate(async (el) => {
      const v = el as HTMLVideoElement;
      v.muted = true;
      await v.play();
      await new Promise((r) => setTimeout(r, 1500));
      const out = { currentTime: v.currentTime, readyState: v.readyState };
      v.pause();
      return out;
    });
    expect(played.readyState).toBeGreaterThanOrEqual(2);
    expect(played.currentTime).toBeGreaterThan(0.3);
    await page.screenshot({ path: path.join(SHOT_DIR, 'tia-practice-recorded-1280.png'), fullPage: true });

    // Submit: upload progress, then the live status reaches "Ready".
    const started = Date.now();
    await page.getByRole('button', { name: 'Submit answer' }).click();
    const status = page.getByTestId('answer-status');
    await status.waitFor({ timeout: 20_000 });
    await expect.poll(async () => status.innerText(), { timeout: 90_000, interval: 500 }).toMatch(/^Ready/);
    const toFeedbackMs = Date.now() - started;
    console.log(`time from submit to feedback ready: ${toFeedbackMs} ms`);

    // Feedback (client-side navigation, so the video is still in this tab's memory).
    await page.getByTestId('feedback-link').click();
    await page.waitForURL(/\/practice\/answers\/[^/]+$/, { timeout: 15_000 });
    const transcript = page.getByTestId('transcript');
    await transcript.waitFor({ timeout: 15_000 });
    await expect(transcript.innerText()).resolves.toMatch(/country/i);
    await expect(page.getByTestId('overall').innerText()).resolves.toMatch(/\d+\s*\/ 100/);
    expect(await page.getByTestId('criteria-scores').locator('li').count()).toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('feedback-engine').innerText()).resolves.toMatch(/built-in scoring rubric/);
    const receipt = await page.getByTestId('receipt').innerText();
    expect(receipt).toMatch(/Audio deleted/);
    expect(receipt).toMatch(/Deleted right after transcription/);
    const receiptSha = await page.getByTestId('sha256').innerText();
    expect(receiptSha).toMatch(/^[0-9a-f]{64}$/);
    await expect(page.getByTestId('feedback-replay').getAttribute('src')).resolves.toMatch(/^blob:/);
    await page.screenshot({ path: path.join(SHOT_DIR, 'tia-practice-feedback-1280.png'), fullPage: true });

    // History lists the answer.
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.waitForURL(`${base}/practice/history`);
    await page.getByRole('heading', { name: 'Your answers' }).waitFor({ timeout: 15_000 });
    await expect(page.locator('main').innerText()).resolves.toMatch(/Ready/);

    // What went over the wire. Bodies: from the DevTools protocol, else the Blob the page handed over.
    const sent = (
      await page.evaluate(
        () =>
          (
            window as unknown as {
              __sent: {
                via: string;
                method: string;
                url: string;
                size: number;
                type: string;
                b64: string | null;
              }[];
            }
          ).__sent,
      )
    ).map((x) => ({ ...x, body: x.b64 ? Buffer.from(x.b64, 'base64') : null }));
    expect(sent.every((x) => x.body !== null && x.body.length === x.size)).toBe(true);
    const blobFor = (r: Seen) => sent.find((x) => x.url === r.url && x.method === r.method)?.body ?? null;
    const bodies = seen
      .filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
      .map((r) => ({ ...r, body: r.body && r.body.length > 0 ? r.body : blobFor(r) }));
    const withBodies = bodies.filter((r) => r.body && r.body.length > 0);
    const large = withBodies.filter((r) => r.body!.length > LARGE);
    expect(
      large.map((r) => `${r.method} ${new URL(r.url).pathname}`),
      'requests with a large body',
    ).toEqual(['POST /api/recordings']);
    // Every Blob the page sent is accounted for: only the one upload.
    expect(sent.map((x) => `${x.via} ${x.method} ${new URL(x.url).pathname}`)).toEqual([
      'xhr POST /api/recordings',
    ]);
    const upload = large[0]!;
    console.log(`uploaded audio: ${upload.body!.length} bytes, ${upload.contentType}`);
    expect(upload.contentType).toMatch(/^audio\//);
    // The bytes we checked are the bytes the server received and hashed.
    expect(createHash('sha256').update(upload.body!).digest('hex')).toBe(receiptSha);
    const sniffed = sniffAudio(upload.body!);
    console.log(`sniffed upload: ${JSON.stringify(sniffed)}`);
    expect(sniffed).toMatchObject({ hasAudio: true, hasVideo: false });
    for (const r of withBodies) {
      const s = sniffAudio(r.body!);
      if (s) expect(s.hasVideo, `${r.method} ${r.url} carries a video track`).toBe(false);
      // No WebM video codec ids anywhere (V_VP8 / V_VP9).
      expect(r.body!.includes(Buffer.from('V_VP')), `${r.url} has a VP8/VP9 track`).toBe(false);
    }

    // A cross-site upload with the same session cookie is refused by the CSRF check.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'tia_session');
    expect(cookie).toBeDefined();
    const q = new URLSearchParams({
      sessionId: new URL(upload.url).searchParams.get('sessionId')!,
      questionId: new URL(upload.url).searchParams.get('questionId')!,
      durationSeconds: '8',
      recordingId: crypto.randomUUID(),
    });
    const forged = await fetch(`${base}/api/recordings?${q.toString()}`, {
      method: 'POST',
      headers: {
        'content-type': 'audio/webm;codecs=opus',
        cookie: `tia_session=${cookie!.value}`,
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: new Uint8Array(upload.body!),
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');

    expect(unexpected(await problems())).toEqual({ console: [], csp: [] });
    await page.context().close();
  });

  it('practice pages fit 360 px without horizontal scrolling', async () => {
    const { page } = await openWatched(browser!, `${base}/signin`, 360, 780);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${base}/account`, { timeout: 20_000 });
    for (const url of ['/practice', '/practice/history']) {
      await page.goto(`${base}${url}`, { waitUntil: 'networkidle' });
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${url} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
      await page.screenshot({
        path: path.join(SHOT_DIR, `tia-practice${url.replaceAll('/', '-')}-360.png`),
        fullPage: true,
      });
    }
    await page.context().close();
  });
});
