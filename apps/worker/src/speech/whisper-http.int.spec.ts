import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmToWav16k } from './decode.js';
import { PermanentTranscriptionError, TransientTranscriptionError } from './port.js';
import { parseVerboseJson, WhisperHttpEngine } from './whisper-http.js';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  fields: Record<string, string>;
  file?: { name: string; type: string; bytes: Buffer };
}
type Reply = (res: http.ServerResponse, seen: Seen) => void;

/** A real HTTP server speaking the Whisper protocol; each request takes the next scripted reply. */
const startServer = async (replies: Reply[]) => {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const s: Seen = {
          method: req.method ?? '',
          url: req.url ?? '',
          auth: req.headers.authorization,
          fields: {},
        };
        if (req.method === 'POST') {
          // real multipart parsing (undici's), not string matching
          const form = await new Request('http://x/', {
            method: 'POST',
            headers: { 'content-type': req.headers['content-type'] ?? '' },
            body: Buffer.concat(chunks),
          }).formData();
          for (const [k, v] of form.entries()) {
            if (typeof v === 'string') s.fields[k] = v;
            else s.file = { name: v.name, type: v.type, bytes: Buffer.from(await v.arrayBuffer()) };
          }
        }
        seen.push(s);
        const reply = replies.shift();
        if (reply) reply(res, s);
        // no reply left: never answer (timeout case)
      })();
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

const json =
  (status: number, body: unknown): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

