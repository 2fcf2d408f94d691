import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { eraseSubject, recordCapability } from '@tia/db';
import { generateJobQuestions, recording } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCookies, type Context, type Session } from '../context.js';
import {
  AppError,
  Conflict,
  fieldIssuesOf,
  Forbidden,
  httpErrorBody,
  httpStatusOf,
  NotFound,
  PayloadTooLarge,
  PaymentRequired,
  RateLimited,
  retryAfterOf,
  ServiceUnavailable,
  Unauthenticated,
  UnsupportedMediaType,
  ValidationFailed,
} from '../errors.js';
import { silentLogger } from '../log.js';
import { appRouter } from '../root.js';
import { createCallerFactory } from '../trpc.js';
import { POLICY_VERSION } from '../version.js';
import { createAudioFixtures, PNG_1X1, type AudioFixtures } from '../testing/audio-fixtures.js';
import {
  createHarness,
  signUpInput,
  waitForMails,
  type Browser,
  type Harness,
} from '../testing/identity-harness.js';
import {
  CONSENT_REQUIRED_MESSAGE,
  handleRecordingUpload,
  MAX_RECORDING_BYTES,
  RESTRICTED_MESSAGE,
  TRANSCRIPTION_UNAVAILABLE_MESSAGE,
  type UploadResponse,
} from './index.js';

const TRIAL = 3;
let h: Harness;
let fx: AudioFixtures;
let webm: Buffer;
beforeAll(async () => {
  h = await createHarness({ freeTrialAnswers: TRIAL });
  fx = await createAudioFixtures();
  webm = await fx.must('webm-opus');
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await h?.close();
});

let seq = 0;
interface Candidate {
  b: Browser;
  userId: string;
  email: string;
}
const candidate = async (opts: { recordingConsent?: boolean } = {}): Promise<Candidate> => {
  const email = `cand${++seq}-${randomUUID().slice(0, 8)}@example.org`;
  const b = await h.browser();
  const r = await (
    await b.call()
  ).auth.signUp({
    ...signUpInput({ email }),
    consents: {
      recordingFeedback: opts.recordingConsent ?? true,
      productImprovement: false,
      marketingEmail: false,
    },
  });
  await waitForMails(h, email, 1);
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  return { b, userId: r.userId, email };
};

const startCompetency = async (c: Candidate, over: Record<string, unknown> = {}) => {
  const { sessionId } = await (await c.b.call()).practice.start({ track: 'competency', count: 3, ...over });
  const s = await (await c.b.call()).practice.session({ sessionId });
  return { sessionId, questionId: s.questions[0]!.id, session: s };
};

let uploads = 0;
const upload = async (
  c: Candidate | { session: Session | null },
  p: {
    sessionId: string;
    questionId: string;
    data: Buffer;
    recordingId?: string;
    durationSeconds?: number | string;
    contentType?: string | null;
    contentLength?: string | null;
    body?: ReadableStream<Uint8Array>;
  },
): Promise<UploadResponse> =>
  handleRecordingUpload(h.auth, {
    session: 'b' in c ? await c.b.session() : c.session,
    requestId: `req-${randomUUID()}`,
    ip: `10.66.${++uploads % 250}.1`, // many networks: this file tests the per-account budget

    query: new URLSearchParams({
      sessionId: p.sessionId,
      questionId: p.questionId,
      durationSeconds: String(p.durationSeconds ?? 11),
      recordingId: p.recordingId ?? randomUUID(),
    }),
    contentType: p.contentType === undefined ? 'audio/webm;codecs=opus' : p.contentType,
    contentLength: p.contentLength === undefined ? String(p.data.length) : p.contentLength,
    body: p.body ?? new Blob([new Uint8Array(p.data)]).stream(),
  });

/** The AppError a call fails with, checked against the class and the HTTP status the route will send. */
const refusal = async <E extends AppError>(
  p: Promise<unknown>,
  kind: abstract new (...args: never[]) => E,
  status: number,
): Promise<E> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(kind);
    expect(httpStatusOf(e)).toBe(status);
    expect(JSON.stringify(httpErrorBody(e))).not.toMatch(/at .*\.ts:\d+/); // no stack in the body
    return e as E;
  }
  throw new Error('expected the upload to be refused');
};

