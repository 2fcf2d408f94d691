/**
 * Bad uploads against the real upload route (real PostgreSQL): each gets a clear 4xx answer, and nothing is
 * stored (no audio_blobs row, no RecordingUploaded event, the trial untouched) and nothing is left running
 * (no ffmpeg or pocketsphinx child). docs/reliability.md ("Bad input") lists the cases and their answers.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { recording } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, httpErrorBody, httpStatusOf } from '../errors.js';
import {
  createAudioFixtures,
  PNG_1X1,
  SPEECH_FIXTURE,
  type AudioFixtures,
} from '../testing/audio-fixtures.js';
import {
  createHarness,
  signUpInput,
  waitForMails,
  type Browser,
  type Harness,
} from '../testing/identity-harness.js';
import { handleRecordingUpload, MAX_RECORDING_BYTES } from './index.js';

const run = promisify(execFile);
let h: Harness;
let fx: AudioFixtures;
let b: Browser;
let userId: string;
let sessionId: string;
let questionId: string;

/** ffmpeg output from arbitrary arguments (made before the uploads; the process has ended when this returns). */
const encode = async (name: string, args: string[]): Promise<Buffer> => {
  const out = path.join(fx.dir, name);
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out], { maxBuffer: 8 << 20 });
  return readFile(out);
};

beforeAll(async () => {
  h = await createHarness({ freeTrialAnswers: 3 });
  fx = await createAudioFixtures();
  const email = `bad-${randomUUID().slice(0, 8)}@example.org`;
  b = await h.browser();
  const r = await (
    await b.call()
  ).auth.signUp({
    ...signUpInput({ email }),
    consents: { recordingFeedback: true, productImprovement: false, marketingEmail: false },
  });
  await waitForMails(h, email, 1);
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  userId = r.userId;
  ({ sessionId } = await (await b.call()).practice.start({ track: 'competency', count: 3 }));
  questionId = (await (await b.call()).practice.session({ sessionId })).questions[0]!.id;
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await h?.close();
});

let n = 0;
const upload = async (p: {
  data: Buffer;
  durationSeconds: number;
  contentType?: string;
  contentLength?: string | null;
  recordingId?: string;
}) =>
  handleRecordingUpload(h.auth, {
    session: await b.session(),
    requestId: `req-${randomUUID()}`,
    ip: `10.77.${++n}.1`,
    query: new URLSearchParams({
      sessionId,
      questionId,
      durationSeconds: String(p.durationSeconds),
      recordingId: p.recordingId ?? randomUUID(),
    }),
    contentType: p.contentType ?? 'audio/webm;codecs=opus',
    contentLength: p.contentLength === undefined ? String(p.data.length) : p.contentLength,
    body: new Blob([new Uint8Array(p.data)]).stream(),
  });

/** Speech tools this test process has running (children of this process). */
const runningTools = async (): Promise<string[]> => {
  const found: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (m && Number(m[2]) === process.pid && /ffmpeg|pocketsphinx/.test(m[1]!)) found.push(`${pid} ${m[1]}`);
  }
  return found;
};

const nothingKept = async (recordingId: string) => {
  const blobs = await h.db.sql<{ n: string }[]>`
    select count(*) as n from audio_blobs where owner_id = ${userId}`;
  expect(Number(blobs[0]!.n)).toBe(0);
  expect(await h.auth.store.readStream(recording.recordingStream(recordingId))).toEqual([]);
  const uploaded = await h.db.sql<{ n: string }[]>`
    select count(*) as n from events where type = 'RecordingUploaded' and data->>'userId' = ${userId}`;
  expect(Number(uploaded[0]!.n)).toBe(0);
  const used = await h.db.sql<{ used: number }[]>`select used from rm_trial_usage where user_id = ${userId}`;
  expect(Number(used[0]?.used ?? 0)).toBe(0);
  expect(await runningTools()).toEqual([]);
};

/** Uploads, expects the refusal (status and message), then checks nothing was kept or left running. */
const refused = async (p: Parameters<typeof upload>[0], status: number, message: RegExp): Promise<void> => {
  const recordingId = randomUUID();
  let error: unknown = null;
  try {
    await upload({ ...p, recordingId });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AppError);
  expect(httpStatusOf(error)).toBe(status);
  const body = httpErrorBody(error) as { error: { message: string } };
  expect(body.error.message).toMatch(message);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.[jt]s:\d+/);
  await nothingKept(recordingId);
};

/** Overwrites the WebM Info Duration (an 8-byte float, id 0x4489) with `ms` milliseconds. */
const withWebmDuration = (webm: Buffer, ms: number): Buffer => {
  const out = Buffer.from(webm);
  const at = out.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  expect(at).toBeGreaterThan(0);
  out.writeDoubleBE(ms, at + 3);
  return out;
};

