import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asInline, createPersistence, INLINE_PROJECTIONS } from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import type { registers } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedbackEnricher, llmEnvSchema, type FeedbackInput } from '../feedback/llm.js';
import { pcmToWav16k } from '../speech/decode.js';
import { TransientTranscriptionError } from '../speech/port.js';
import { WhisperHttpEngine } from '../speech/whisper-http.js';
import { gateEngine, gateEnricher, ProcessorNotCovered } from './gate.js';

/** A real HTTP server: Whisper's verbose_json on /v1/audio/transcriptions, a 500 on anything else. */
const startServer = async () => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push(req.url ?? '');
      if (req.url?.includes('/audio/transcriptions')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ text: ' Tell me about yourself.', words: [] }));
      } else {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not in this test' }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startServer>>;
const WAV = pcmToWav16k(Buffer.alloc(16_000));

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/** What the console's "save" does: one RegisterEntrySaved, projected inline. */
const saveProcessor = async (entryId: string, over: Partial<registers.Processor>) => {
  const { store } = createPersistence(db.sql, TEST_MASTER_KEY);
  const now = new Date().toISOString();
  const fields: registers.Processor = {
    name: 'Speech recognition service',
    purpose: 'Transcribe answers',
    dataShared: ['Audio of one answer'],
    endpoints: [],
    location: 'EU (Frankfurt)',
    dpaSignedOn: '2026-11-01',
    lastAuditOn: null,
    status: 'active',
    ...over,
  };
  await store.append(
    `register-processor-${entryId}`,
    'any',
    [
      {
        eventId: randomUUID(),
        type: 'RegisterEntrySaved',
        data: { register: 'processor', entryId, fields, savedBy: 'officer-1', savedAt: now },
        metadata: { occurredAt: now },
      },
    ],
    { inline: INLINE_PROJECTIONS.map(asInline) },
  );
};

describe('processor gating in the worker', () => {
  it('sends no audio to the Whisper endpoint until an active processor entry covers it', async () => {
    const engine = gateEngine(
      new WhisperHttpEngine({ baseUrl: server.url, maxAttempts: 1 }),
      db.sql,
      server.url,
    );
    // The defaults list the speech service, but suspended and without an endpoint.
    await expect(engine.transcribe(WAV)).rejects.toThrow(TransientTranscriptionError);
    await expect(engine.transcribe(WAV)).rejects.toThrow(
      /No active processor entry covers http:\/\/127\.0\.0\.1/,
    );
    expect(server.seen).toEqual([]);

    // An entry for another port of the same host does not cover it.
    await saveProcessor('speech-recognition', { endpoints: ['http://127.0.0.1:1'] });
    await expect(engine.transcribe(WAV)).rejects.toThrow(TransientTranscriptionError);
    expect(server.seen).toEqual([]);

    await saveProcessor('speech-recognition', { endpoints: [`${server.url}/v1`] });
    expect((await engine.transcribe(WAV)).text).toBe('Tell me about yourself.');
    expect(server.seen).toHaveLength(1);

    // Terminated in the console: the very next call is refused.
    await saveProcessor('speech-recognition', { endpoints: [server.url], status: 'terminated' });
    await expect(engine.transcribe(WAV)).rejects.toThrow(TransientTranscriptionError);
    expect(server.seen).toHaveLength(1);
  });

  it('sends no transcript to the language model endpoint until covered', async () => {
    const env = llmEnvSchema.parse({ LLM_BASE_URL: `${server.url}/llm`, LLM_TIMEOUT_MS: 2000 });
    const enricher = gateEnricher(
      createFeedbackEnricher(env, { retryDelayMs: 1 })!,
      db.sql,
      env.LLM_BASE_URL!,
    );
    const input: FeedbackInput = {
      question: 'Tell me about yourself.',
      competency: 'Communication',
      transcript: 'I have led a small team for two years.',
      criteria: [],
    };
    const before = server.seen.length;
    await expect(enricher.enrich(input)).rejects.toThrow(ProcessorNotCovered);
    expect(server.seen.length).toBe(before);

    await saveProcessor('language-model', { name: 'Language model', endpoints: [server.url] });
    // Now the request goes out (this test server answers 500: the call fails, but data was allowed out).
    await expect(enricher.enrich(input)).rejects.not.toThrow(ProcessorNotCovered);
    expect(server.seen.slice(before).some((u) => u.endsWith('/v1/chat/completions'))).toBe(true);
  });
});
