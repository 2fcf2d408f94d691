import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFeedbackEnricher, llmEnvSchema, type FeedbackInput } from './llm.js';

interface Seen {
  url: string;
  auth: string | undefined;
  body: unknown;
}
type Reply = { status: number; body: unknown } | 'hang';

/** A real HTTP server speaking OpenAI's chat completions protocol; scripted replies. */
const startServer = async (replies: Reply[]) => {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        url: req.url ?? '',
        auth: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      const r = replies.shift();
      if (!r || r === 'hang') return;
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
const completion = (content: string) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
});

const INPUT: FeedbackInput = {
  question: 'Tell me about a time you resolved a conflict in your team.',
  competency: 'teamwork',
  transcript: 'So in my last job two colleagues disagreed about the release plan and I set up a meeting',
  criteria: [
    { id: 'star_result', label: 'Result', score: 1, reason: 'No outcome stated', tip: 'Say what changed' },
  ],
};

let servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const serve = async (replies: Reply[]) => {
  const s = await startServer(replies);
  servers.push(s);
  return s;
};
const env = (over: Record<string, string>) => llmEnvSchema.parse(over);

describe('LLM feedback enricher against a local OpenAI-protocol server', () => {
  it('is null when LLM_BASE_URL is unset or empty', () => {
    expect(createFeedbackEnricher(env({}))).toBeNull();
    expect(createFeedbackEnricher(env({ LLM_BASE_URL: '' }))).toBeNull();
  });

  it('sends model, json_schema response_format, temperature and the transcript; returns trimmed tips', async () => {
    const s = await serve([
      {
        status: 200,
        body: completion(
          JSON.stringify({ tips: ['  State the result with a number. ', 'Name your own role.'] }),
        ),
      },
    ]);
    const enricher = createFeedbackEnricher(
      env({ LLM_BASE_URL: s.url, LLM_API_KEY: 'k1', LLM_MODEL: 'coach-7b' }),
    );
    expect(enricher?.model).toBe('coach-7b');
    await expect(enricher?.enrich(INPUT)).resolves.toEqual([
      'State the result with a number.',
      'Name your own role.',
    ]);

    const req = s.seen[0];
    expect(req?.url).toBe('/v1/chat/completions');
    expect(req?.auth).toBe('Bearer k1');
    expect(req?.body).toMatchObject({
      model: 'coach-7b',
      temperature: 0.2,
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'feedback_tips',
          strict: true,
          schema: {
            type: 'object',
            properties: { tips: { type: 'array', items: { type: 'string' } } },
            required: ['tips'],
            additionalProperties: false,
          },
        },
      },
    });
    const messages = (req?.body as { messages: { role: string; content: string }[] }).messages;
    expect(messages[0]?.role).toBe('system');
    expect(messages[0]?.content).toMatch(/interview coach/i);
    expect(messages[0]?.content).toMatch(/JSON only/);
    expect(messages[1]?.role).toBe('user');
    expect(messages[1]?.content).toContain(INPUT.transcript);
    expect(messages[1]?.content).toContain('No outcome stated');
  });

  it('throws on content that is not JSON, or JSON of the wrong shape', async () => {
    const s = await serve([
      { status: 200, body: completion('Sure! Here are some tips: be concise.') },
      { status: 200, body: completion(JSON.stringify({ tips: [] })) },
      { status: 200, body: completion(JSON.stringify({ tips: ['x'.repeat(401)] })) },
      { status: 200, body: completion(JSON.stringify({ tips: ['1', '2', '3', '4', '5', '6'] })) },
      { status: 200, body: { choices: [] } },
    ]);
    const e = createFeedbackEnricher(env({ LLM_BASE_URL: s.url }));
    // The model's own words never reach the error (it is logged, and model output can quote the transcript).
    const notJson = String(await e?.enrich(INPUT).catch((x: unknown) => x));
    expect(notJson).toMatch(/not JSON/);
    expect(notJson).not.toMatch(/be concise/);
    await expect(e?.enrich(INPUT)).rejects.toThrow(/no tips/);
    await expect(e?.enrich(INPUT)).rejects.toThrow(/400 characters/);
    await expect(e?.enrich(INPUT)).rejects.toThrow(/more than 5/);
    await expect(e?.enrich(INPUT)).rejects.toThrow(/unexpected response/);
    expect(s.seen[0]?.auth).toBeUndefined();
  });

  it('retries once on 5xx/429, then gives up', async () => {
    const s = await serve([
      { status: 503, body: { error: 'loading model' } },
      { status: 200, body: completion('{"tips":["Close with the outcome."]}') },
      { status: 429, body: { error: 'rate' } },
      { status: 500, body: { error: 'boom' } },
      { status: 400, body: { error: { message: 'bad model' } } },
    ]);
    const e = createFeedbackEnricher(env({ LLM_BASE_URL: s.url }), { retryDelayMs: 5 });
    await expect(e?.enrich(INPUT)).resolves.toEqual(['Close with the outcome.']);
    await expect(e?.enrich(INPUT)).rejects.toThrow(/500/);
    const refused = String(await e?.enrich(INPUT).catch((x: unknown) => x));
    expect(refused).toMatch(/400/);
    expect(refused).not.toMatch(/bad model/); // response bodies are not quoted
    expect(s.seen).toHaveLength(5);
  });

  it('times out a server that never answers', async () => {
    const s = await serve(['hang', 'hang']);
    const e = createFeedbackEnricher(env({ LLM_BASE_URL: s.url, LLM_TIMEOUT_MS: '1000' }), {
      retryDelayMs: 5,
    });
    await expect(e?.enrich(INPUT)).rejects.toThrow(/timed out after 1000 ms/);
    expect(s.seen).toHaveLength(2);
  });
});
