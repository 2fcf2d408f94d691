import type { TranscriptWord } from './port.js';

/** Samples per second of the PCM these functions read (16 kHz mono 16-bit little-endian). */
const RATE = 16_000;
/** Energy frames of 10 ms. */
const FRAME = RATE / 100;

/** One piece of a long recording: samples [start, end) are fed to the engine; words are kept in [ownStart, ownEnd). */
export interface Chunk {
  /** First and one-past-last sample handed to the engine (the owned span plus a pad each side). */
  start: number;
  end: number;
  /** The span, in samples, whose words this chunk keeps; spans tile the audio with no gap and no overlap. */
  ownStart: number;
  ownEnd: number;
}

/** How `planChunks` cuts. */
export interface ChunkPlanOptions {
  /** No chunk owns more than this many seconds (default 20). */
  maxSeconds?: number;
  /** Audio on each side of a cut that both neighbours see (default 0.3 s): a word cut in two is whole in one. */
  padSeconds?: number;
  /** Length of the quiet window searched for (default 0.3 s). */
  quietSeconds?: number;
}

/**
 * Mean energy of each 10 ms frame of 16-bit PCM (one pass, no allocation per sample). Reads little-endian
 * samples itself, so a Buffer at any byte offset works.
 */
export const frameEnergies = (pcm: Buffer): Float64Array => {
  const samples = Math.floor(pcm.length / 2);
  const frames = Math.ceil(samples / FRAME);
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const from = f * FRAME;
    const to = Math.min(samples, from + FRAME);
    let sum = 0;
    for (let i = from; i < to; i++) {
      const s = pcm.readInt16LE(i * 2);
      sum += s * s;
    }
    out[f] = to > from ? sum / (to - from) : 0;
  }
  return out;
};

/**
 * Cuts 16 kHz PCM into chunks of at most `maxSeconds` at its quietest moments: for each cut, the window of
 * `quietSeconds` with the least energy between 0.6 and 1.4 × the even share of the remaining audio (never
 * past maxSeconds) — a pause between words or phrases, found with prefix sums in O(samples). Each chunk
 * also sees `padSeconds` beyond its cuts, so a word that straddles a cut (continuous speech, no pause) is
 * heard whole by one neighbour; `stitchChunks` keeps each word once, by the chunk that owns its midpoint.
 */
export const planChunks = (pcm: Buffer, opts: ChunkPlanOptions = {}): Chunk[] => {
  const maxSeconds = opts.maxSeconds ?? 20;
  const pad = Math.round((opts.padSeconds ?? 0.3) * RATE);
  const samples = Math.floor(pcm.length / 2);
  const maxFrames = Math.max(1, Math.floor(maxSeconds * 100));
  const energy = frameEnergies(pcm);
  const frames = energy.length;
  if (frames <= maxFrames) return [{ start: 0, end: samples, ownStart: 0, ownEnd: samples }];

  const win = Math.max(1, Math.round((opts.quietSeconds ?? 0.3) * 100));
  const prefix = new Float64Array(frames + 1);
  for (let f = 0; f < frames; f++) prefix[f + 1] = prefix[f]! + energy[f]!;
  const windowEnergy = (f: number) => prefix[Math.min(frames, f + win)]! - prefix[f]!;

  const cuts: number[] = []; // in frames
  let from = 0;
  while (frames - from > maxFrames) {
    const parts = Math.ceil((frames - from) / maxFrames);
    const share = (frames - from) / parts;
    const lo = from + Math.max(1, Math.floor(0.6 * share));
    const hi = Math.min(from + maxFrames, from + Math.ceil(1.4 * share));
    // the cut is the middle of the quietest window whose middle lies in [lo, hi]; among windows about as
    // quiet (within 5 %), the one nearest the even share, so parts stay balanced across the processes
    const target = from + share;
    const energyAt = (mid: number) => windowEnergy(Math.max(0, mid - Math.floor(win / 2)));
    let least = Infinity;
    for (let mid = lo; mid <= hi; mid++) least = Math.min(least, energyAt(mid));
    let best = -1;
    for (let mid = lo; mid <= hi; mid++) {
      if (energyAt(mid) > least * 1.05) continue;
      if (best < 0 || Math.abs(mid - target) < Math.abs(best - target)) best = mid;
    }
    cuts.push(best);
    from = best;
  }

  const bounds = [0, ...cuts.map((f) => Math.min(samples, f * FRAME)), samples];
  const chunks: Chunk[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const ownStart = bounds[i]!;
    const ownEnd = bounds[i + 1]!;
    chunks.push({
      ownStart,
      ownEnd,
      start: Math.max(0, ownStart - (i === 0 ? 0 : pad)),
      end: Math.min(samples, ownEnd + (i + 2 === bounds.length ? 0 : pad)),
    });
  }
  return chunks;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Joins the words of each chunk (times relative to the chunk's first sample) into one list with times from
 * the start of the audio: each word is shifted by its chunk's start and kept only by the chunk owning its
 * midpoint. A word cut by a cut is heard, clipped differently, by both neighbours in their shared pad; when
 * the last word kept from one chunk and the first kept from the next overlap by half the shorter, they are
 * one word and the longer (more complete) hearing stays. Times never go backwards and never pass
 * `totalSeconds`.
 */
export const stitchChunks = (
  chunks: readonly Chunk[],
  transcripts: readonly (readonly TranscriptWord[])[],
  totalSeconds: number,
): TranscriptWord[] => {
  const kept: (TranscriptWord & { chunk: number })[] = [];
  chunks.forEach((c, i) => {
    const offset = c.start / RATE;
    const ownStart = c.ownStart / RATE;
    const ownEnd = c.ownEnd / RATE;
    const last = i === chunks.length - 1;
    let first = true;
    for (const w of transcripts[i] ?? []) {
      const start = w.start + offset;
      const end = w.end + offset;
      const mid = (start + end) / 2;
      if (mid < ownStart || (mid >= ownEnd && !last)) continue;
      const prev = kept.at(-1);
      if (first && prev && prev.chunk === i - 1) {
        const overlap = Math.min(prev.end, end) - Math.max(prev.start, start);
        const shorter = Math.min(prev.end - prev.start, end - start);
        if (overlap > 0 && overlap >= 0.5 * shorter) {
          first = false;
          if (end - start > prev.end - prev.start)
            kept[kept.length - 1] = { word: w.word, start, end, chunk: i };
          continue;
        }
      }
      first = false;
      kept.push({ word: w.word, start, end, chunk: i });
    }
  });
  const words: TranscriptWord[] = [];
  let prevEnd = 0;
  for (const w of kept) {
    const s = Math.min(totalSeconds, Math.max(w.start, prevEnd));
    const e = Math.min(totalSeconds, Math.max(w.end, s + 0.01));
    words.push({ word: w.word, start: round2(s), end: round2(e) });
    prevEnd = e;
  }
  return words;
};
