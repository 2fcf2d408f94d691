import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence, silentLogger, type Persistence } from '@tia/db';
import {
  createTestDatabase,
  speechFixture,
  TEST_MASTER_KEY,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { getQuestionById, modelGradingRequest, recording, scoreAnswer, type ModelGrades } from '@tia/domain';
import { readFileSync } from 'node:fs';
import { EmbeddedTransport } from '../transport/embedded.js';
import { feedbackHandler, transcriptionHandler } from '../handlers/practice.js';
import { givenCandidate, givenUpload, inline, ScriptedEngine } from '../handlers/practice-fixtures.js';
import { createModelGrader } from './grader.js';
import { llmEnvSchema } from './llm.js';

/** A real HTTP server speaking OpenAI's chat completions protocol; answers with `reply(requestBody)`. */
const startServer = async (reply: (body: ChatRequest) => { status: number; body: unknown }) => {
  const seen: ChatRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      seen.push(body);
      const r = reply(body);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.body));
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
interface ChatRequest {
  model: string;
  response_format: { json_schema: { name: string } };
  messages: { role: string; content: string }[];
}
const completion = (content: unknown) => ({
  status: 200,
  body: {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: typeof content === 'string' ? content : JSON.stringify(content),
        },
        finish_reason: 'stop',
      },
    ],
  },
});
const userMessage = (b: ChatRequest) => JSON.parse(b.messages[1]?.content ?? '{}') as Record<string, unknown>;

const question = getQuestionById('cb-teamwork-02');
if (!question) throw new Error('fixture question missing');
const TRANSCRIPT =
  'Last spring our release was two weeks late. I rebuilt the test plan and I paired with the new developer. As a result we shipped on 3 May.';

let servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('model grader against a local OpenAI-compatible server', () => {
  const request = () =>
    modelGradingRequest({
      question: question.text,
      competency: question.competency,
      transcript: TRANSCRIPT,
      score: scoreAnswer({ transcript: TRANSCRIPT, durationSeconds: 0, question }),
    });

  it('sends only the question, competency, key terms, criteria with anchors and transcript; keeps verbatim grades', async () => {
    const grades: ModelGrades = {
      criteria: [
        {
          id: 'star',
          score: 4,
          reason: 'Setting, actions and result.',
          evidence: ['I rebuilt the test plan'],
        },
        { id: 'result', score: 3, reason: 'A date, no measure.', evidence: ['we shipped on 3 May'] },
        { id: 'ownership', score: 5, reason: 'All I.', evidence: ['I single-handedly saved the company'] },
        { id: 'pace', score: 1, reason: 'Not asked.', evidence: [] },
      ],
    };
    const s = await startServer(() => completion(grades));
    servers.push(s);
    const grader = createModelGrader(llmEnvSchema.parse({ LLM_BASE_URL: s.url, LLM_MODEL: 'grader-test' }));
    const out = await grader!.grade(request());

    expect(out.accepted.map((g) => [g.id, g.score])).toEqual([
      ['star', 4],
      ['result', 3],
    ]);
    for (const g of out.accepted)
      for (const e of g.evidence) expect(TRANSCRIPT.slice(e.start, e.end)).toBe(e.text);
    expect(out.refused.map((r) => r.id)).toEqual(['ownership', 'pace']);
    expect(out.refused[0]?.why).toMatch(/verbatim/);

    const sent = s.seen[0]!;
    expect(sent.model).toBe('grader-test');
    expect(sent.response_format.json_schema.name).toBe('criterion_grades');
    const msg = userMessage(sent);
    expect(Object.keys(msg).sort()).toEqual([
      'competency',
      'criteria',
      'jobKeyTerms',
      'question',
      'transcript',
    ]);
    expect((msg.criteria as { id: string }[]).map((c) => c.id)).toEqual([
      'star',
      'result',
      'ownership',
      'competency',
      'substance',
    ]);
  });

  it('refuses an answer that does not match the schema (score out of range)', async () => {
    const s = await startServer(() =>
      completion({ criteria: [{ id: 'star', score: 7, reason: 'x', evidence: [] }] }),
    );
    servers.push(s);
    const grader = createModelGrader(llmEnvSchema.parse({ LLM_BASE_URL: s.url }));
    await expect(grader!.grade(request())).rejects.toThrow(/not valid criterion grades/);
  });
});

describe('feedback pipeline with the model grader (embedded transport, real PostgreSQL)', () => {
  let db: TestDatabase;
  let p: Persistence;
  beforeAll(async () => {
    db = await createTestDatabase();
    p = createPersistence(db.sql, TEST_MASTER_KEY);
  });
  afterAll(async () => db?.drop());

  it('combines rubric and model per criterion, says which grader scored each, and sends no identifiers', async () => {
    const engine = new ScriptedEngine({ text: TRANSCRIPT, words: [] });
    const s = await startServer((body) => {
      const asked = (userMessage(body).criteria as { id: string }[]).map((c) => c.id);
      return completion({
        criteria: asked.map((id) => ({
          id,
          score: 5,
          reason: `The model's view of ${id}.`,
          evidence: id === 'substance' ? ['made up quote'] : ['I rebuilt the test plan'],
        })),
      });
    });
    servers.push(s);
    const grader = createModelGrader(llmEnvSchema.parse({ LLM_BASE_URL: s.url, LLM_MODEL: 'grader-test' }));
    const who = await givenCandidate(p);
    const recordingId = await givenUpload(p, who, readFileSync(speechFixture()));
    const transport = new EmbeddedTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      handlers: [
        transcriptionHandler({ blobs: p.blobs, inline, engine }),
        feedbackHandler({ blobs: p.blobs, inline, enricher: null, grader }),
      ],
      pollMs: 10,
      baseDelayMs: 5,
    });
    await transport.start();
    try {
      await waitFor(
        async () =>
          (await p.store.readStream(recording.recordingStream(recordingId))).some(
            (e) => e.type === 'FeedbackScored',
          ),
        30_000,
      );
    } finally {
      await transport.stop();
    }
    const scored = (await p.store.readStream(recording.recordingStream(recordingId))).find(
      (e) => e.type === 'FeedbackScored',
    )!.data as unknown as recording.FeedbackData;
    expect(scored.engine).toEqual({ name: 'rubric+model', model: 'grader-test' });
    const byId = new Map(scored.criteria.map((c) => [c.id, c]));
    const star = byId.get('star')!;
    expect(star.grader).toBe('rubric+model');
    expect(star.model?.score).toBe(5);
    expect(star.gradersDiffer).toBe(Math.abs((star.rubricScore ?? 0) - 5) > 1);
    // the invented quote was refused: the rubric scored that criterion alone
    expect(byId.get('substance')?.grader).toBe('rubric');
    expect(byId.get('length')?.grader).toBe('rubric');

    const sent = JSON.stringify(s.seen);
    for (const id of [who.userId, who.sessionId, recordingId]) expect(sent).not.toContain(id);
    expect(Object.keys(userMessage(s.seen[0]!)).sort()).toEqual([
      'competency',
      'criteria',
      'jobKeyTerms',
      'question',
      'transcript',
    ]);
  });
});