describe('bad uploads: a clear 4xx, nothing stored, nothing running', () => {
  it('empty body', async () => {
    await refused({ data: Buffer.alloc(0), durationSeconds: 11 }, 400, /^The recording is empty\.$/);
  });

  it('truncated WebM: cut before the track list (415) and in the middle of the audio (400)', async () => {
    const webm = await fx.must('webm-opus');
    await refused(
      { data: webm.subarray(0, 120), durationSeconds: 11 },
      415,
      /not a WebM, Ogg, MP4\/M4A or WAV/,
    );
    await refused(
      { data: webm.subarray(0, Math.floor(webm.length * 0.6)), durationSeconds: 11 },
      400,
      /cut short/,
    );
    const ogg = await fx.must('ogg-opus');
    await refused({ data: ogg.subarray(0, ogg.length - 100), durationSeconds: 11 }, 400, /cut short/);
  });

  it('over the size limit (declared, and sent without a length)', async () => {
    const big = Buffer.alloc(MAX_RECORDING_BYTES + 1, 0x41);
    await refused({ data: big, durationSeconds: 11 }, 413, /larger than 10 MB/);
    await refused({ data: big, durationSeconds: 11, contentLength: null }, 413, /larger than 10 MB/);
  });

  it('wrong magic bytes (a PNG; random bytes sent as audio/webm; a WebM header on garbage)', async () => {
    await refused(
      { data: PNG_1X1, durationSeconds: 11, contentType: 'image/png' },
      415,
      /sent as image\/png/,
    );
    const noise = Buffer.alloc(50_000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    await refused({ data: noise, durationSeconds: 11 }, 415, /not a WebM, Ogg, MP4\/M4A or WAV/);
    await refused(
      { data: Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), noise]), durationSeconds: 11 },
      415,
      /not a WebM/,
    );
  });

  it('video containers (WebM VP8 + Opus, MP4 H.264 + AAC)', async () => {
    await refused(
      { data: await fx.must('webm-vp8-opus'), durationSeconds: 11, contentType: 'video/webm' },
      415,
      /contains video \(vp8, opus\)/,
    );
    await refused(
      { data: await fx.must('mp4-h264-aac'), durationSeconds: 11, contentType: 'video/mp4' },
      415,
      /contains video \(h264, aac\)/,
    );
  });

  it('decompression-bomb-like: a small file declaring hours (WebM Duration, WAV data size)', async () => {
    const webm = await fx.must('webm-opus');
    await refused(
      { data: withWebmDuration(webm, 10 * 3600 * 1000), durationSeconds: 11 },
      400,
      /longer than the 120 s time limit/,
    );
    const wav = Buffer.from((await fx.must('wav')).subarray(0, 4096));
    const dataAt = wav.indexOf('data');
    wav.writeUInt32LE(0x7ffffff0, dataAt + 4); // "2 GB of samples" in a 4 KB file
    await refused({ data: wav, durationSeconds: 11, contentType: 'audio/wav' }, 400, /cut short/);
  });

  it('an hour of silence (small enough to pass the size limit) declared as 60 s', async () => {
    // Ten seconds encoded once, then repeated to an hour without re-encoding (a remux takes a moment).
    await encode('ten.webm', [
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=48000:cl=mono',
      '-t',
      '10',
      '-c:a',
      'libopus',
      '-b:a',
      '6k',
    ]);
    const silence = await encode('hour.webm', [
      '-stream_loop',
      '359',
      '-i',
      path.join(fx.dir, 'ten.webm'),
      '-c',
      'copy',
    ]);
    expect(silence.length).toBeLessThan(MAX_RECORDING_BYTES);
    await refused({ data: silence, durationSeconds: 60 }, 400, /longer than the 120 s time limit/);
  }, 120_000);

  it('a 2-minute answer declared as 5 s (WebM), and 11 s answers declared as 3 s (Ogg, M4A, fragmented M4A, WAV)', async () => {
    const twoMinutes = await encode('two-minutes.webm', [
      '-stream_loop',
      '11',
      '-i',
      SPEECH_FIXTURE,
      '-t',
      '118',
      '-c:a',
      'libopus',
      '-b:a',
      '24k',
    ]);
    await refused({ data: twoMinutes, durationSeconds: 5 }, 400, /lasts 118 s but was sent as 5 s/);
    await refused(
      { data: await fx.must('ogg-opus'), durationSeconds: 3, contentType: 'audio/ogg' },
      400,
      /lasts 11 s but was sent as 3 s/,
    );
    await refused(
      { data: await fx.must('m4a-aac'), durationSeconds: 3, contentType: 'audio/mp4' },
      400,
      /lasts 11 s but was sent as 3 s/,
    );
    // Safari's recorder writes fragmented MP4 (movie header duration 0): measured from its fragments.
    await refused(
      { data: await fx.must('m4a-aac-fragmented'), durationSeconds: 3, contentType: 'audio/mp4' },
      400,
      /lasts 11 s but was sent as 3 s/,
    );
    await refused(
      { data: await fx.must('wav'), durationSeconds: 3, contentType: 'audio/wav' },
      400,
      /lasts 11 s but was sent as 3 s/,
    );
  }, 120_000);

  it('the same files honestly declared are accepted (the checks refuse only the lies)', async () => {
    const res = await upload({
      data: await fx.must('ogg-opus'),
      durationSeconds: 11,
      contentType: 'audio/ogg',
    });
    expect(res.status).toBe(201);
    const twoMinutes = await readFile(path.join(fx.dir, 'two-minutes.webm'));
    expect((await upload({ data: twoMinutes, durationSeconds: 118 })).status).toBe(201);
    expect(
      (await upload({ data: await fx.must('m4a-aac'), durationSeconds: 11, contentType: 'audio/mp4' }))
        .status,
    ).toBe(201);
    const used = await h.db.sql<
      { used: number }[]
    >`select used from rm_trial_usage where user_id = ${userId}`;
    expect(Number(used[0]!.used)).toBe(3);
  });
});
