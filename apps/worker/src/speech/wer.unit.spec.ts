import { describe, expect, it } from 'vitest';
import { normaliseWords, wordErrorRate } from './wer.js';

describe('normaliseWords', () => {
  it('lower-cases, drops punctuation, keeps in-word apostrophes', () => {
    expect(normaliseWords('And so, my fellow Americans: "ask not"… Don’t!')).toEqual([
      'and',
      'so',
      'my',
      'fellow',
      'americans',
      'ask',
      'not',
      "don't",
    ]);
  });
  it('gives nothing for blank text', () => {
    expect(normaliseWords('  \n ')).toEqual([]);
  });
});

describe('wordErrorRate', () => {
  it('is 0 for identical texts regardless of case and punctuation', () => {
    expect(wordErrorRate('Ask not what your country can do.', 'ask not what your country can do').wer).toBe(
      0,
    );
  });
  it('counts substitutions, deletions and insertions', () => {
    const r = wordErrorRate('a b c d', 'a x c d e');
    expect(r).toMatchObject({
      substitutions: 1,
      deletions: 0,
      insertions: 1,
      referenceWords: 4,
      hypothesisWords: 5,
    });
    expect(r.wer).toBe(0.5);
    const d = wordErrorRate('a b c d', 'a d');
    expect(d).toMatchObject({ substitutions: 0, deletions: 2, insertions: 0 });
    expect(d.wer).toBe(0.5);
  });
  it('handles empty sides', () => {
    expect(wordErrorRate('', '').wer).toBe(0);
    expect(wordErrorRate('', 'hello').wer).toBe(1);
    expect(wordErrorRate('hello world', '').wer).toBe(1);
  });
  it('can exceed 1 with many insertions', () => {
    expect(wordErrorRate('hi', 'oh hi there you').wer).toBe(3);
  });
  it('measures the pocketsphinx JFK hypothesis', () => {
    const ref =
      'and so my fellow americans ask not what your country can do for you ask what you can do for your country';
    const hyp =
      'and all my fellow american and not what your country can do for you and what you can do for your country';
    expect(wordErrorRate(ref, hyp)).toMatchObject({
      substitutions: 4,
      deletions: 0,
      insertions: 0,
      referenceWords: 22,
    });
  });
});
