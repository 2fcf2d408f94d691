import { describe, expect, it } from 'vitest';
import type { TranscriptWord } from './port.js';
import { frameEnergies, planChunks, stitchChunks, type Chunk } from './segment.js';

const RATE = 16_000;

/** Synthetic speech: a "word" is a 440 Hz burst; between words, silence (or none at all). */
interface Burst {
  word: string;
  start: number;
  end: number;
}
const speech = (bursts: readonly Burst[], seconds: number): Buffer => {
  const pcm = Buffer.alloc(Math.round(seconds * RATE) * 2);
  for (const b of bursts) {
    for (let i = Math.round(b.start * RATE); i < Math.round(b.end * RATE); i++) {
      pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / RATE)), i * 2);
    }
  }
  return pcm;
};

/** Words of `dur` s separated by `gap` s of silence (every `longEvery`-th gap is 0.6 s), for `seconds`. */
const talk = (seconds: number, dur = 0.45, gap = 0.12, longEvery = 7): Burst[] => {
  const out: Burst[] = [];
  let t = 0.2;
  for (let n = 0; t + dur < seconds - 0.2; n++) {
    out.push({ word: `w${n}`, start: t, end: t + dur });
    t += dur + (n % longEvery === longEvery - 1 ? 0.6 : gap);
  }
  return out;
};

/**
 * A stand-in recogniser: it hears each burst of which at least half lies inside the part, with the times it
 * can see (clipped to the part), relative to the part's start.
 */
const hear = (bursts: readonly Burst[], c: Chunk): TranscriptWord[] => {
  const from = c.start / RATE;
  const to = c.end / RATE;
  return bursts.flatMap((b) => {
    const s = Math.max(b.start, from);
    const e = Math.min(b.end, to);
    return e - s >= 0.5 * (b.end - b.start) ? [{ word: b.word, start: s - from, end: e - from }] : [];
  });
};

const expectTiling = (chunks: readonly Chunk[], samples: number, maxSeconds: number) => {
  expect(chunks[0]!.ownStart).toBe(0);
  expect(chunks.at(-1)!.ownEnd).toBe(samples);
  chunks.forEach((c, i) => {
    if (i > 0) expect(c.ownStart).toBe(chunks[i - 1]!.ownEnd); // no gap, no overlap
    expect(c.ownEnd - c.ownStart).toBeGreaterThan(0);
    expect(c.ownEnd - c.ownStart).toBeLessThanOrEqual(maxSeconds * RATE);
    expect(c.start).toBeLessThanOrEqual(c.ownStart);
    expect(c.end).toBeGreaterThanOrEqual(c.ownEnd);
  });
};

const expectMonotonic = (words: readonly TranscriptWord[], seconds: number) => {
  let prevEnd = 0;
  for (const w of words) {
    expect(w.start).toBeGreaterThanOrEqual(prevEnd);
    expect(w.end).toBeGreaterThan(w.start);
    expect(w.end).toBeLessThanOrEqual(seconds);
    prevEnd = w.end;
  }
};

describe('planChunks: cutting long audio at its pauses', () => {
  it('leaves audio up to maxSeconds in one piece', () => {
    const pcm = speech(talk(19.9), 19.9);
    expect(planChunks(pcm, { maxSeconds: 20 })).toEqual([
      { start: 0, end: pcm.length / 2, ownStart: 0, ownEnd: pcm.length / 2 },
    ]);
  });

  it('cuts a 2-minute answer into parts of at most maxSeconds, each cut in a silence', () => {
    const seconds = 121;
    const bursts = talk(seconds);
    const pcm = speech(bursts, seconds);
    const chunks = planChunks(pcm, { maxSeconds: 20 });
    expect(chunks.length).toBeGreaterThanOrEqual(7);
    expect(chunks.length).toBeLessThanOrEqual(9);
    expectTiling(chunks, pcm.length / 2, 20);
    for (const c of chunks.slice(1)) {
      const t = c.ownStart / RATE;
      // the cut lies in a pause, not inside a word
      expect(bursts.some((b) => b.start < t && t < b.end)).toBe(false);
      expect(c.start).toBe(c.ownStart - 0.3 * RATE);
    }
  });

  it('prefers the longer pauses: cuts land in the 0.6 s gaps, not the 0.12 s ones', () => {
    const seconds = 90;
    const bursts = talk(seconds);
    const chunks = planChunks(speech(bursts, seconds), { maxSeconds: 20 });
    for (const c of chunks.slice(1)) {
      const t = c.ownStart / RATE;
      const before = bursts.filter((b) => b.end <= t).at(-1)!;
      const after = bursts.find((b) => b.start >= t)!;
      expect(after.start - before.end).toBeCloseTo(0.6, 5);
    }
  });

  it('still bounds the parts of speech with no pause at all', () => {
    const seconds = 65;
    const pcm = speech([{ word: 'hum', start: 0, end: seconds }], seconds);
    const chunks = planChunks(pcm, { maxSeconds: 20 });
    expect(chunks).toHaveLength(4);
    expectTiling(chunks, pcm.length / 2, 20);
  });

  it('reads samples at any byte offset (a WAV body is a subarray)', () => {
    const pcm = speech(talk(3), 3);
    const shifted = Buffer.concat([Buffer.alloc(1), pcm]).subarray(1);
    expect(Array.from(frameEnergies(shifted))).toEqual(Array.from(frameEnergies(pcm)));
  });
});

