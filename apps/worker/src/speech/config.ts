import { z } from 'zod';
import { ffmpegAvailable } from './decode.js';
import { FFMPEG_INSTALL_HINT } from './ffmpeg.js';
import { PocketsphinxEngine } from './pocketsphinx.js';
import type { TranscriptionEngine } from './port.js';
import { WhisperHttpEngine } from './whisper-http.js';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** Speech settings of the worker environment; merge with `Env.extend(speechEnvSchema.shape)`. */
export const speechEnvSchema = z.object({
  TRANSCRIPTION_ENGINE: z.enum(['pocketsphinx', 'whisper-http']).default('pocketsphinx'),
  WHISPER_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, message: 'WHISPER_URL must be an http(s) URL, e.g. http://whisper:8000' })
      .optional(),
  ),
  WHISPER_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  WHISPER_MODEL: z.string().min(1).default('whisper-1'),
  WHISPER_LANGUAGE: z.string().min(1).default('en'),
  /** whisper-http: per request; pocketsphinx: the minimum (raised to 30 s + 3 × audio length for long audio). */
  TRANSCRIPTION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  /**
   * pocketsphinx: recogniser processes at once (the parts of a long answer run in parallel); unset → the
   * machine's cores (`os.availableParallelism()`).
   */
  TRANSCRIPTION_CONCURRENCY: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(64).optional(),
  ),
  /** pocketsphinx: answers longer than this are cut at pauses into parts of at most this many seconds. */
  TRANSCRIPTION_CHUNK_SECONDS: z.coerce.number().int().min(5).max(600).default(20),
  /**
   * What the worker does when the engine (or ffmpeg) cannot run at start: `fail` (refuse to start: the
   * default, for deployments) or `degrade` (start anyway, record transcription as unavailable so the web
   * app refuses recordings with a clear message, re-check every SPEECH_RECHECK_SECONDS; `npm start`).
   */
  SPEECH_ENGINE_MISSING: z.enum(['fail', 'degrade']).default('fail'),
  SPEECH_RECHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});
/** Validated speech settings. */
export type SpeechEnv = z.infer<typeof speechEnvSchema>;

/** The engine chosen by TRANSCRIPTION_ENGINE; throws a start-up error when its settings are incomplete. */
export const createTranscriptionEngine = (
  env: Omit<SpeechEnv, 'SPEECH_ENGINE_MISSING' | 'SPEECH_RECHECK_SECONDS' | 'TRANSCRIPTION_CHUNK_SECONDS'> &
    Partial<Pick<SpeechEnv, 'TRANSCRIPTION_CHUNK_SECONDS'>>,
): TranscriptionEngine => {
  if (env.TRANSCRIPTION_ENGINE === 'whisper-http') {
    if (!env.WHISPER_URL) {
      throw new Error(
        'TRANSCRIPTION_ENGINE=whisper-http needs WHISPER_URL (base URL of a Whisper-compatible server, ' +
          'e.g. http://whisper:8000; WHISPER_API_KEY if it requires one), or use TRANSCRIPTION_ENGINE=pocketsphinx.',
      );
    }
    return new WhisperHttpEngine({
      baseUrl: env.WHISPER_URL,
      apiKey: env.WHISPER_API_KEY,
      model: env.WHISPER_MODEL,
      language: env.WHISPER_LANGUAGE,
      timeoutMs: env.TRANSCRIPTION_TIMEOUT_MS,
    });
  }
  return new PocketsphinxEngine({
    timeoutMs: env.TRANSCRIPTION_TIMEOUT_MS,
    concurrency: env.TRANSCRIPTION_CONCURRENCY,
    chunkSeconds: env.TRANSCRIPTION_CHUNK_SECONDS,
  });
};

/** The result of checking that speech can be processed; `installHint` is for operators. */
export type SpeechCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly installHint: string };

/** What makes this engine available, for operators. */
export const engineInstallHint = (engine: TranscriptionEngine): string =>
  engine.name === 'pocketsphinx'
    ? 'apt-get install pocketsphinx pocketsphinx-en-us'
    : `start the Whisper-compatible server the worker is configured with (WHISPER_URL), or use TRANSCRIPTION_ENGINE=pocketsphinx`;

/** Checks the engine, then ffmpeg; never throws. */
export async function checkSpeech(engine: TranscriptionEngine): Promise<SpeechCheck> {
  try {
    await engine.check();
  } catch (e) {
    return {
      ok: false,
      reason: `Transcription engine '${engine.name}' (${engine.model}) is not ready: ${e instanceof Error ? e.message : String(e)}`,
      installHint: engineInstallHint(engine),
    };
  }
  try {
    await ffmpegAvailable();
  } catch (e) {
    return {
      ok: false,
      reason: e instanceof Error ? e.message : String(e),
      installHint: FFMPEG_INSTALL_HINT,
    };
  }
  return { ok: true };
}

/** Start-up check: the engine can run and ffmpeg is installed; the error says what to install or set. */
export async function assertEngineReady(engine: TranscriptionEngine): Promise<void> {
  const c = await checkSpeech(engine);
  if (!c.ok) throw new Error(`${c.reason}. Install: ${c.installHint}`);
}
