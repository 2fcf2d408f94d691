import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PermanentTranscriptionError, TransientTranscriptionError } from './port.js';
import { FFMPEG_INSTALL_HINT, ffmpegCommand } from './ffmpeg.js';
import { RunStoppedError, runProcess, startProcess, stderrTail, type StartedProcess } from './run.js';
import { makeScratchDir } from './scratch.js';

/** Sample rate of everything handed to transcription engines. */
export const SAMPLE_RATE = 16_000;
const BYTES_PER_SECOND = SAMPLE_RATE * 2;

/** A canonical 44-byte-header WAV (16 kHz, mono, 16-bit little-endian PCM) around raw PCM bytes. */
export const pcmToWav16k = (pcm: Buffer): Buffer => {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(SAMPLE_RATE, 24);
  h.writeUInt32LE(BYTES_PER_SECOND, 28);
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
};

/**
 * The PCM bytes of a 16 kHz mono 16-bit WAV (any chunk layout; a streamed `data` size of 0 or 0xFFFFFFFF means
 * "to the end"). Anything else → PermanentTranscriptionError.
 */
export const wav16kPcm = (wav: Buffer): Buffer => {
  const bad = (why: string) => new PermanentTranscriptionError(`not a 16 kHz mono 16-bit PCM WAV: ${why}`);
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE')
    throw bad('missing RIFF/WAVE header');
  let fmtOk = false;
  let off = 12;
  while (off + 8 <= wav.length) {
    const id = wav.toString('ascii', off, off + 4);
    const size = wav.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (body + 16 > wav.length) throw bad('truncated fmt chunk');
      const format = wav.readUInt16LE(body);
      const channels = wav.readUInt16LE(body + 2);
      const rate = wav.readUInt32LE(body + 4);
      const bits = wav.readUInt16LE(body + 14);
      if ((format !== 1 && format !== 0xfffe) || channels !== 1 || rate !== SAMPLE_RATE || bits !== 16)
        throw bad(`format ${format}, ${channels} channel(s), ${rate} Hz, ${bits} bit`);
      fmtOk = true;
    } else if (id === 'data') {
      if (!fmtOk) throw bad('data chunk before fmt chunk');
      const end = size === 0 || size === 0xffffffff ? wav.length : Math.min(wav.length, body + size);
      const pcm = wav.subarray(body, end);
      return pcm.length % 2 === 0 ? pcm : pcm.subarray(0, pcm.length - 1);
    }
    off = body + size + (size % 2);
  }
  throw bad('no data chunk');
};

/** Duration of 16 kHz mono 16-bit PCM bytes, in seconds. */
export const pcmSeconds = (pcmBytes: number): number => pcmBytes / BYTES_PER_SECOND;

/** Options of `decodeToWav16k`. */
export interface DecodeOptions {
  signal?: AbortSignal;
  /** Kill ffmpeg after this long (default 60 s) → TransientTranscriptionError. */
  timeoutMs?: number;
  /** Refuse audio longer than this (default 900 s) → PermanentTranscriptionError; guards against bombs. */
  maxSeconds?: number;
}

/** Raw s16le + our own header: ffmpeg's piped WAV has 0xFFFFFFFF sizes and an extra LIST chunk. */
const OUTPUT_ARGS = [
  '-vn',
  '-ac',
  '1',
  '-ar',
  String(SAMPLE_RATE),
  '-f',
  's16le',
  '-acodec',
  'pcm_s16le',
  'pipe:1',
];
const inputArgs = (input: string) => ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', input];

/**
 * Containers ffmpeg decodes from a pipe, without seeking, by their first bytes: WAV (RIFF…WAVE), Ogg, WebM /
 * Matroska (EBML) — what browsers record, Safari's MP4 aside. MP4 may have its index at the end: a file.
 */
export const decodableFromPipe = (input: Buffer): boolean =>
  input.length >= 12 &&
  ((input.toString('latin1', 0, 4) === 'RIFF' && input.toString('latin1', 8, 12) === 'WAVE') ||
    input.toString('latin1', 0, 4) === 'OggS' ||
    input.readUInt32BE(0) === 0x1a45dfa3);

/**
 * One ffmpeg started ahead, waiting on its stdin for the next answer: a dynamically linked ffmpeg spends most
 * of an 11 s answer's decoding time starting (≈ 40–90 ms of CPU loading ~200 shared libraries), which would
 * otherwise sit between an upload and its feedback. Started after each decode that used (or needed) it,
 * never while nothing is transcribed; an idle spare is a sleeping process (no CPU, no queries) and exits
 * with this process (its stdin closes). `closeDecoder()` kills it.
 */
let spare: StartedProcess | null = null;
let spareOff = false;

const takeDecoder = async (): Promise<StartedProcess> => {
  const cmd = await ffmpegCommand();
  const s = spare;
  spare = null;
  if (s?.alive()) return s;
  s?.kill();
  return startProcess(cmd, inputArgs('pipe:0').concat(OUTPUT_ARGS));
};

