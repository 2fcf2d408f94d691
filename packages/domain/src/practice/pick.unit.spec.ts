import { describe, expect, it } from 'vitest';
import { pickQuestions } from './pick';
import { createRng, hashString, mulberry32, shuffle } from './prng';

describe('seeded PRNG', () => {
  it('given the same seed, when drawing, then the sequence is identical', () => {
    const a = mulberry32(1234);
    const b = mulberry32(1234);
    const seqA = Array.from({ length: 5 }, () => a());
    const seqB = Array.from({ length: 5 }, () => b());
    expect(seqA).toEqual(seqB);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('given different seeds, when drawing, then the sequences differ', () => {
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });

  it('given 10 000 draws, then the mean is close to 0.5', () => {
    const rng = createRng('session-42');
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += rng();
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });

  it('given a string, then FNV-1a matches its reference value', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
  });

  it('given a shuffle, then it is a permutation and does not mutate its input', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffle(input, mulberry32(7));
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort((x, y) => x - y)).toEqual(input);
  });
});

describe('pickQuestions', () => {
  it('given the same seed, when picking twice, then the same questions come back in the same order', () => {
    const a = pickQuestions({ track: 'competency', count: 8, seed: 99 });
    const b = pickQuestions({ track: 'competency', count: 8, seed: 99 });
    expect(a.map((q) => q.id)).toEqual(b.map((q) => q.id));
  });

  it('given different seeds, when picking, then the selection differs', () => {
    const a = pickQuestions({ track: 'competency', count: 8, seed: 1 }).map((q) => q.id);
    const b = pickQuestions({ track: 'competency', count: 8, seed: 2 }).map((q) => q.id);
    expect(a).not.toEqual(b);
  });

  it('given 7 questions on the competency track, then all 7 competencies are covered once', () => {
    const picked = pickQuestions({ track: 'competency', count: 7, seed: 'abc' });
    expect(new Set(picked.map((q) => q.competency)).size).toBe(7);
  });

  it('given 12 questions on the YPP track, then each of the 6 competencies appears exactly twice', () => {
    const picked = pickQuestions({ track: 'ypp', count: 12, seed: 5 });
    const counts = new Map<string, number>();
    for (const q of picked) counts.set(q.competency, (counts.get(q.competency) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2, 2, 2, 2]);
  });

  it('given a count larger than the bank, then every question is returned once and none repeats', () => {
    const picked = pickQuestions({ track: 'ypp', count: 500, seed: 3 });
    expect(picked).toHaveLength(62);
    expect(new Set(picked.map((q) => q.id)).size).toBe(62);
  });

  it('given a competency filter, then only that competency is picked', () => {
    const picked = pickQuestions({ track: 'ypp', count: 5, seed: 3, competency: 'wbg-smart-decisions' });
    expect(picked).toHaveLength(5);
    expect(picked.every((q) => q.competency === 'wbg-smart-decisions')).toBe(true);
  });

  it('given a competency of another track, then it throws', () => {
    expect(() =>
      pickQuestions({ track: 'competency', count: 2, seed: 1, competency: 'wbg-knowledge' }),
    ).toThrow(RangeError);
  });

  it('given a negative or fractional count, then it throws; zero returns nothing', () => {
    expect(() => pickQuestions({ track: 'competency', count: -1, seed: 1 })).toThrow(RangeError);
    expect(() => pickQuestions({ track: 'competency', count: 1.5, seed: 1 })).toThrow(RangeError);
    expect(pickQuestions({ track: 'competency', count: 0, seed: 1 })).toEqual([]);
  });
});
