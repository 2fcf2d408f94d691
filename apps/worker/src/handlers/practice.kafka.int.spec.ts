/**
 * The practice pipeline over the real broker: upload → relay → Kafka → transcription handler → relay → Kafka →
 * feedback handler, with the real pocketsphinx engine when it is installed. Skipped only when no broker is
 * reachable and CI is not set (in CI a missing broker fails the run).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence, silentLogger, type Persistence } from '@tia/db';
import {
  createTestDatabase,
  only,
  speechFixture,
  TEST_MASTER_KEY,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { recording } from '@tia/domain';
import { KafkaTransport } from '../transport/kafka.js';
import { skipKafkaTests, TEST_BROKERS } from '../kafka/testing.js';
import { createTranscriptionEngine } from '../speech/config.js';
import { feedbackHandler, transcriptionHandler } from './practice.js';
import { givenCandidate, givenUpload, inline } from './practice-fixtures.js';

const brokers = TEST_BROKERS;
const skip = await skipKafkaTests('the practice pipeline over Kafka');

const JFK = readFileSync(speechFixture());

describe.skipIf(skip)('practice pipeline over Kafka with pocketsphinx', () => {
  let db: TestDatabase;
  let p: Persistence;
  beforeAll(async () => {
    db = await createTestDatabase();
    p = createPersistence(db.sql, TEST_MASTER_KEY);
  });
  afterAll(async () => db?.drop());

  it('turns an uploaded answer into a transcript, deletes the audio at once, and scores it', async () => {
    const engine = createTranscriptionEngine({
      TRANSCRIPTION_ENGINE: 'pocketsphinx',
      WHISPER_MODEL: 'whisper-1',
      WHISPER_LANGUAGE: 'en',
      TRANSCRIPTION_TIMEOUT_MS: 120_000,
    });
    const t = new KafkaTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      handlers: [
        transcriptionHandler({ blobs: p.blobs, inline, engine }),
        feedbackHandler({ blobs: p.blobs, inline, enricher: null }),
      ],
      cfg: { brokers, clientId: 'tia-test', topicPrefix: `tp${randomBytes(4).toString('hex')}.` },
    });
    await t.start();
    try {
      const who = await givenCandidate(p);
      const recordingId = await givenUpload(p, who, JFK);
      const stream = () => p.store.readStream(recording.recordingStream(recordingId));
      await waitFor(async () => (await stream()).some((e) => e.type === 'FeedbackScored'), 90_000);
      const events = await stream();
      expect(events.map((e) => e.type)).toEqual([
        'RecordingUploaded',
        'TranscriptProduced',
        'AudioDeleted',
        'FeedbackScored',
      ]);
      const [, transcript, deleted, scored] = events;
      expect(only('TranscriptProduced', transcript).data.engine).toEqual({
        name: 'pocketsphinx',
        model: expect.any(String) as string,
      });
      expect(JSON.stringify(only('TranscriptProduced', transcript).data.text).toLowerCase()).toContain(
        'country',
      );
      expect(deleted!.transactionId).toBe(transcript!.transactionId);
      expect(await db.sql`select 1 from audio_blobs where recording_id = ${recordingId}`).toHaveLength(0);
      expect(only('FeedbackScored', scored).data.overall).toEqual(expect.any(Number));
    } finally {
      await t.stop();
    }
  }, 240_000); // a real speech engine: minutes on a loaded 2-core machine, seconds on a quiet one
});