const WAV = pcmToWav16k(Buffer.alloc(16_000)); // 0.5 s of silence
const OK_BODY = {
  task: 'transcribe',
  language: 'english',
  duration: 0.5,
  text: ' Ask not what your country can do for you.',
  words: [
    { word: 'Ask', start: 0.0, end: 0.2 },
    { word: 'not', start: 0.2, end: 0.4 },
  ],
  segments: [{ id: 0, start: 0, end: 0.5, text: ' Ask not what your country can do for you.' }],
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

describe('WhisperHttpEngine against a local Whisper-protocol server', () => {
  it('posts multipart with model, WAV file, verbose_json, word timestamps, language and bearer key', async () => {
    const s = await serve([json(200, OK_BODY)]);
    const engine = new WhisperHttpEngine({
      baseUrl: `${s.url}/`,
      apiKey: 'sk-test',
      model: 'whisper-large-v3',
      language: 'en',
    });
    const t = await engine.transcribe(WAV);
    expect(t).toEqual({
      text: 'Ask not what your country can do for you.',
      words: [
        { word: 'Ask', start: 0, end: 0.2 },
        { word: 'not', start: 0.2, end: 0.4 },
      ],
    });
    const [req] = s.seen;
    expect(req).toMatchObject({ method: 'POST', url: '/v1/audio/transcriptions', auth: 'Bearer sk-test' });
    expect(req?.fields).toEqual({
      model: 'whisper-large-v3',
      response_format: 'verbose_json',
      'timestamp_granularities[]': 'word',
      language: 'en',
    });
    expect(req?.file?.name).toBe('audio.wav');
    expect(req?.file?.type).toBe('audio/wav');
    expect(req?.file?.bytes.toString('ascii', 0, 4)).toBe('RIFF');
    expect(req?.file?.bytes.toString('ascii', 8, 12)).toBe('WAVE');
    expect(req?.file?.bytes.equals(WAV)).toBe(true);
    expect(engine.name).toBe('whisper-http');
    expect(engine.model).toBe('whisper-large-v3');
  });

  it('sends no Authorization header without a key and accepts a base URL ending in /v1', async () => {
    const s = await serve([json(200, { text: 'hello there' })]);
    const t = await new WhisperHttpEngine({ baseUrl: `${s.url}/v1` }).transcribe(WAV);
    expect(t).toEqual({ text: 'hello there', words: [] });
    expect(s.seen[0]?.auth).toBeUndefined();
    expect(s.seen[0]?.url).toBe('/v1/audio/transcriptions');
    expect(s.seen[0]?.fields.model).toBe('whisper-1');
    expect(s.seen[0]?.fields.language).toBeUndefined();
  });

  it('retries a 500 and then succeeds', async () => {
    const s = await serve([json(500, { error: { message: 'GPU fell over' } }), json(200, OK_BODY)]);
    const t = await new WhisperHttpEngine({ baseUrl: s.url, backoffMs: 10 }).transcribe(WAV);
    expect(t.words).toHaveLength(2);
    expect(s.seen).toHaveLength(2);
  });

  it('gives up after 3 attempts of 503/429 with a transient error', async () => {
    const s = await serve([
      json(503, { error: 'busy' }),
      json(429, { error: 'slow down' }),
      json(503, { error: 'busy' }),
    ]);
    const err = await new WhisperHttpEngine({ baseUrl: s.url, backoffMs: 5 })
      .transcribe(WAV)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientTranscriptionError);
    expect((err as Error).message).toContain('503: busy');
    expect(s.seen).toHaveLength(3);
  });

  it('400 → permanent error carrying the server message, no retry', async () => {
    const s = await serve([
      json(400, { error: { message: 'Audio file is too short', type: 'invalid_request_error' } }),
    ]);
    const err = await new WhisperHttpEngine({ baseUrl: s.url, backoffMs: 5 })
      .transcribe(WAV)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentTranscriptionError);
    expect((err as Error).message).toContain('400: Audio file is too short');
    expect(s.seen).toHaveLength(1);
  });

  it('a server that never answers → transient timeout error', async () => {
    const s = await serve([]);
    const started = Date.now();
    const err = await new WhisperHttpEngine({ baseUrl: s.url, timeoutMs: 300, maxAttempts: 2, backoffMs: 10 })
      .transcribe(WAV)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientTranscriptionError);
    expect((err as Error).message).toMatch(/timed out after 300 ms/);
    expect(s.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a caller abort is not retried and surfaces the abort reason', async () => {
    const s = await serve([]);
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('worker stopping')), 100);
    await expect(
      new WhisperHttpEngine({ baseUrl: s.url, timeoutMs: 10_000 }).transcribe(WAV, { signal: ac.signal }),
    ).rejects.toThrow('worker stopping');
    expect(s.seen).toHaveLength(1);
  });

  it('check(): reachable (even 401/404) passes; a closed port gives a clear error naming the URL', async () => {
    const s = await serve([json(401, { error: 'no key' })]);
    await expect(new WhisperHttpEngine({ baseUrl: s.url }).check()).resolves.toBeUndefined();
    expect(s.seen[0]).toMatchObject({ method: 'GET', url: '/v1/models' });

    const closed = await startServer([]);
    await closed.close();
    const err = await new WhisperHttpEngine({ baseUrl: closed.url }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`${closed.url}/v1/models`);
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect((err as Error).message).toContain('WHISPER_URL');
  });

  it('connection refused while transcribing is transient', async () => {
    const closed = await startServer([]);
    await closed.close();
    await expect(
      new WhisperHttpEngine({ baseUrl: closed.url, maxAttempts: 1 }).transcribe(WAV),
    ).rejects.toBeInstanceOf(TransientTranscriptionError);
  });
});

describe('parseVerboseJson', () => {
  it('spreads segment text evenly when the server gives no word timings', () => {
    expect(
      parseVerboseJson({
        text: 'one two three four',
        segments: [
          { start: 1, end: 2, text: ' one two' },
          { start: 2, end: 3.5, text: ' three four' },
        ],
      }).words,
    ).toEqual([
      { word: 'one', start: 1, end: 1.5 },
      { word: 'two', start: 1.5, end: 2 },
      { word: 'three', start: 2, end: 2.75 },
      { word: 'four', start: 2.75, end: 3.5 },
    ]);
  });
  it('rejects a body without text', () => {
    expect(() => parseVerboseJson({ words: [] })).toThrow(TransientTranscriptionError);
  });
});