const trpcFailure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

const usedOf = async (userId: string) =>
  Number(
    (await h.db.sql<{ used: number }[]>`select used from rm_trial_usage where user_id = ${userId}`)[0]
      ?.used ?? 0,
  );
const blobCount = async (userId: string) =>
  Number(
    (await h.db.sql<{ n: string }[]>`select count(*) as n from audio_blobs where owner_id = ${userId}`)[0]!.n,
  );

/** Drives a recording's lifecycle by hand through the decider, as the worker does. */
const runRecording = (recordingId: string, cmd: recording.RecordingCommand) =>
  h.auth.commands.handle(
    recording.recordingDecider,
    recording.recordingStream(recordingId),
    cmd,
    { actor: { kind: 'system', id: 'test' } },
    {
      after: async (tx, { events }) => {
        if (events.some((e) => e.type === 'AudioDeleted')) await h.auth.blobs.delete(tx, recordingId);
      },
    },
  );

const JOB_DESCRIPTION =
  'We are hiring a data analyst to build SQL dashboards in Tableau, clean data with Python, and present insights to stakeholders. Experience with SQL and Python is required; experience with A/B testing is a plus.';

describe('practice.tracks and practice.start', () => {
  it('lists the three tracks with their competencies', async () => {
    const c = await candidate();
    const t = await (await c.b.call()).practice.tracks();
    expect(t.tracks.map((x) => x.id)).toEqual(['competency', 'ypp', 'job']);
    expect(t.tracks[0]!.competencies).toContainEqual({ id: 'teamwork', name: 'Teamwork' });
    expect(t.questionBankVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it('starts a session on each track; the job text is stored only encrypted', async () => {
    const c = await candidate();
    const call = await c.b.call();

    const comp = await call.practice.start({ track: 'competency', count: 2, competency: 'teamwork' });
    const cs = await call.practice.session({ sessionId: comp.sessionId });
    expect(cs).toMatchObject({
      track: 'competency',
      answerTimeLimitSeconds: 120,
      keyTerms: [],
      jobTitle: null,
    });
    expect(cs.questions).toHaveLength(2);
    for (const q of cs.questions) {
      expect(q).toMatchObject({ competency: 'teamwork', competencyName: 'Teamwork', answers: [] });
      expect(q.text.length).toBeGreaterThan(10);
    }

    const ypp = await call.practice.start({ track: 'ypp', answerTimeLimitSeconds: 90 });
    const ys = await call.practice.session({ sessionId: ypp.sessionId });
    expect(ys.track).toBe('ypp');
    expect(ys.answerTimeLimitSeconds).toBe(90);
    expect(ys.questions).toHaveLength(3);
    expect(ys.questions.every((q) => q.competency.startsWith('wbg-'))).toBe(true);

    const job = await call.practice.start({
      track: 'job',
      count: 5,
      jobTitle: '  Data Analyst ',
      jobDescription: JOB_DESCRIPTION,
    });
    const js = await call.practice.session({ sessionId: job.sessionId });
    expect(js.track).toBe('job');
    expect(js.jobTitle).toBe('Data Analyst');
    expect(js.keyTerms.length).toBeGreaterThan(0);
    expect(js.keyTerms.map((k) => k.toLowerCase())).toContain('sql');
    expect(js.questions).toHaveLength(5);

    const raw = await h.db.sql<{ data: unknown }[]>`
      select data from events where stream_id = ${recording.practiceStream(job.sessionId)}`;
    expect(raw).toHaveLength(1);
    const stored = JSON.stringify(raw[0]!.data);
    for (const typed of ['Data Analyst', 'Tableau', 'SQL', 'Python', 'stakeholders'])
      expect(stored).not.toContain(typed);
    // Shown to the candidate exactly as generated (the placeholders are put back from the encrypted fields).
    const generated = generateJobQuestions({
      jobTitle: 'Data Analyst',
      jobDescription: JOB_DESCRIPTION,
      count: 5,
      seed: job.sessionId,
    }).questions;
    expect(js.questions.map((q) => [q.text, q.strongAnswerShows])).toEqual(
      generated.map((q) => [q.text, q.strongAnswerShows]),
    );
    expect(js.questions.map((q) => q.id)).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
    // Which templates quote the title or a term depends on the seed (the session id): check what was generated.
    const texts = generated.flatMap((q) => [q.text, ...q.strongAnswerShows]);
    if (texts.some((t) => t.includes('Data Analyst'))) expect(stored).toContain('{{title}}');
    if (texts.some((t) => js.keyTerms.some((k) => t.includes(k)))) expect(stored).toMatch(/\{\{term:\d+\}\}/);
    expect(stored).toMatch(/\{\{(title|term:\d+)\}\}/); // five questions always quote something typed
    const rm = await h.db.sql<{ questions: unknown }[]>`
      select questions from rm_practice_sessions where session_id = ${job.sessionId}`;
    expect(JSON.stringify(rm[0]!.questions)).not.toContain('Data Analyst');
    const row = await h.db
      .sql`select track, time_limit_s from rm_practice_sessions where session_id = ${job.sessionId}`;
    expect(row[0]).toEqual({ track: 'job', time_limit_s: 120 });
  });

  it('refuses invalid input with field errors', async () => {
    const call = await (await candidate()).b.call();
    const e1 = await trpcFailure(call.practice.start({ track: 'job', jobDescription: 'too short' }));
    expect(e1.code).toBe('BAD_REQUEST');
    expect(
      fieldIssuesOf(e1)
        ?.map((f) => f.path)
        .sort(),
    ).toEqual(['jobDescription', 'jobTitle']);
    expect(fieldIssuesOf(e1)?.find((f) => f.path === 'jobDescription')?.message).toMatch(/at least 50/);

    const e2 = await trpcFailure(call.practice.start({ track: 'competency', count: 11 }));
    expect(fieldIssuesOf(e2)?.map((f) => f.path)).toEqual(['count']);

    const e3 = await trpcFailure(call.practice.start({ track: 'competency', competency: 'wbg-collaborate' }));
    expect(fieldIssuesOf(e3)).toEqual([
      { path: 'competency', message: 'This competency is not part of the chosen track.' },
    ]);

    const e4 = await trpcFailure(call.practice.start({ track: 'ypp', answerTimeLimitSeconds: 600 }));
    expect(fieldIssuesOf(e4)?.map((f) => f.path)).toEqual(['answerTimeLimitSeconds']);
  });
});

describe('POST /api/recordings (handleRecordingUpload)', () => {
  it('stores the audio encrypted, appends RecordingUploaded and counts the answer against the trial', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const recordingId = randomUUID();
    const res = await upload(c, { sessionId, questionId, recordingId, data: webm, durationSeconds: '11.02' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      recordingId,
      status: 'uploaded',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      bytes: webm.length,
    });

    const blob = await h.db.sql<{ ciphertext: Buffer; bytes: number; sha256: string; mime_type: string }[]>`
      select ciphertext, bytes, sha256, mime_type from audio_blobs where recording_id = ${recordingId}`;
    expect(blob).toHaveLength(1);
    expect(blob[0]).toMatchObject({
      bytes: webm.length,
      sha256: res.body.sha256,
      mime_type: 'audio/webm;codecs=opus',
    });
    for (const at of [0, 200, Math.floor(webm.length / 2), webm.length - 64])
      expect(blob[0]!.ciphertext.includes(webm.subarray(at, at + 32))).toBe(false);
    expect((await h.auth.blobs.get(h.db.sql, recordingId))?.data.equals(webm)).toBe(true);

    const events = await h.auth.store.readStream(recording.recordingStream(recordingId));
    expect(events.map((e) => e.type)).toEqual(['RecordingUploaded']);
    expect(events[0]!.data).toMatchObject({
      recordingId,
      sessionId,
      questionId,
      userId: c.userId,
      container: 'webm',
      mimeType: 'audio/webm;codecs=opus',
      bytes: webm.length,
      durationSeconds: 11.02,
      sha256: res.body.sha256,
      uploadedAt: h.clock.now.toISOString(),
    });
    expect(events[0]!.metadata.actor).toEqual({ kind: 'user', id: c.userId });

    const rows = await h.db
      .sql`select status, bytes, user_id from rm_recordings where recording_id = ${recordingId}`;
    expect(rows[0]).toEqual({ status: 'uploaded', bytes: webm.length, user_id: c.userId });
    expect(await usedOf(c.userId)).toBe(1);
    expect(await (await c.b.call()).practice.trial()).toEqual({
      total: TRIAL,
      used: 1,
      remaining: TRIAL - 1,
    });
    const s = await (await c.b.call()).practice.session({ sessionId });
    expect(s.questions[0]!.answers.map((a) => [a.recordingId, a.status])).toEqual([
      [recordingId, 'uploaded'],
    ]);

    // The same upload again (a retry after a lost response): 200, same body, nothing new.
    const again = await upload(c, {
      sessionId,
      questionId,
      recordingId,
      data: webm,
      durationSeconds: '11.02',
    });
    expect(again).toEqual({ status: 200, body: res.body });
    expect(await h.auth.store.readStream(recording.recordingStream(recordingId))).toHaveLength(1);
    expect(await usedOf(c.userId)).toBe(1);

    // The same id with other bytes: 409, the first upload untouched.
    const ogg = await fx.must('ogg-opus');
    const e = await refusal(upload(c, { sessionId, questionId, recordingId, data: ogg }), Conflict, 409);
    expect(e.message).toMatch(/already used/);
    expect((await h.auth.blobs.get(h.db.sql, recordingId))?.data.equals(webm)).toBe(true);
    expect(await usedOf(c.userId)).toBe(1);
  });

  it('accepts the other audio containers (Ogg, M4A, WAV)', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const r1 = await upload(c, {
      sessionId,
      questionId,
      data: await fx.must('ogg-opus'),
      contentType: 'audio/ogg',
    });
    const r2 = await upload(c, { sessionId, questionId, data: await fx.must('m4a-aac'), contentType: null });
    const r3 = await upload(c, {
      sessionId,
      questionId,
      data: await fx.must('wav'),
      contentType: 'text/plain',
    });
    expect([r1.status, r2.status, r3.status]).toEqual([201, 201, 201]);
    const mimes = await h.db.sql<{ mime_type: string }[]>`
      select mime_type from audio_blobs where owner_id = ${c.userId} order by mime_type`;
    expect(mimes.map((m) => m.mime_type)).toEqual(['audio/mp4', 'audio/ogg', 'audio/wav']);
  });

  it('refuses video, non-audio and oversize bodies without storing or counting anything', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);

    const video = await refusal(
      upload(c, { sessionId, questionId, data: await fx.must('webm-vp8-opus'), contentType: 'video/webm' }),
      UnsupportedMediaType,
      415,
    );
    expect(video.message).toMatch(/contains video \(vp8, opus\)/);
    const mp4 = await refusal(
      upload(c, { sessionId, questionId, data: await fx.must('mp4-h264-aac') }),
      UnsupportedMediaType,
      415,
    );
    expect(mp4.message).toMatch(/mp4 file contains video \(h264, aac\)/);
    const png = await refusal(
      upload(c, { sessionId, questionId, data: PNG_1X1, contentType: 'image/png' }),
      UnsupportedMediaType,
      415,
    );
    expect(png.message).toBe(
      'This file is not a WebM, Ogg, MP4/M4A or WAV audio recording (sent as image/png).',
    );
    expect(httpErrorBody(png)).toEqual({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: png.message } });

    // Declared too big: refused before reading.
    await refusal(
      upload(c, { sessionId, questionId, data: webm, contentLength: String(MAX_RECORDING_BYTES + 1) }),
      PayloadTooLarge,
      413,
    );
    // Streamed without a length: reading stops just past the limit.
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const endless = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        pulled++;
        ctrl.enqueue(chunk);
      },
    });
    await refusal(
      upload(c, { sessionId, questionId, data: Buffer.alloc(0), contentLength: null, body: endless }),
      PayloadTooLarge,
      413,
    );
    expect(pulled).toBeLessThanOrEqual(13);
    // A body shorter than its Content-Length (cut off on the way).
    await refusal(
      upload(c, { sessionId, questionId, data: webm, contentLength: String(webm.length + 10) }),
      ValidationFailed,
      400,
    );

    expect(await blobCount(c.userId)).toBe(0);
    expect(await usedOf(c.userId)).toBe(0);
  });

  it('checks the query, the session, the question and the duration', async () => {
    const c = await candidate();
    const other = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const theirs = await startCompetency(other);

    await refusal(upload(c, { ...theirs, data: webm }), NotFound, 404);
    await refusal(upload(c, { sessionId: randomUUID(), questionId, data: webm }), NotFound, 404);
    const q = await refusal(upload(c, { sessionId, questionId: 'cb-nope-99', data: webm }), NotFound, 404);
    expect(q.message).toBe('This question is not part of the session.');

    const long = await refusal(
      upload(c, { sessionId, questionId, data: webm, durationSeconds: 125.5 }),
      ValidationFailed,
      400,
    );
    expect(long.fields).toEqual([
      { path: 'durationSeconds', message: 'The recording is longer than the 120 s time limit.' },
    ]);
    expect((await upload(c, { sessionId, questionId, data: webm, durationSeconds: 124.9 })).status).toBe(201);
    const short = await refusal(
      upload(c, { sessionId, questionId, data: webm, durationSeconds: 0.5 }),
      ValidationFailed,
      400,
    );
    expect(short.fields[0]?.path).toBe('durationSeconds');
    const bad = await refusal(
      upload(c, { sessionId, questionId, data: webm, durationSeconds: 'abc', recordingId: 'not-a-uuid' }),
      ValidationFailed,
      400,
    );
    expect(bad.fields.map((f) => f.path).sort()).toEqual(['durationSeconds', 'recordingId']);
  });

  it('limits upload attempts per account (429 with Retry-After once the budget is spent)', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    for (let i = 0; i < 30; i++) {
      await refusal(upload(c, { sessionId, questionId: 'cb-nope-99', data: webm }), NotFound, 404);
    }
    const limited = await upload(c, { sessionId, questionId, data: webm }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(limited).toBeInstanceOf(RateLimited);
    expect(httpStatusOf(limited)).toBe(429);
    expect(retryAfterOf(limited)).toBeGreaterThan(0);
    // Another account is not affected.
    const d = await candidate();
    const s2 = await startCompetency(d);
    expect((await upload(d, { ...s2, data: webm })).status).toBe(201);
  });

  it('refuses anonymous callers (401) and staff without the candidate role (403)', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    await refusal(upload({ session: null }, { sessionId, questionId, data: webm }), Unauthenticated, 401);
    await refusal(
      upload(
        { session: { userId: c.userId, roles: ['analyst'], mfaPassed: true } },
        { sessionId, questionId, data: webm },
      ),
      Forbidden,
      403,
    );
  });

  it('needs the recording consent and no restriction of processing (403 saying what to do)', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const cc = await c.b.call();
    const before = await cc.privacy.consents();
    expect(before.map(({ since, ...rest }) => ({ ...rest, dated: since !== null }))).toEqual([
      { purpose: 'recording_feedback', status: 'given', dated: true, policyVersion: POLICY_VERSION },
      { purpose: 'product_improvement', status: 'never', dated: false, policyVersion: null },
      { purpose: 'marketing_email', status: 'never', dated: false, policyVersion: null },
    ]);
    // Withdraw the consent through the privacy center (twice: the second is a no-op, no second event).
    const afterWithdraw = await cc.privacy.setConsent({ purpose: 'recording_feedback', given: false });
    expect(afterWithdraw[0]).toMatchObject({ status: 'withdrawn', policyVersion: null });
    await cc.privacy.setConsent({ purpose: 'recording_feedback', given: false });
    expect((await cc.privacy.consents())[0]).toMatchObject({
      purpose: 'recording_feedback',
      status: 'withdrawn',
    });
    const consentTypes = (await h.auth.store.readStream(`privacy-${c.userId}`)).map((x) => x.type);
    expect(consentTypes.filter((t) => t.startsWith('Consent'))).toEqual(['ConsentGiven', 'ConsentWithdrawn']);
    const e = await refusal(upload(c, { sessionId, questionId, data: webm }), Forbidden, 403);
    expect(e.message).toBe(CONSENT_REQUIRED_MESSAGE);
    expect(e.message).toContain('/account/privacy');
    expect(await blobCount(c.userId)).toBe(0);
    // Giving it again (under the published policy version, whatever the client thinks) lets uploads in.
    await cc.privacy.setConsent({ purpose: 'recording_feedback', given: true });
    expect((await cc.privacy.consents())[0]).toMatchObject({
      status: 'given',
      policyVersion: POLICY_VERSION,
    });
    expect((await upload(c, { sessionId, questionId, data: webm })).status).toBe(201);
    // Bad input is a 400, not a 500.
    expect((await trpcFailure(cc.privacy.setConsent({ purpose: 'nope' as never, given: true }))).code).toBe(
      'BAD_REQUEST',
    );

    const d = await candidate();
    const ds = await startCompetency(d);
    const call = await d.b.call();
    expect(await call.practice.restriction()).toEqual({ restricted: false, since: null });
    expect(await call.practice.setRestriction({ restricted: true })).toEqual({ restricted: true });
    expect(await call.practice.setRestriction({ restricted: true })).toEqual({ restricted: true }); // no-op
    expect(await call.practice.restriction()).toEqual({ restricted: true, since: h.clock.now.toISOString() });
    // The right exercised is on record for compliance, completed at once — once, not again for the no-op.
    expect(
      await h.db.sql`select kind, status from rm_privacy_requests where subject_id = ${d.userId}`,
    ).toEqual([{ kind: 'restriction', status: 'completed' }]);
    const r = await refusal(upload(d, { ...ds, data: webm }), Forbidden, 403);
    expect(r.message).toBe(RESTRICTED_MESSAGE);
    expect(await blobCount(d.userId)).toBe(0);
    // Nor can a new session start while restricted (P26), with the same message.
    const startRefused = await trpcFailure(call.practice.start({ track: 'competency', count: 3 }));
    expect(startRefused.code).toBe('FORBIDDEN');
    expect(startRefused.message).toBe(RESTRICTED_MESSAGE);
    await call.practice.setRestriction({ restricted: false });
    expect((await upload(d, { ...ds, data: webm })).status).toBe(201);
    const types = (await h.auth.store.readStream(`privacy-${d.userId}`)).map((x) => x.type);
    expect(types.filter((t) => t.startsWith('Processing'))).toEqual([
      'ProcessingRestricted',
      'ProcessingRestrictionLifted',
    ]);
  });

  it('refuses recordings while transcription is unavailable (503 + Retry-After), before reading the body', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const call = await c.b.call();
    expect(await call.practice.speech()).toEqual({ available: true }); // no worker report yet
    const blobs = async () =>
      (await h.db.sql<{ n: number }[]>`select count(*)::int as n from audio_blobs`)[0]!.n;
    const blobsBefore = await blobs();
    await recordCapability(h.db.sql, {
      capability: 'transcription',
      available: false,
      reason: 'pocketsphinx cannot be run',
      installHint: 'apt-get install pocketsphinx pocketsphinx-en-us',
    });
    try {
      expect(await call.practice.speech()).toEqual({ available: false });
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>(
        {
          pull(ctl) {
            pulled++;
            ctl.enqueue(new Uint8Array(webm));
            ctl.close();
          },
        },
        { highWaterMark: 0 },
      ); // pulled only when someone reads
      const e = await refusal(
        upload(c, { sessionId, questionId, data: webm, body }),
        ServiceUnavailable,
        503,
      );
      expect(e.message).toBe(TRANSCRIPTION_UNAVAILABLE_MESSAGE);
      expect(e.message, 'operator details stay out of what the candidate sees').not.toMatch(
        /pocketsphinx|apt-get/,
      );
      expect(retryAfterOf(e)).toBeGreaterThan(0);
      expect(pulled, 'the body is not read').toBe(0);
      expect(await blobs()).toBe(blobsBefore);
      expect((await call.practice.trial()).used).toBe(0);
    } finally {
      await recordCapability(h.db.sql, { capability: 'transcription', available: true });
    }
    expect(await call.practice.speech()).toEqual({ available: true });
    expect((await upload(c, { sessionId, questionId, data: webm })).status).toBe(201);
  });

  it('stops at the end of the free trial (402); a retry of an earlier answer still succeeds', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const recordingId of ids)
      expect((await upload(c, { sessionId, questionId, recordingId, data: webm })).status).toBe(201);
    const e = await refusal(upload(c, { sessionId, questionId, data: webm }), PaymentRequired, 402);
    expect(e.message).toMatch(/used all 3 answers/);
    expect((await upload(c, { sessionId, questionId, recordingId: ids[0]!, data: webm })).status).toBe(200);
    expect(await (await c.b.call()).practice.trial()).toEqual({ total: 3, used: 3, remaining: 0 });
  });

  it('concurrent uploads cannot spend more than the trial', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => upload(c, { sessionId, questionId, data: webm })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(TRIAL);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PaymentRequired);
    expect(await usedOf(c.userId)).toBe(TRIAL);
  });

  it('refuses an erased account', async () => {
    const c = await candidate();
    const { sessionId, questionId } = await startCompetency(c);
    const session = await c.b.session();
    await eraseSubject(
      { store: h.auth.store, keys: h.auth.keys, inline: h.auth.inline },
      { subjectId: c.userId, reason: 'user_request', eventId: randomUUID(), now: h.clock.now.toISOString() },
    );
    const e = await refusal(upload({ session }, { sessionId, questionId, data: webm }), AppError, 404);
    expect(e).toBeInstanceOf(NotFound);
    expect(await blobCount(c.userId)).toBe(0);
  });
});

