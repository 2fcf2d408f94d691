import { describe, expect, it } from 'vitest';
import { createTranscriptionEngine, speechEnvSchema } from './config.js';
import { llmEnvSchema } from '../feedback/llm.js';

describe('speech env', () => {
  it('defaults to pocketsphinx with sane settings', () => {
    const env = speechEnvSchema.parse({});
    expect(env).toEqual({
      TRANSCRIPTION_ENGINE: 'pocketsphinx',
      WHISPER_MODEL: 'whisper-1',
      WHISPER_LANGUAGE: 'en',
      TRANSCRIPTION_TIMEOUT_MS: 120_000,
      TRANSCRIPTION_CHUNK_SECONDS: 20,
      SPEECH_ENGINE_MISSING: 'fail',
      SPEECH_RECHECK_SECONDS: 60,
    });
    expect(createTranscriptionEngine(env)).toMatchObject({ name: 'pocketsphinx', model: 'en-us' });
  });

  it('whisper-http without WHISPER_URL is a clear start-up error', () => {
    const env = speechEnvSchema.parse({ TRANSCRIPTION_ENGINE: 'whisper-http', WHISPER_URL: '' });
    expect(() => createTranscriptionEngine(env)).toThrow(
      /TRANSCRIPTION_ENGINE=whisper-http needs WHISPER_URL/,
    );
  });

  it('builds the whisper-http engine from env', () => {
    const env = speechEnvSchema.parse({
      TRANSCRIPTION_ENGINE: 'whisper-http',
      WHISPER_URL: 'http://whisper:8000',
      WHISPER_MODEL: 'Systran/faster-whisper-small.en',
      TRANSCRIPTION_TIMEOUT_MS: '30000',
    });
    expect(createTranscriptionEngine(env)).toMatchObject({
      name: 'whisper-http',
      model: 'Systran/faster-whisper-small.en',
    });
  });

  it('reads the parallel-transcription settings (concurrency unset → the cores)', () => {
    const env = speechEnvSchema.parse({ TRANSCRIPTION_CONCURRENCY: '3', TRANSCRIPTION_CHUNK_SECONDS: '15' });
    expect(env).toMatchObject({ TRANSCRIPTION_CONCURRENCY: 3, TRANSCRIPTION_CHUNK_SECONDS: 15 });
    expect(
      speechEnvSchema.parse({ TRANSCRIPTION_CONCURRENCY: '' }).TRANSCRIPTION_CONCURRENCY,
    ).toBeUndefined();
    expect(speechEnvSchema.safeParse({ TRANSCRIPTION_CONCURRENCY: '0' }).success).toBe(false);
    expect(speechEnvSchema.safeParse({ TRANSCRIPTION_CHUNK_SECONDS: '2' }).success).toBe(false);
  });

  it('rejects bad values', () => {
    expect(speechEnvSchema.safeParse({ TRANSCRIPTION_ENGINE: 'vosk' }).success).toBe(false);
    expect(speechEnvSchema.safeParse({ WHISPER_URL: 'not a url' }).success).toBe(false);
    expect(llmEnvSchema.safeParse({ LLM_BASE_URL: 'nope' }).success).toBe(false);
    expect(llmEnvSchema.parse({})).toEqual({ LLM_MODEL: 'gpt-4o-mini', LLM_TIMEOUT_MS: 20_000 });
  });
});
