/** Lower-cases, drops punctuation (keeping in-word apostrophes) and splits into words. */
export const normaliseWords = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);

/** Word-level edit counts of a hypothesis against a reference. */
export interface WerResult {
  /** (substitutions + deletions + insertions) / reference words; 0 for two empty texts, 1 for empty ref + words. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
  hypothesisWords: number;
}

/** Word error rate: word-level Levenshtein distance on normalised words, divided by the reference length. */
export const wordErrorRate = (reference: string, hypothesis: string): WerResult => {
  const r = normaliseWords(reference);
  const h = normaliseWords(hypothesis);
  // dp[i][j] = [cost, subs, dels, ins] aligning r[0..i) with h[0..j)
  type Cell = [number, number, number, number];
  let prev: Cell[] = Array.from({ length: h.length + 1 }, (_, j): Cell => [j, 0, 0, j]);
  for (let i = 1; i <= r.length; i++) {
    const cur: Cell[] = [[i, 0, i, 0]];
    for (let j = 1; j <= h.length; j++) {
      const diag = prev[j - 1]!;
      const up = prev[j]!; // deletion of r[i-1]
      const left = cur[j - 1]!; // insertion of h[j-1]
      const same = r[i - 1] === h[j - 1];
      const candidates: Cell[] = [
        same ? [diag[0], diag[1], diag[2], diag[3]] : [diag[0] + 1, diag[1] + 1, diag[2], diag[3]],
        [up[0] + 1, up[1], up[2] + 1, up[3]],
        [left[0] + 1, left[1], left[2], left[3] + 1],
      ];
      cur.push(candidates.reduce((a, b) => (b[0] < a[0] ? b : a)));
    }
    prev = cur;
  }
  const [cost, substitutions, deletions, insertions] = prev[h.length]!;
  const wer = r.length === 0 ? (h.length === 0 ? 0 : 1) : cost / r.length;
  return { wer, substitutions, deletions, insertions, referenceWords: r.length, hypothesisWords: h.length };
};