describe('answers after transcription and feedback: recording, session and history', () => {
  it('shows the transcript, the feedback with annotations, and the progress series', async () => {
    const c = await candidate();
    const { sessionId, session } = await startCompetency(c, { competency: 'teamwork', count: 2 });
    const [q1, q2] = session.questions;
    const first = randomUUID();
    const second = randomUUID();
    await upload(c, { sessionId, questionId: q1!.id, recordingId: first, data: webm });
    h.clock.advance(60);
    await upload(c, { sessionId, questionId: q2!.id, recordingId: second, data: webm, durationSeconds: 30 });

    const text = 'So um I led the team and we shipped the release, I think maybe two weeks early.';
    h.clock.advance(20);
    await runRecording(first, {
      type: 'CompleteTranscription',
      transcript: {
        text,
        words: [
          { word: 'So', start: 0, end: 0.3 },
          { word: 'um', start: 0.4, end: 0.6 },
        ],
        engine: { name: 'pocketsphinx', model: 'en-us' },
        audioSeconds: 11,
        engineMs: 1234,
      },
      blobExisted: true,
      now: h.clock.now.toISOString(),
    });
    const transcribedAt = h.clock.now.toISOString();
    expect(await h.auth.blobs.exists(h.db.sql, first)).toBe(false);
    h.clock.advance(5);
    const feedback = (overall: number, star: number): recording.FeedbackData => ({
      competency: 'teamwork',
      rubricVersion: '2026-11-30.1',
      overall,
      scores: { star, fillers: 3 },
      criteria: [
        {
          id: 'star',
          label: 'STAR structure',
          score: star,
          weight: 20,
          reason: 'Two of the four elements.',
          evidence: [{ start: 6, end: 19, text: 'I led the team', label: 'Action' }],
          tip: 'Say what the result was.',
        },
      ],
      metrics: { wordCount: 17, wpm: 92 },
      engine: { name: 'rubric', model: null },
      llmTips: null,
    });
    await runRecording(first, {
      type: 'ScoreFeedback',
      feedback: feedback(55, 2),
      now: h.clock.now.toISOString(),
    });
    const scoredAt = h.clock.now.toISOString();
    // The second answer: transcription failed (the answer is given back to the trial).
    h.clock.advance(5);
    await runRecording(second, {
      type: 'FailTranscription',
      engine: 'pocketsphinx',
      code: 'audio_unreadable',
      blobExisted: true,
      now: h.clock.now.toISOString(),
    });

    const call = await c.b.call();
    const rec = await call.practice.recording({ recordingId: first });
    expect(rec).toMatchObject({
      recordingId: first,
      sessionId,
      questionId: q1!.id,
      status: 'scored',
      statusDetail: null,
      bytes: webm.length,
      durationSeconds: 11,
      transcribedAt,
      audioDeletedAt: transcribedAt,
      deletionReason: 'transcribed',
      transcriptEngine: 'pocketsphinx',
      scoredAt,
      overall: 55,
      scores: { star: 2, fillers: 3 },
      feedbackEngine: 'rubric',
      competency: 'teamwork',
      question: { id: q1!.id, competency: 'teamwork', competencyName: 'Teamwork' },
      transcript: { text, engine: { name: 'pocketsphinx', model: 'en-us' } },
    });
    expect(rec.transcript?.words).toHaveLength(2);
    expect(rec.feedback).toMatchObject({
      overall: 55,
      rubricVersion: '2026-11-30.1',
      engine: { name: 'rubric', model: null },
      metrics: { wordCount: 17, wpm: 92 },
      llmTips: null,
    });
    expect(rec.feedback?.criteria[0]).toMatchObject({
      id: 'star',
      score: 2,
      evidence: [{ text: 'I led the team' }],
    });
    expect(rec.feedback?.criteria[0]?.anchors?.[5]).toMatch(/All four elements/);
    const ann = rec.feedback?.annotations ?? [];
    expect(ann).toContainEqual(expect.objectContaining({ kind: 'filler', label: 'um', text: 'um' }));
    expect(ann.some((a) => a.kind === 'hedge')).toBe(true);
    for (const a of ann) expect(text.slice(a.start, a.end)).toBe(a.text);

    const failed = await call.practice.recording({ recordingId: second });
    expect(failed).toMatchObject({
      status: 'failed',
      statusDetail: recording.TRANSCRIPTION_FAILURE_MESSAGES.audio_unreadable,
      deletionReason: 'transcription_failed',
      transcript: null,
      feedback: null,
    });

    const hist = await call.practice.history();
    expect(hist.trial).toEqual({ total: TRIAL, used: 1, remaining: TRIAL - 1 }); // the failed one given back
    expect(hist.answers.map((a) => a.recordingId)).toEqual([second, first]);
    expect(hist.progress).toEqual({
      byCriterion: [
        { criterion: 'star', label: 'STAR structure', points: [{ at: scoredAt, score: 2 }] },
        { criterion: 'fillers', label: 'Filler words', points: [{ at: scoredAt, score: 3 }] },
      ],
      byCompetency: [{ competency: 'teamwork', name: 'Teamwork', points: [{ at: scoredAt, overall: 55 }] }],
    });

    const s = await call.practice.session({ sessionId });
    expect(s.questions.map((q) => q.answers.map((a) => a.status))).toEqual([['scored'], ['failed']]);

    // Someone else cannot see it.
    const other = await (await candidate()).b.call();
    expect((await trpcFailure(other.practice.recording({ recordingId: first }))).code).toBe('NOT_FOUND');
    expect((await trpcFailure(other.practice.session({ sessionId }))).code).toBe('NOT_FOUND');
    expect((await other.practice.history()).answers).toEqual([]);
  });
});

describe('practice router access', () => {
  const factory = createCallerFactory(appRouter);
  const ctx = (session: Session | null): Context => ({
    sql: h.db.sql,
    requestId: 'req-access',
    session,
    ip: '127.0.0.1',
    userAgent: 'vitest',
    log: silentLogger,
    cookies: memoryCookies(),
    auth: h.auth,
  });

  it('refuses anonymous callers and staff (even with MFA) on every procedure', async () => {
    const anonymous = factory(ctx(null));
    const analyst = factory(ctx({ userId: randomUUID(), roles: ['analyst'], mfaPassed: true }));
    const calls = (c: typeof anonymous) => [
      c.practice.tracks(),
      c.practice.start({ track: 'competency' }),
      c.practice.session({ sessionId: 'x' }),
      c.practice.recording({ recordingId: 'x' }),
      c.practice.history(),
      c.practice.trial(),
      c.practice.speech(),
      c.practice.restriction(),
      c.practice.setRestriction({ restricted: true }),
    ];
    for (const p of calls(anonymous)) expect((await trpcFailure(p)).code).toBe('UNAUTHORIZED');
    for (const p of calls(analyst)) expect((await trpcFailure(p)).code).toBe('FORBIDDEN');
  });
});
