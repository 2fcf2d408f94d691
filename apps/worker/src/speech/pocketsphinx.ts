import { access, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mapStop, pcmSeconds, wav16kPcm } from './decode.js';
import {
  TransientTranscriptionError,
  type Transcript,
  type TranscriptionEngine,
  type TranscriptWord,
} from './port.js';
import { RunStoppedError, runProcess, stderrTail } from './run.js';
import { planChunks, stitchChunks } from './segment.js';
import { makeScratchDir } from './scratch.js';

/** Options of the pocketsphinx adapter; the defaults match Debian's `pocketsphinx` + `pocketsphinx-en-us`. */
export interface PocketsphinxOptions {
  /** Default `pocketsphinx_batch` (on PATH). */
  binary?: string;
  /** Directory holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  /** Whole-call timeout floor; the effective timeout is max(this, 30 s + 3 × the audio length). */
  timeoutMs?: number;
  /**
   * Recogniser processes run at once by this engine, over all its calls (default: the machine's cores).
   * Audio longer than `chunkSeconds` is cut at pauses and its parts are recognised in parallel.
   */
  concurrency?: number;
  /** Longest part of a long recording handed to one recogniser process (default 20 s). */
  chunkSeconds?: number;
}

/** At most `limit` tasks at once; the rest wait in order. */
export class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const INSTALL_HINT = 'apt-get install pocketsphinx pocketsphinx-en-us';

/** `utt 1 <start> <duration> <word> <confidence>` lines of pocketsphinx's CTM output → words, fillers dropped. */
export const parseCtm = (ctm: string): TranscriptWord[] => {
  const words: TranscriptWord[] = [];
  for (const line of ctm.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const start = Number(f[2]);
    const dur = Number(f[3]);
    const word = cleanToken(f[4] ?? '');
    if (!word || !Number.isFinite(start) || !Number.isFinite(dur)) continue;
    words.push({ word, start: round2(start), end: round2(start + dur) });
  }
  return words;
};

