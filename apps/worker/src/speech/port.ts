/** One recognised word with its position in the audio, in seconds from the start. */
export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
}

/** What a transcription engine returns: the full text and its words with timings (possibly empty). */
export interface Transcript {
  text: string;
  words: TranscriptWord[];
}

/** A speech-to-text engine (local pocketsphinx, or a Whisper-compatible HTTP server). */
export interface TranscriptionEngine {
  /** 'pocketsphinx' | 'whisper-http' */
  readonly name: string;
  /** e.g. 'en-us' or 'whisper-1' */
  readonly model: string;
  /** wav: 16 kHz mono 16-bit PCM WAV (what decodeToWav16k gives). */
  transcribe(wav: Buffer, opts?: { signal?: AbortSignal }): Promise<Transcript>;
  /** Throws a clear, actionable Error when the engine cannot run (binary/model missing, server unreachable). */
  check(): Promise<void>;
}

/** Retrying cannot help (undecodable audio, HTTP 4xx other than 408/429). */
export class PermanentTranscriptionError extends Error {
  override name = 'PermanentTranscriptionError';
  /** What was at fault: the audio itself (the default) or the engine (e.g. a refused request). */
  constructor(
    message: string,
    readonly fault: 'audio' | 'engine' = 'audio',
  ) {
    super(message);
  }
}

/** Worth retrying later (timeout, HTTP 5xx/408/429, connection refused). */
export class TransientTranscriptionError extends Error {
  override name = 'TransientTranscriptionError';
}
