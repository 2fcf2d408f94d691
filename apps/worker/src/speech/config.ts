import { z } from 'zod';
import { ffmpegAvailable } from './decode.js';
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
});
/** Validated speech settings. */
export type SpeechEnv = z.infer<typeof speechEnvSchema>;

/** The engine chosen by TRANSCRIPTION_ENGINE; throws a start-up error when its settings are incomplete. */
export const createTranscriptionEngine = (env: SpeechEnv): TranscriptionEngine => {
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
  return new PocketsphinxEngine({ timeoutMs: env.TRANSCRIPTION_TIMEOUT_MS });
};

/** Start-up check: the engine can run and ffmpeg is installed; the error says what to install or set. */
export async function assertEngineReady(engine: TranscriptionEngine): Promise<void> {
  try {
    await engine.check();
  } catch (e) {
    throw new Error(
      `Transcription engine '${engine.name}' (${engine.model}) is not ready: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  await ffmpegAvailable();
}