describe('stitchChunks: one transcript with the times of the whole audio', () => {
  it('keeps every word once, in order, at its real time (cuts in pauses)', () => {
    const seconds = 121;
    const bursts = talk(seconds);
    const chunks = planChunks(speech(bursts, seconds), { maxSeconds: 20 });
    const words = stitchChunks(
      chunks,
      chunks.map((c) => hear(bursts, c)),
      seconds,
    );
    expect(words.map((w) => w.word)).toEqual(bursts.map((b) => b.word));
    words.forEach((w, i) => {
      expect(w.start).toBeCloseTo(bursts[i]!.start, 2);
      expect(w.end).toBeCloseTo(bursts[i]!.end, 2);
    });
    expectMonotonic(words, seconds);
  });

  it('loses and doubles no word when a cut falls inside one (continuous speech)', () => {
    // words with no pause between them: every cut is inside or at the edge of a word
    const seconds = 70;
    const bursts = talk(seconds, 0.7, 0, 1000);
    const chunks = planChunks(speech(bursts, seconds), { maxSeconds: 20 });
    expect(chunks.length).toBeGreaterThan(1);
    // and cuts placed by hand in the middle, at a quarter, at three quarters of a word
    const samples = Math.round(seconds * RATE);
    const at = (t: number) => Math.round(t * RATE);
    const pad = at(0.3);
    for (const cutTimes of [
      [bursts[20]!.start + 0.35],
      [bursts[30]!.start + 0.175],
      [bursts[40]!.end - 0.175],
    ]) {
      const bounds = [0, ...cutTimes.map(at), samples];
      const byHand: Chunk[] = bounds.slice(0, -1).map((s, i) => ({
        ownStart: s,
        ownEnd: bounds[i + 1]!,
        start: Math.max(0, s - (i === 0 ? 0 : pad)),
        end: Math.min(samples, bounds[i + 1]! + (i === bounds.length - 2 ? 0 : pad)),
      }));
      for (const plan of [byHand, chunks]) {
        const words = stitchChunks(
          plan,
          plan.map((c) => hear(bursts, c)),
          seconds,
        );
        expect(words.map((w) => w.word)).toEqual(bursts.map((b) => b.word));
        expectMonotonic(words, seconds);
      }
    }
  });

  it('shifts each part by its start and never lets times run backwards or past the end', () => {
    const chunks: Chunk[] = [
      { start: 0, end: 10.3 * RATE, ownStart: 0, ownEnd: 10 * RATE },
      { start: 9.7 * RATE, end: 12 * RATE, ownStart: 10 * RATE, ownEnd: 12 * RATE },
    ];
    const words = stitchChunks(
      chunks,
      [
        [
          { word: 'a', start: 1, end: 2 },
          { word: 'b', start: 9.5, end: 9.9 },
          { word: 'pad', start: 10.1, end: 10.3 }, // midpoint in the next part's span: dropped here
        ],
        [
          { word: 'c', start: 0.25, end: 0.5 }, // 9.95–10.2: begins before b ends → clamped
          { word: 'd', start: 1.5, end: 2.6 }, // ends past the audio → clipped to 12
        ],
      ],
      12,
    );
    expect(words).toEqual([
      { word: 'a', start: 1, end: 2 },
      { word: 'b', start: 9.5, end: 9.9 },
      { word: 'c', start: 9.95, end: 10.2 },
      { word: 'd', start: 11.2, end: 12 },
    ]);
  });
});
