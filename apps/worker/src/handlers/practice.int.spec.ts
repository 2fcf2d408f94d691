import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence, eraseSubject, silentLogger, type Persistence, type RecordedEvent } from '@tia/db';
import {
  createTestDatabase,
  only,
  speechFixture,
  TEST_MASTER_KEY,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { recording } from '@tia/domain';
import { EmbeddedTransport } from '../transport/embedded.js';
import type { Outcome } from '../transport/process.js';
import { TransientTranscriptionError } from '../speech/port.js';
import { feedbackHandler, sweepAudio, transcriptionHandler } from './practice.js';
import {
  givenCandidate,
  givenUpload,
  inline,
  restrictProcessing,
  ScriptedEngine,
  withdrawConsent,
} from './practice-fixtures.js';

const JFK = readFileSync(speechFixture());

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => {
  db = await createTestDatabase();
  p = createPersistence(db.sql, TEST_MASTER_KEY);
});
afterAll(async () => db?.drop());

const engine = new ScriptedEngine({
  text: 'when i was leading a team of five i decided to rebuild the report and we cut the time by forty percent',
  words: [],
});
let transport: EmbeddedTransport | null = null;
const outcomes: [string, string, Outcome][] = [];

const startPipeline = async (opts: { scoreAtOnce?: boolean } = {}) => {
  transport = new EmbeddedTransport({
    sql: db.sql,
    store: p.store,
    log: silentLogger,
    handlers: [
      transcriptionHandler({ blobs: p.blobs, inline, engine, ...opts }),
      feedbackHandler({ blobs: p.blobs, inline, enricher: null }),
    ],
    pollMs: 10,
    baseDelayMs: 5,
    onOutcome: (h, id, o) => outcomes.push([h, id, o]),
  });
  await transport.start();
};
afterEach(async () => {
  await transport?.stop();
  transport = null;
  engine.release();
  engine.failWith = null;
  engine.entered = null;
});

const streamOf = (recordingId: string): Promise<RecordedEvent[]> =>
  p.store.readStream(recording.recordingStream(recordingId));
const typesOf = async (recordingId: string) => (await streamOf(recordingId)).map((e) => e.type);
const blobRows = async (recordingId: string) =>
  (await db.sql`select 1 from audio_blobs where recording_id = ${recordingId}`).length;
const keyRows = async (recordingId: string) =>
  (await db.sql`select 1 from subject_keys where subject_id = ${recording.recordingKeySubject(recordingId)}`)
    .length;

