import { access, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mapStop, pcmSeconds, wav16kPcm } from './decode.js';
import {
  TransientTranscriptionError,
  type Transcript,
  type TranscriptionEngine,
  type TranscriptWord,
} from './port.js';
import { runProcess, stderrTail } from './run.js';
import { makeScratchDir } from './scratch.js';

/** Options of the pocketsphinx adapter; the defaults match Debian's `pocketsphinx` + `pocketsphinx-en-us`. */
export interface PocketsphinxOptions {
  /** Default `pocketsphinx_batch` (on PATH). */
  binary?: string;
  /** Directory holding `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  /** Whole-call timeout floor; the effective timeout is max(this, 30 s + 3 × the audio length). */
  timeoutMs?: number;
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
 * Two passes over a private temp dir:
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

  constructor(private readonly opts: PocketsphinxOptions = {}) {
    this.binary = opts.binary ?? 'pocketsphinx_batch';
    this.modelDir = opts.modelDir ?? DEFAULT_MODEL_DIR;
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
    const dir = await makeScratchDir('sphinx');
    try {
      await writeFile(path.join(dir, 'utt.raw'), pcm, { mode: 0o600 });
      await writeFile(path.join(dir, 'ctl'), 'utt\n', { mode: 0o600 });
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
        'ctl',
      ];

      const p1 = await this.run(
        dir,
        [...common, ...this.lmArgs(), '-ctm', 'pass1.ctm', '-logfn', 'pass1.log'],
        {
          deadline,
          signal: opts.signal,
        },
      );
      if (!p1.ok) {
        throw new TransientTranscriptionError(
          `pocketsphinx failed (exit ${p1.exit}): ${await this.log(dir, 'pass1')}`,
        );
      }
      const recognised = parseCtm(await readFile(path.join(dir, 'pass1.ctm'), 'utf8').catch(() => ''));
      if (recognised.length === 0) return { text: '', words: [] };
      const text = recognised.map((w) => w.word).join(' ');
      const words = recognised.map((w) => ({
        ...w,
        start: Math.min(w.start, seconds),
        end: Math.min(w.end, seconds),
      }));
      if (!recognised.every((w) => JSGF_SAFE.test(w.word))) return { text, words };

      await writeFile(path.join(dir, 'align.jsgf'), `#JSGF V1.0;\ngrammar utt;\npublic <utt> = ${text};\n`, {
        mode: 0o600,
      });
      const p2 = await this.run(
        dir,
        [
          ...common,
          '-jsgf',
          'align.jsgf',
          '-remove_silence',
          'no',
          '-ctm',
          'pass2.ctm',
          '-logfn',
          'pass2.log',
        ],
        { deadline, signal: opts.signal },
      );
      if (!p2.ok) return { text, words };
      const aligned = parseCtm(await readFile(path.join(dir, 'pass2.ctm'), 'utf8').catch(() => ''));
      const same =
        aligned.length === recognised.length && aligned.every((w, i) => w.word === recognised[i]?.word);
      if (!same) return { text, words };
      return {
        text,
        words: aligned.map((w) => ({
          word: w.word,
          start: Math.min(w.start, seconds),
          end: Math.min(w.end, seconds),
        })),
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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