const refillDecoder = () => {
  if (spareOff || spare) return;
  ffmpegCommand()
    .then((cmd) => {
      if (!spareOff && !spare) spare = startProcess(cmd, inputArgs('pipe:0').concat(OUTPUT_ARGS));
    })
    // No spare (e.g. EMFILE, spawn refused): the next answer starts its own ffmpeg and reports the failure.
    .catch(() => undefined);
};

/** Kills the waiting ffmpeg, and (`keep: false`, the default) starts none again until `warmDecoder()`. */
export const closeDecoder = (opts: { keep?: boolean } = {}) => {
  spareOff = !opts.keep;
  spare?.kill();
  spare = null;
};

/** Whether an ffmpeg started ahead is waiting for the next answer (tests). */
export const decoderWaiting = (): boolean => spare?.alive() ?? false;

/** Starts an ffmpeg ahead for the next answer (the worker calls it when it runs transcription). */
export const warmDecoder = () => {
  spareOff = false;
  refillDecoder();
};

/**
 * Decodes any audio ffmpeg understands (webm/ogg opus, mp4/aac, wav …) to a 16 kHz mono 16-bit PCM WAV with a
 * canonical 44-byte header. WAV, Ogg and WebM go to an ffmpeg started ahead through its stdin
 * (`takeDecoder`); anything else (MP4, whose index may be at the end and cannot be read from a pipe) is
 * written to a private temp file (mode 0600, deleted afterwards) for an ffmpeg started now.
 * Undecodable input → PermanentTranscriptionError (with ffmpeg's message); timeout → TransientTranscriptionError;
 * caller abort → the signal's reason.
 */
export const decodeToWav16k = async (
  input: Buffer,
  opts: DecodeOptions = {},
): Promise<{ wav: Buffer; seconds: number }> => {
  if (input.length === 0) throw new PermanentTranscriptionError('empty audio upload');
  const maxSeconds = opts.maxSeconds ?? 900;
  const limits = {
    timeoutMs: opts.timeoutMs ?? 60_000,
    ...(opts.signal ? { signal: opts.signal } : {}),
    maxStdoutBytes: Math.ceil(maxSeconds * BYTES_PER_SECOND),
  };
  let r;
  if (decodableFromPipe(input)) {
    const decoder = await takeDecoder();
    try {
      r = await decoder.feed(input, limits);
    } catch (e) {
      throw mapStop(e, opts.signal, 'ffmpeg', maxSeconds);
    } finally {
      refillDecoder();
    }
  } else {
    const dir = await makeScratchDir('decode');
    try {
      const file = path.join(dir, 'input');
      await writeFile(file, input, { mode: 0o600 });
      try {
        r = await runProcess(await ffmpegCommand(), inputArgs(file).concat(OUTPUT_ARGS), limits);
      } catch (e) {
        throw mapStop(e, opts.signal, 'ffmpeg', maxSeconds);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (r.code !== 0) {
    throw new PermanentTranscriptionError(
      `ffmpeg could not decode the audio (exit ${r.code ?? r.signal}): ${stderrTail(r.stderr) || 'no message'}`,
    );
  }
  const pcm = r.stdout.length % 2 === 0 ? r.stdout : r.stdout.subarray(0, r.stdout.length - 1);
  if (pcm.length === 0) throw new PermanentTranscriptionError('the upload contains no audio samples');
  return { wav: pcmToWav16k(pcm), seconds: pcmSeconds(pcm.length) };
};

/** Maps a failed `runProcess` of a speech tool to the transcription error hierarchy. */
export const mapStop = (
  e: unknown,
  signal: AbortSignal | undefined,
  tool: string,
  maxSeconds?: number,
): unknown => {
  if (e instanceof RunStoppedError) {
    if (e.reason === 'aborted')
      return signal?.reason instanceof Error ? signal.reason : new Error(`${tool} aborted`);
    if (e.reason === 'output_limit')
      return new PermanentTranscriptionError(`audio longer than ${maxSeconds ?? '?'} s refused`);
    return new TransientTranscriptionError(`${tool} timed out`);
  }
  if (e instanceof Error && 'code' in e && e.code === 'ENOENT')
    return new Error(
      `${tool} is not installed (${tool === 'ffmpeg' ? FFMPEG_INSTALL_HINT : 'apt-get install pocketsphinx pocketsphinx-en-us'})`,
    );
  return e;
};

/** Resolves when `ffmpeg` can be run; otherwise throws an Error saying how to install it. */
export const ffmpegAvailable = async (): Promise<void> => {
  try {
    const r = await runProcess(await ffmpegCommand(), ['-hide_banner', '-version'], { timeoutMs: 10_000 });
    if (r.code !== 0) throw new Error(`exit ${r.code ?? r.signal}: ${stderrTail(r.stderr)}`);
  } catch (e) {
    throw new Error(
      `ffmpeg is needed to decode recordings but cannot be run (${e instanceof Error ? e.message : String(e)}); ` +
        `install it: ${FFMPEG_INSTALL_HINT}`,
    );
  }
};