/** Drops silence/filler tokens (`<s>`, `<sil>`, `[NOISE]`, `++UH++`) and strips alternate markers (`and(2)`). */
export const cleanToken = (token: string): string | null => {
  const t = token.replace(/\(\d+\)$/, '');
  if (!t || /^[<[+]/.test(t)) return null;
  return t.toLowerCase();
};

const round2 = (n: number) => Math.round(n * 100) / 100;
const JSGF_SAFE = /^[^\s;=|*+<>()[\]{}/"\\]+$/;

/**
 * Local, offline transcription with CMU pocketsphinx (Debian bookworm: 0.8+5prealpha, `pocketsphinx_batch`).
 * Audio longer than `chunkSeconds` is cut at its pauses (`planChunks`) and the parts are recognised in
 * parallel (`concurrency` processes), then stitched with their times shifted back (`stitchChunks`).
 * Each part gets two passes in one private scratch dir (removed on success and failure; a killed worker's
 * is swept at its next start):
 *  1. recognition with the en-us n-gram model and VAD silence removal (best accuracy; but removed silence shifts
 *     the reported word times),
 *  2. forced alignment of the recognised words (JSGF grammar, no silence removal) for real word timings; if the
 *     alignment fails or disagrees, the pass-1 timings are kept.
 */
export class PocketsphinxEngine implements TranscriptionEngine {
  readonly name = 'pocketsphinx';
  readonly model = 'en-us';
  private readonly binary: string;
  private readonly modelDir: string;
  private readonly slots: Slots;
  private readonly chunkSeconds: number;

  constructor(private readonly opts: PocketsphinxOptions = {}) {
    this.binary = opts.binary ?? 'pocketsphinx_batch';
    this.modelDir = opts.modelDir ?? DEFAULT_MODEL_DIR;
    this.slots = new Slots(Math.max(1, opts.concurrency ?? os.availableParallelism()));
    this.chunkSeconds = opts.chunkSeconds ?? 20;
  }

  private modelArgs(): string[] {
    return [
      '-hmm',
      path.join(this.modelDir, 'en-us'),
      '-dict',
      path.join(this.modelDir, 'cmudict-en-us.dict'),
    ];
  }

  async check(): Promise<void> {
    try {
      // without -ctl it prints its usage and exits 1: only "cannot be spawned" matters here
      await runProcess(this.binary, [], { timeoutMs: 10_000 });
    } catch (e) {
      throw new Error(
        `pocketsphinx (${this.binary}) cannot be run: ${e instanceof Error ? e.message : String(e)}. ` +
          `Install it (${INSTALL_HINT}) or set TRANSCRIPTION_ENGINE=whisper-http with WHISPER_URL.`,
      );
    }
    const needed = ['en-us/mdef', 'en-us/means', 'en-us.lm.bin', 'cmudict-en-us.dict'].map((f) =>
      path.join(this.modelDir, f),
    );
    for (const f of needed) {
      try {
        await access(f);
      } catch {
        throw new Error(`pocketsphinx en-us model file missing: ${f}. Install it: ${INSTALL_HINT}`);
      }
    }
  }

  async transcribe(wav: Buffer, opts: { signal?: AbortSignal } = {}): Promise<Transcript> {
    const pcm = wav16kPcm(wav);
    const seconds = pcmSeconds(pcm.length);
    if (pcm.length < 3200) return { text: '', words: [] }; // < 0.1 s: nothing to recognise
    const deadline = Date.now() + Math.max(this.opts.timeoutMs ?? 0, 30_000 + 3_000 * seconds);
    const chunks = planChunks(pcm, { maxSeconds: this.chunkSeconds });
    const dir = await makeScratchDir('sphinx');
    // one failing part stops the others: its error is the answer, their processes are killed
    const stop = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal;
    try {
      const parts = await Promise.allSettled(
        chunks.map((c, i) =>
          this.slots
            .run(async () => {
              if (signal.aborted) throw signal.reason;
              const part = pcm.subarray(c.start * 2, c.end * 2);
              return this.transcribePart(dir, `c${i}`, part, { deadline, signal });
            })
            .catch((e: unknown) => {
              if (!stop.signal.aborted) stop.abort(e);
              throw e;
            }),
        ),
      );
      const failed = parts.find((p) => p.status === 'rejected');
      if (failed) {
        // the caller's abort wins over the errors it caused
        if (opts.signal?.aborted)
          throw mapStop(new RunStoppedError('aborted', this.binary, ''), opts.signal, 'pocketsphinx');
        throw stop.signal.reason ?? failed.reason;
      }
      const words = stitchChunks(
        chunks,
        parts.map((p) => (p.status === 'fulfilled' ? p.value : [])),
        seconds,
      );
      return { text: words.map((w) => w.word).join(' '), words };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Both passes over one part of the audio (files `<id>.*` in `dir`); word times are from the part's start.
   */
  private async transcribePart(
    dir: string,
    id: string,
    pcm: Buffer,
    o: { deadline: number; signal: AbortSignal },
  ): Promise<TranscriptWord[]> {
    if (pcm.length < 3200) return [];
    const seconds = pcmSeconds(pcm.length);
    await writeFile(path.join(dir, `${id}.raw`), pcm, { mode: 0o600 });
    await writeFile(path.join(dir, `${id}.ctl`), `${id}\n`, { mode: 0o600 });
    const common = [
      '-adcin',
      'yes',
      '-samprate',
      '16000',
      '-cepdir',
      dir,
      '-cepext',
      '.raw',
      '-ctl',
      `${id}.ctl`,
    ];

    const p1 = await this.run(
      dir,
      [...common, ...this.lmArgs(), '-ctm', `${id}.pass1.ctm`, '-logfn', `${id}.pass1.log`],
      o,
    );
    if (!p1.ok) {
      throw new TransientTranscriptionError(
        `pocketsphinx failed (exit ${p1.exit}): ${await this.log(dir, `${id}.pass1`)}`,
      );
    }
    const recognised = parseCtm(await readFile(path.join(dir, `${id}.pass1.ctm`), 'utf8').catch(() => ''));
    if (recognised.length === 0) return [];
    const text = recognised.map((w) => w.word).join(' ');
    const words = recognised.map((w) => ({
      ...w,
      start: Math.min(w.start, seconds),
      end: Math.min(w.end, seconds),
    }));
    if (!recognised.every((w) => JSGF_SAFE.test(w.word))) return words;

    await writeFile(path.join(dir, `${id}.jsgf`), `#JSGF V1.0;\ngrammar utt;\npublic <utt> = ${text};\n`, {
      mode: 0o600,
    });
    const p2 = await this.run(
      dir,
      [
        ...common,
        '-jsgf',
        `${id}.jsgf`,
        '-remove_silence',
        'no',
        '-ctm',
        `${id}.pass2.ctm`,
        '-logfn',
        `${id}.pass2.log`,
      ],
      o,
    );
    if (!p2.ok) return words;
    const aligned = parseCtm(await readFile(path.join(dir, `${id}.pass2.ctm`), 'utf8').catch(() => ''));
    const same =
      aligned.length === recognised.length && aligned.every((w, i) => w.word === recognised[i]?.word);
    if (!same) return words;
    return aligned.map((w) => ({
      word: w.word,
      start: Math.min(w.start, seconds),
      end: Math.min(w.end, seconds),
    }));
  }

  private lmArgs(): string[] {
    return ['-lm', path.join(this.modelDir, 'en-us.lm.bin')];
  }

  private async run(
    dir: string,
    args: string[],
    o: { deadline: number; signal?: AbortSignal },
  ): Promise<{ ok: boolean; exit: string }> {
    const timeoutMs = o.deadline - Date.now();
    if (timeoutMs <= 0) throw new TransientTranscriptionError('pocketsphinx timed out');
    try {
      const r = await runProcess(this.binary, [...this.modelArgs(), ...args], {
        timeoutMs,
        signal: o.signal,
        cwd: dir,
      });
      return { ok: r.code === 0, exit: String(r.code ?? r.signal) };
    } catch (e) {
      throw mapStop(e, o.signal, 'pocketsphinx');
    }
  }

  private async log(dir: string, pass: string): Promise<string> {
    const log = await readFile(path.join(dir, `${pass}.log`), 'utf8').catch(() => '');
    const important = log
      .split('\n')
      .filter((l) => /^(ERROR|FATAL)/.test(l))
      .join('\n');
    return stderrTail(important || log) || 'no log';
  }
}