describe('practice pipeline: transcription, audio deletion, feedback (embedded transport, real PostgreSQL)', () => {
  it('transcribes, deletes the audio and its key in the transcript’s own transaction, then scores', async () => {
    const who = await givenCandidate(p);
    const recordingId = await givenUpload(p, who, JFK);
    expect(await blobRows(recordingId)).toBe(1);
    expect(await keyRows(recordingId)).toBe(1);
    await startPipeline();
    await waitFor(async () => (await typesOf(recordingId)).includes('FeedbackScored'), 30_000);

    const events = await streamOf(recordingId);
    expect(events.map((e) => e.type)).toEqual([
      'RecordingUploaded',
      'TranscriptProduced',
      'AudioDeleted',
      'FeedbackScored',
    ]);
    const [, transcript, deleted] = events;
    // Same transaction: the audio never exists after its transcript is committed.
    expect(deleted!.transactionId).toBe(transcript!.transactionId);
    const lagMs =
      Date.parse(only('AudioDeleted', deleted).data.deletedAt) -
      Date.parse(only('TranscriptProduced', transcript).data.producedAt);
    expect(lagMs).toBeLessThanOrEqual(1000);
    expect(deleted!.data).toMatchObject({ reason: 'transcribed', blobExisted: true, bytes: JFK.length });
    expect(await blobRows(recordingId)).toBe(0);
    expect(await keyRows(recordingId)).toBe(0);
    // The receipt and the scores are in the read model.
    const [row] = await db.sql<
      { status: string; deletion_reason: string; overall: number; audio_deleted_at: Date }[]
    >`
      select status, deletion_reason, overall, audio_deleted_at from rm_recordings where recording_id = ${recordingId}`;
    expect(row).toMatchObject({ status: 'scored', deletion_reason: 'transcribed' });
    expect(row!.overall).toBeGreaterThan(0);
    // The transcript is ciphertext at rest.
    const raw = await db.sql<{ data: string }[]>`
      select data::text from events where event_id = ${transcript!.eventId}`;
    expect(raw[0]!.data).not.toContain('leading a team');
    expect(only('TranscriptProduced', transcript).data.text).toContain('leading a team');
    const feedback = only('FeedbackScored', events[3]).data;
    expect(feedback.engine).toEqual({ name: 'rubric', model: null });
    expect(Array.isArray(feedback.criteria)).toBe(true);
  });

  it('scoreAtOnce: the rubric feedback commits with the transcript, the same as the next hop would decide it', async () => {
    const who = await givenCandidate(p);
    const twoStep = await givenUpload(p, who, JFK);
    await startPipeline();
    await waitFor(async () => (await typesOf(twoStep)).includes('FeedbackScored'), 30_000);
    await transport!.stop();
    transport = null;

    const atOnce = await givenUpload(p, who, JFK);
    await startPipeline({ scoreAtOnce: true });
    await waitFor(async () => (await typesOf(atOnce)).includes('FeedbackScored'), 30_000);
    // The feedback handler still gets the transcript, finds the recording scored and decides nothing.
    const events = await streamOf(atOnce);
    await waitFor(() => outcomes.some(([h, id]) => h === 'feedback' && id === events[1]!.eventId), 30_000);
    const after = await streamOf(atOnce);
    expect(after.map((e) => e.type)).toEqual([
      'RecordingUploaded',
      'TranscriptProduced',
      'AudioDeleted',
      'FeedbackScored',
    ]);
    // One transaction for transcript, audio deletion and feedback, caused by the upload.
    expect(new Set(after.slice(1).map((e) => e.transactionId)).size).toBe(1);
    expect(after[3]!.metadata.causationId).toBe(after[0]!.eventId);
    const { scoredAt: _a, ...one } = only('FeedbackScored', after[3]).data;
    const { scoredAt: _b, ...other } = only('FeedbackScored', (await streamOf(twoStep))[3]).data;
    expect({ ...one, recordingId: twoStep }).toEqual(other);
    const [row] = await db.sql<{ status: string; overall: number }[]>`
      select status, overall from rm_recordings where recording_id = ${atOnce}`;
    expect(row).toMatchObject({ status: 'scored', overall: other.overall });
  });

  it('does not transcribe when consent was withdrawn, processing restricted or the subject erased', async () => {
    const withdrawn = await givenCandidate(p);
    const restricted = await givenCandidate(p);
    const erased = await givenCandidate(p);
    const never = await givenCandidate(p, { consent: false });
    const ids = {
      withdrawn: await givenUpload(p, withdrawn, JFK),
      restricted: await givenUpload(p, restricted, JFK),
      erased: await givenUpload(p, erased, JFK),
      never: await givenUpload(p, never, JFK),
    };
    await withdrawConsent(p, withdrawn.userId);
    await restrictProcessing(p, restricted.userId);
    await eraseSubject(
      { store: p.store, keys: p.keys, inline },
      {
        subjectId: erased.userId,
        reason: 'user_request',
        eventId: randomUUID(),
        now: new Date().toISOString(),
      },
    );
    // Erasure already removed the pending audio and its key.
    expect(await blobRows(ids.erased)).toBe(0);
    expect(await keyRows(ids.erased)).toBe(0);

    const callsBefore = engine.calls;
    await startPipeline();
    const expected = {
      withdrawn: 'consent_withdrawn',
      restricted: 'processing_restricted',
      erased: 'subject_erased',
      never: 'consent_withdrawn',
    } as const;
    for (const [k, reason] of Object.entries(expected)) {
      const id = ids[k as keyof typeof ids];
      await waitFor(async () => (await typesOf(id)).includes('AudioDeleted'), 20_000);
      const events = await streamOf(id);
      expect(events.map((e) => e.type)).toEqual([
        'RecordingUploaded',
        'RecordingProcessingSkipped',
        'AudioDeleted',
      ]);
      expect(events[2]!.data).toMatchObject({ reason, transcribedAt: null, blobExisted: k !== 'erased' });
      expect(await blobRows(id)).toBe(0);
      expect(await keyRows(id)).toBe(0);
    }
    expect(engine.calls).toBe(callsBefore); // the engine never heard any of it
    // Audio dropped for a withdrawn consent or a restriction goes back to the free trial (P31).
    const usedOf = async (userId: string) =>
      (await db.sql<{ used: number }[]>`select used from rm_trial_usage where user_id = ${userId}`)[0]?.used;
    expect(await usedOf(withdrawn.userId)).toBe(0);
    expect(await usedOf(restricted.userId)).toBe(0);
  });

  it('a withdrawal while the engine is working wins: the transcript is dropped and the audio deleted', async () => {
    const who = await givenCandidate(p);
    engine.hold();
    const inEngine = new Promise<void>((r) => (engine.entered = r));
    const recordingId = await givenUpload(p, who, JFK);
    await startPipeline();
    await inEngine;
    await withdrawConsent(p, who.userId);
    engine.release();
    await waitFor(async () => (await typesOf(recordingId)).includes('AudioDeleted'), 20_000);
    expect(await typesOf(recordingId)).toEqual([
      'RecordingUploaded',
      'RecordingProcessingSkipped',
      'AudioDeleted',
    ]);
    expect(await blobRows(recordingId)).toBe(0);
  });

  it('a withdrawal between transcript and scoring: no feedback, FeedbackSkipped says why', async () => {
    const who = await givenCandidate(p);
    const recordingId = await givenUpload(p, who, JFK);
    // Only transcription first, so the withdrawal lands between the two steps.
    const only = new EmbeddedTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      handlers: [transcriptionHandler({ blobs: p.blobs, inline, engine })],
      pollMs: 10,
    });
    await only.start();
    await waitFor(async () => (await typesOf(recordingId)).includes('AudioDeleted'), 30_000);
    await only.stop();
    await withdrawConsent(p, who.userId);
    await startPipeline();
    await waitFor(async () => (await typesOf(recordingId)).includes('FeedbackSkipped'), 30_000);
    expect(await typesOf(recordingId)).toEqual([
      'RecordingUploaded',
      'TranscriptProduced',
      'AudioDeleted',
      'FeedbackSkipped',
    ]);
    const [row] = await db.sql<{ status: string; status_detail: string }[]>`
      select status, status_detail from rm_recordings where recording_id = ${recordingId}`;
    expect(row).toEqual({
      status: 'skipped',
      status_detail: 'You had withdrawn your consent to recording analysis, so this answer was not analysed.',
    });
  });

  it('gives up after the last attempt of a transient failure, and at once on undecodable audio: audio deleted', async () => {
    const who = await givenCandidate(p);
    engine.failWith = new TransientTranscriptionError('engine unreachable');
    const transient = await givenUpload(p, who, JFK);
    const garbage = await givenUpload(p, who, Buffer.from('this is not audio at all'.repeat(20)));
    await startPipeline();
    for (const id of [transient, garbage]) {
      await waitFor(async () => (await typesOf(id)).includes('AudioDeleted'), 30_000);
      expect(await typesOf(id)).toEqual(['RecordingUploaded', 'TranscriptionFailed', 'AudioDeleted']);
      expect(await blobRows(id)).toBe(0);
    }
    const failed = (await streamOf(transient))[1]!;
    // A stable code and nothing of the engine's text (it reaches the candidate's screen otherwise).
    expect(failed.data).toMatchObject({ code: 'engine_unavailable' });
    expect(JSON.stringify(failed.data)).not.toContain('unreachable');
    expect((await streamOf(garbage))[1]!.data).toMatchObject({ code: 'audio_unreadable' });
    const dead = await db.sql`select 1 from dead_letters where consumer = 'handler:transcription'`;
    expect(dead).toHaveLength(0); // ended by a decision, not dead-lettered
    // The failed answers do not count against the free trial.
    const [usage] = await db.sql<
      { used: number }[]
    >`select used from rm_trial_usage where user_id = ${who.userId}`;
    expect(usage!.used).toBe(0);
  });

  it('refuses audio much longer than the duration it was uploaded with (the decoded length is the truth)', async () => {
    const who = await givenCandidate(p);
    const liar = await givenUpload(p, who, JFK, 'audio/wav', 2); // jfk.wav lasts 11 s
    const callsBefore = engine.calls;
    await startPipeline();
    await waitFor(async () => (await typesOf(liar)).includes('AudioDeleted'), 30_000);
    const events = await streamOf(liar);
    expect(events.map((e) => e.type)).toEqual(['RecordingUploaded', 'TranscriptionFailed', 'AudioDeleted']);
    expect(events[1]!.data).toMatchObject({ code: 'duration_mismatch' });
    expect(engine.calls).toBe(callsBefore);
  });

  it('is idempotent under redelivery: rewound checkpoints produce no second transcript, deletion or score', async () => {
    const who = await givenCandidate(p);
    const recordingId = await givenUpload(p, who, JFK);
    await startPipeline();
    await waitFor(async () => (await typesOf(recordingId)).includes('FeedbackScored'), 30_000);
    await transport!.stop();
    const before = (await db.sql<{ n: number }[]>`select count(*)::int as n from events`)[0]!.n;
    const callsBefore = engine.calls;
    await db.sql`update consumer_checkpoints set transaction_id = '0', global_position = 0
                  where consumer in ('handler:transcription', 'handler:feedback')`;
    outcomes.length = 0;
    await startPipeline();
    const [uploaded, transcript] = await streamOf(recordingId);
    await waitFor(
      () =>
        outcomes.some(([h, id]) => h === 'transcription' && id === uploaded!.eventId) &&
        outcomes.some(([h, id]) => h === 'feedback' && id === transcript!.eventId),
      20_000,
    );
    expect(outcomes.every(([, , o]) => o === 'duplicate')).toBe(true);
    expect(engine.calls).toBe(callsBefore);
    expect((await db.sql<{ n: number }[]>`select count(*)::int as n from events`)[0]!.n).toBe(before);
  });

  it('the sweeper deletes audio older than the maximum age, whatever happened', async () => {
    const who = await givenCandidate(p);
    const stale = await givenUpload(p, who, JFK);
    const fresh = await givenUpload(p, who, JFK);
    await db.sql`update audio_blobs set created_at = now() - interval '2 hours' where recording_id = ${stale}`;
    const swept = await sweepAudio({ blobs: p.blobs, inline, store: p.store, maxAgeMs: 30 * 60_000 });
    expect(swept).toBe(1);
    expect(await typesOf(stale)).toEqual(['RecordingUploaded', 'AudioDeleted']);
    expect((await streamOf(stale))[1]!.data).toMatchObject({ reason: 'max_age_exceeded', blobExisted: true });
    expect(await blobRows(stale)).toBe(0);
    expect(await keyRows(stale)).toBe(0);
    expect(await blobRows(fresh)).toBe(1);
    // Tidy: let the pipeline take the fresh one so other tests see no pending work.
    await startPipeline();
    await waitFor(async () => (await typesOf(fresh)).includes('AudioDeleted'), 30_000);
  });
});
