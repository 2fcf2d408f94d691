import { z } from 'zod';
import {
  PermanentTranscriptionError,
  TransientTranscriptionError,
  type Transcript,
  type TranscriptionEngine,
  type TranscriptWord,
} from './port.js';

/** Options of the Whisper-compatible HTTP adapter. */
export interface WhisperHttpOptions {
  /** Server base URL, e.g. `http://whisper:8000` (a trailing `/v1` is accepted too). */
  baseUrl: string;
  apiKey?: string;
  /** Default 'whisper-1'. */
  model?: string;
  /** ISO-639-1 hint, e.g. 'en'; omitted when unset. */
  language?: string;
  /** Per attempt; default 120 000 ms. */
  timeoutMs?: number;
  /** Default 3. */
  maxAttempts?: number;
  /** First backoff delay, doubled per retry; default 500 ms. */
  backoffMs?: number;
}

const Word = z.object({ word: z.string(), start: z.number(), end: z.number() });
const Segment = z.object({ start: z.number(), end: z.number(), text: z.string() });
const VerboseJson = z.object({
  text: z.string(),
  words: z.array(Word).nullish(),
  segments: z.array(Segment).nullish(),
});
const ErrorBody = z.object({ error: z.union([z.string(), z.object({ message: z.string() })]) });

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Spreads a segment's words evenly over its time span (servers that give segments but no word timings). */
export const wordsFromSegments = (segments: z.infer<typeof Segment>[]): TranscriptWord[] =>
  segments.flatMap((s) => {
    const tokens = s.text.trim().split(/\s+/).filter(Boolean);
    const step = tokens.length ? Math.max(0, s.end - s.start) / tokens.length : 0;
    return tokens.map((word, i) => ({
      word,
      start: round3(s.start + i * step),
      end: round3(s.start + (i + 1) * step),
    }));
  });

/** Turns a verbose_json body into a Transcript: `words` if given, else from `segments`, else text only. */
export const parseVerboseJson = (body: unknown): Transcript => {
  const r = VerboseJson.safeParse(body);
  if (!r.success)
    throw new TransientTranscriptionError(`unexpected transcription response: ${r.error.message}`);
  const { text, words, segments } = r.data;
  const ws = words?.length
    ? words.map((w) => ({ word: w.word.trim(), start: w.start, end: w.end })).filter((w) => w.word)
    : segments?.length
      ? wordsFromSegments(segments)
      : [];
  return { text: text.trim(), words: ws };
};

const serverMessage = (raw: string): string => {
  try {
    const e = ErrorBody.safeParse(JSON.parse(raw));
    if (e.success) return typeof e.data.error === 'string' ? e.data.error : e.data.error.message;
  } catch {
    // not JSON
  }
  // Not the body itself: a non-JSON answer may echo what was said.
  return raw.trim() === '' ? '(empty body)' : `(non-JSON body, ${raw.length} characters, not logged)`;
};

const isTransientStatus = (s: number) => s >= 500 || s === 408 || s === 429;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Base URL without trailing slashes or `/v1`, so `${base}/v1/...` is always right. */
export const normaliseBaseUrl = (u: string): string => u.replace(/\/+$/, '').replace(/\/v1$/, '');

/**
 * Transcription through any server speaking OpenAI's `POST /v1/audio/transcriptions` (OpenAI, faster-whisper-server,
 * whisper.cpp server, LocalAI …). Transient failures are retried with exponential backoff; 4xx (but 408/429) is
 * permanent and carries the server's message.
 */
export class WhisperHttpEngine implements TranscriptionEngine {
  readonly name = 'whisper-http';
  readonly model: string;
  private readonly base: string;

  constructor(private readonly opts: WhisperHttpOptions) {
    this.base = normaliseBaseUrl(opts.baseUrl);
    this.model = opts.model ?? 'whisper-1';
  }

  private headers(): Record<string, string> {
    return this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {};
  }

  async check(): Promise<void> {
    const url = `${this.base}/v1/models`;
    try {
      // any HTTP answer (even 401/404) proves the server is reachable; auth/model problems surface per request
      const res = await fetch(url, { headers: this.headers(), signal: AbortSignal.timeout(10_000) });
      await res.body?.cancel();
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
      throw new Error(
        `Whisper server not reachable at ${url} (${e instanceof Error ? e.message : String(e)}${cause ? `: ${cause}` : ''}). ` +
          'Check WHISPER_URL (and that the server runs), or set TRANSCRIPTION_ENGINE=pocketsphinx.',
      );
    }
  }

  async transcribe(wav: Buffer, opts: { signal?: AbortSignal } = {}): Promise<Transcript> {
    const max = this.opts.maxAttempts ?? 3;
    let last: Error = new TransientTranscriptionError('not attempted');
    for (let attempt = 1; attempt <= max; attempt++) {
      try {
        return await this.once(wav, opts.signal);
      } catch (e) {
        if (!(e instanceof TransientTranscriptionError)) throw e;
        last = e;
        if (attempt < max) await sleep((this.opts.backoffMs ?? 500) * 2 ** (attempt - 1), opts.signal);
      }
    }
    throw last;
  }

  private async once(wav: Buffer, callerSignal?: AbortSignal): Promise<Transcript> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(wav)], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.model);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    if (this.opts.language) form.append('language', this.opts.language);
    const timeoutMs = this.opts.timeoutMs ?? 120_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
    const url = `${this.base}/v1/audio/transcriptions`;
    let res: Response;
    let raw: string;
    try {
      res = await fetch(url, { method: 'POST', headers: this.headers(), body: form, signal });
      raw = await res.text();
    } catch (e) {
      if (callerSignal?.aborted) throw callerSignal.reason instanceof Error ? callerSignal.reason : e;
      if (timeout.aborted)
        throw new TransientTranscriptionError(`transcription timed out after ${timeoutMs} ms (${url})`);
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      throw new TransientTranscriptionError(
        `transcription request to ${url} failed (${e instanceof Error ? e.message : String(e)}${cause})`,
      );
    }
    if (!res.ok) {
      const msg = `transcription server answered ${res.status}: ${serverMessage(raw)}`;
      throw isTransientStatus(res.status)
        ? new TransientTranscriptionError(msg)
        : new PermanentTranscriptionError(msg, 'engine');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new TransientTranscriptionError(
        `transcription server sent non-JSON (${raw.length} characters, not logged)`,
      );
    }
    return parseVerboseJson(body);
  }
}
