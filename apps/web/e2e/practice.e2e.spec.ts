/**
 * End-to-end practice flow in Chromium against a production build and a real worker: sign up, start a
 * two-question competency session, record ~8 s from a fake camera and a microphone that plays the JFK clip,
 * replay the video locally, submit (only the audio leaves the browser), answer the second question with the
 * same camera (no second permission request), wait for transcription and scoring, read the feedback and the
 * deletion receipt, and see both answers in the history charts. Every request the page makes is recorded and
 * checked: the only large bodies are the audio uploads, and no body carries a video track. The camera is
 * released on leaving the session page and with "Turn camera off". A context without camera permission gets
 * the "blocked" message and uploads nothing. Screenshots at 1280 and 360 px go to SHOT_DIR.
 * Run from the repo root:
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     npx vitest run --project e2e apps/web/e2e/practice.e2e.spec.ts
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sniffAudio } from '@tia/api';
import { createTestDatabase, speechFixture } from '@tia/db/testing';
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
  // No auto-accepted prompt: contexts get the camera through MEDIA_PERMISSIONS, and one without is refused.
  browser = await launchChromium(fakeMediaArgs(JFK_WAV, { autoAccept: false }));
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

/** A full-page screenshot from the top (the sticky header would otherwise sit mid-page). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOT_DIR, name), fullPage: true });
}

/** Counts getUserMedia calls and keeps the streams, so a test can tell whether the camera is still on. */
async function watchCamera(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __gum: { calls: number; streams: MediaStream[] } };
    w.__gum = { calls: 0, streams: [] };
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) return;
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => {
      w.__gum.calls += 1;
      const st = await gum(c);
      w.__gum.streams.push(st);
      return st;
    };
  });
}

async function cameraState(page: Page): Promise<{ calls: number; live: string[] }> {
  return page.evaluate(() => {
    const g = (window as unknown as { __gum: { calls: number; streams: MediaStream[] } }).__gum;
    return {
      calls: g.calls,
      live: g.streams.flatMap((st) =>
        st
          .getTracks()
          .filter((t) => t.readyState === 'live')
          .map((t) => t.kind),
      ),
    };
  });
}

