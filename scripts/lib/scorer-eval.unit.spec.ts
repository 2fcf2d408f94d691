import { describe, expect, it } from 'vitest';
import { wordErrorRate } from '../../apps/worker/src/speech/wer.js';
import {
  averageRanks,
  engineStyle,
  quadraticWeightedKappa,
  simulateRecognition,
  spearman,
} from './scorer-eval.js';

const ANSWER =
  'In 2023 I ran the returns desk at a furniture shop in Leeds, and refunds took 12 days. I rewrote the returns form and I trained four colleagues. As a result, refunds took 5 days and complaints fell by 40%.';

describe('scorer:eval statistics', () => {
  it('given ties, then ranks are averaged', () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
  });

  it('given the same order, then ρ is 1; reversed, −1; with ties, the textbook value', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [40, 30, 20, 10])).toBeCloseTo(-1);
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8);
  });

  it('given perfect, chance-free and opposite ratings, then quadratic κ is 1, and negative for opposites', () => {
    expect(quadraticWeightedKappa([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])).toBeCloseTo(1);
    expect(quadraticWeightedKappa([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBeLessThan(0);
    // one-point disagreements cost little with quadratic weights
    expect(quadraticWeightedKappa([1, 2, 3, 4, 5, 5], [2, 2, 3, 4, 4, 5])).toBeGreaterThan(0.85);
  });
});

describe('scorer:eval recognition model', () => {
  it('given a typed answer, then the engine style is lower case, unpunctuated, with numbers as words', () => {
    expect(engineStyle('As a result, complaints fell by 40% in 2023.').join(' ')).toBe(
      'as a result complaints fell by forty percent in two thousand twenty three',
    );
  });

  it('given a seed, then the simulated transcript is deterministic and its error rate is near the target', () => {
    const a = simulateRecognition(ANSWER, { wer: 0.28, seed: 'x' });
    expect(simulateRecognition(ANSWER, { wer: 0.28, seed: 'x' })).toBe(a);
    expect(simulateRecognition(ANSWER, { wer: 0.28, seed: 'y' })).not.toBe(a);
    // pooled over many seeds the measured WER (same scorer as speech:eval) is close to 0.28
    const ref = engineStyle(ANSWER).join(' ');
    let total = 0;
    const n = 40;
    for (let i = 0; i < n; i++)
      total += wordErrorRate(ref, simulateRecognition(ANSWER, { wer: 0.28, seed: `s${i}` })).wer;
    expect(total / n).toBeGreaterThan(0.2);
    expect(total / n).toBeLessThan(0.34);
  });
});