async function signIn(page: Page) {
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${base}/account`, { timeout: 20_000 });
}

interface Seen {
  method: string;
  url: string;
  contentType: string;
  body: Buffer | null;
}

describe('practice: record, replay locally, upload audio only, feedback', () => {
  it('runs the whole flow over two questions with one camera, and never sends video', async () => {
    const { page, problems } = await openWatched(browser!, `${base}/signup`, 1280, 900, MEDIA_PERMISSIONS);
    await watchCamera(page);
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

    // A two-question competency session.
    await page.getByLabel(/Competency-based/).check();
    await page.getByLabel('Number of questions').selectOption('2');
    await shot(page, 'tia-practice-start-1280.png');
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.waitForURL(/\/practice\/[^/]+$/, { timeout: 20_000 });
    await page.getByTestId('question-text').waitFor({ timeout: 15_000 });
    await expect(page.locator('main').innerText()).resolves.toMatch(/Question 1 of 2/i);

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
    await shot(page, 'tia-practice-recorded-1280.png');

    // Submit: upload progress, then the live status (the worker runs while we answer question 2).
    const started = Date.now();
    await page.getByRole('button', { name: 'Submit answer' }).click();
    const status = page.getByTestId('answer-status');
    await status.waitFor({ timeout: 20_000 });

    // The camera stays on for the next question: no second permission request, no extra click.
    await expect(page.getByTestId('camera-still-on').innerText()).resolves.toMatch(/still on/);
    const afterFirst = await cameraState(page);
    expect(afterFirst.calls).toBe(1);
    expect(afterFirst.live.sort()).toEqual(['audio', 'video']);
    await page.locator('.after-upload').getByRole('button', { name: 'Next question' }).click();
    await expect(page.locator('main').innerText()).resolves.toMatch(/Question 2 of 2/i);
    await page.getByRole('button', { name: 'Start recording' }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('button', { name: 'Turn on camera and microphone' }).count()).toBe(0);
    await expect
      .poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Start recording' }).click();
    await page.waitForTimeout(6_000);
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await page.getByRole('button', { name: 'Submit answer' }).click();
    await status.waitFor({ timeout: 20_000 });
    expect((await cameraState(page)).calls).toBe(1);
    await expect.poll(async () => status.innerText(), { timeout: 90_000, interval: 500 }).toMatch(/^Ready/);

    // Back to question 1: its answer is ready too.
    await page.getByRole('button', { name: 'Previous question' }).click();
    await expect(page.locator('main').innerText()).resolves.toMatch(/Question 1 of 2/i);
    await expect.poll(async () => status.innerText(), { timeout: 90_000, interval: 500 }).toMatch(/^Ready/);
    console.log(`time from first submit to both answers ready: ${Date.now() - started} ms`);
    await shot(page, 'tia-practice-session-answered-1280.png');

    // Feedback (client-side navigation, so the video is still in this tab's memory). Leaving the session
    // page releases the camera.
    await page.getByTestId('feedback-link').click();
    await page.waitForURL(/\/practice\/answers\/[^/]+$/, { timeout: 15_000 });
    const feedbackId = new URL(page.url()).pathname.split('/').at(-1)!;
    await expect.poll(async () => (await cameraState(page)).live, { timeout: 5_000 }).toEqual([]);
    const transcript = page.getByTestId('transcript');
    await transcript.waitFor({ timeout: 15_000 });
    await expect(transcript.innerText()).resolves.toMatch(/country/i);
    await expect(page.getByTestId('overall').innerText()).resolves.toMatch(/\d+\s*\/ 100/);
    expect(await page.getByTestId('criteria-scores').locator('li').count()).toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('feedback-engine').innerText()).resolves.toMatch(/built-in scoring rubric/);
    // Each criterion says which grader produced its score (no model configured here: the rubric).
    const graders = await page.getByTestId('criterion-grader').allInnerTexts();
    expect(graders.length).toBeGreaterThanOrEqual(3);
    for (const g of graders) expect(g).toBe('Scored by the rubric');
    const receipt = await page.getByTestId('receipt').innerText();
    expect(receipt).toMatch(/Audio deleted/);
    expect(receipt).toMatch(/Deleted right after transcription/);
    const receiptSha = await page.getByTestId('sha256').innerText();
    expect(receiptSha).toMatch(/^[0-9a-f]{64}$/);
    await expect(page.getByTestId('feedback-replay').getAttribute('src')).resolves.toMatch(/^blob:/);
    await shot(page, 'tia-practice-feedback-1280.png');

    // History lists both scored answers, and the charts have a point for each.
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.waitForURL(`${base}/practice/history`);
    await page.getByRole('heading', { name: 'Your answers' }).waitFor({ timeout: 15_000 });
    const answersTable = page.locator('section[aria-labelledby="answers-title"] table');
    await expect(answersTable.locator('caption').innerText()).resolves.toMatch(/^2 answers/);
    await expect(answersTable.locator('tbody tr').filter({ hasText: 'Ready' }).count()).resolves.toBe(2);
    const overall = page.getByRole('img', { name: /Overall score \(0 to 100\) over time/ });
    await overall.waitFor();
    const dots = overall.locator('circle');
    expect(await dots.count()).toBe(2);
    for (const t of await dots.locator('title').allTextContents()) expect(t).toMatch(/, .+: \d+$/);
    await expect(overall.locator('desc').textContent()).resolves.toMatch(/answer/);
    const sparks = page.getByTestId('criterion-sparks').getByRole('listitem');
    expect(await sparks.count()).toBeGreaterThanOrEqual(3);
    for (const sp of await sparks.all()) {
      expect(await sp.locator('circle').count()).toBe(2);
      await expect(sp.getByRole('img').getAttribute('aria-labelledby')).resolves.toBeTruthy();
    }
    await shot(page, 'tia-practice-history-1280.png');
    // The table alternative holds the same points.
    await page.getByRole('button', { name: 'Show as tables' }).click();
    const byCompetency = page.locator('table', {
      has: page.locator('caption', { hasText: 'Overall score by competency' }),
    });
    expect(await byCompetency.locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Show charts' }).click();

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
    ).toEqual(['POST /api/recordings', 'POST /api/recordings']);
    // Every Blob the page sent is accounted for: only the two uploads.
    expect(sent.map((x) => `${x.via} ${x.method} ${new URL(x.url).pathname}`)).toEqual([
      'xhr POST /api/recordings',
      'xhr POST /api/recordings',
    ]);
    for (const up of large) {
      console.log(`uploaded audio: ${up.body!.length} bytes, ${up.contentType}`);
      expect(up.contentType).toMatch(/^audio\//);
      const sniffed = sniffAudio(up.body!);
      console.log(`sniffed upload: ${JSON.stringify(sniffed)}`);
      expect(sniffed).toMatchObject({ hasAudio: true, hasVideo: false });
    }
    // The bytes we checked are the bytes the server received and hashed.
    const upload = large.find((r) => new URL(r.url).searchParams.get('recordingId') === feedbackId)!;
    expect(upload).toBeDefined();
    expect(createHash('sha256').update(upload.body!).digest('hex')).toBe(receiptSha);
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

  it('a browser that blocks the camera gets a clear message and nothing is uploaded', async () => {
    // No MEDIA_PERMISSIONS: headless Chromium refuses getUserMedia with NotAllowedError, as after "Block".
    const { page, problems } = await openWatched(browser!, `${base}/signin`);
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/recordings')) uploads.push(`${r.method()} ${r.url()}`);
    });
    await signIn(page);
    await page.goto(`${base}/practice`, { waitUntil: 'load' });
    await page.getByLabel('Number of questions').selectOption('1');
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.waitForURL(/\/practice\/[^/]+$/, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Turn on camera and microphone' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'blocked' });
    await alert.waitFor({ timeout: 10_000 });
    await expect(alert.innerText()).resolves.toMatch(
      /Camera and microphone access was blocked\.\s+Allow this site to use your camera and microphone/,
    );
    // Nothing to record or submit; the candidate can try again once they allow it.
    expect(await page.getByRole('button', { name: 'Start recording' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Submit answer' }).count()).toBe(0);
    await expect(
      page.getByRole('button', { name: 'Turn on camera and microphone' }).isEnabled(),
    ).resolves.toBe(true);
    await shot(page, 'tia-practice-blocked-1280.png');
    expect(uploads).toEqual([]);
    expect((await problems()).csp).toEqual([]);
    await page.context().close();
  });

  it('practice pages fit 360 px without horizontal scrolling; "Turn camera off" releases the camera', async () => {
    const { page } = await openWatched(browser!, `${base}/signin`, 360, 780, MEDIA_PERMISSIONS);
    await watchCamera(page);
    await signIn(page);
    const overflow = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    for (const url of ['/practice', '/practice/history']) {
      await page.goto(`${base}${url}`, { waitUntil: 'networkidle' });
      expect(await overflow(), `${url} overflows`).toBeLessThanOrEqual(0);
      await shot(page, `tia-practice${url.replaceAll('/', '-')}-360.png`);
    }
    // An answer's feedback page (loaded afresh: the video is not in this tab).
    const feedback = page.getByRole('link', { name: /^Feedback/ }).first();
    await feedback.click();
    await page.waitForURL(/\/practice\/answers\/[^/]+$/, { timeout: 15_000 });
    await page.getByTestId('transcript').waitFor({ timeout: 15_000 });
    await page.getByTestId('no-local-video').waitFor();
    expect(await overflow(), 'feedback overflows').toBeLessThanOrEqual(0);
    await shot(page, 'tia-practice-feedback-360.png');

    // A new session with the camera on, then off.
    await page.goto(`${base}/practice`, { waitUntil: 'load' });
    await page.getByLabel('Number of questions').selectOption('2');
    await page.getByRole('button', { name: 'Start practising' }).click();
    await page.waitForURL(/\/practice\/[^/]+$/, { timeout: 20_000 });
    await page.getByRole('button', { name: 'Turn on camera and microphone' }).click();
    await page.getByRole('button', { name: 'Start recording' }).waitFor({ timeout: 15_000 });
    expect(await overflow(), 'session overflows').toBeLessThanOrEqual(0);
    await shot(page, 'tia-practice-session-360.png');
    expect((await cameraState(page)).live.sort()).toEqual(['audio', 'video']);
    await page.getByRole('button', { name: 'Turn camera off' }).click();
    await page.getByRole('button', { name: 'Turn on camera and microphone' }).waitFor();
    expect(await cameraState(page)).toEqual({ calls: 1, live: [] });
    await page.context().close();
  });
});
