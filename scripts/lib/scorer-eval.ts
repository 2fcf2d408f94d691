/**
 * Pure helpers of `npm run scorer:eval`: rank correlation, quadratic-weighted kappa, and a deterministic
 * model of the offline speech engine's output (lower case, no punctuation, numbers spoken as words, and
 * word errors at a given rate) used to measure how much the rubric moves on recognition errors.
 */
import { toCardinal } from 'n2words/en-US';
import { createRng } from '@tia/domain';

/** Ranks (1 = smallest), ties get the mean of the ranks they span. */
export const averageRanks = (values: readonly number[]): number[] => {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length).fill(0);
  let k = 0;
  while (k < order.length) {
    let j = k;
    while (j + 1 < order.length && order[j + 1]?.v === order[k]?.v) j++;
    const mean = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) ranks[order[m]?.i ?? 0] = mean;
    k = j + 1;
  }
  return ranks;
};

const pearson = (x: readonly number[], y: readonly number[]): number => {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] ?? 0) - mx;
    const dy = (y[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return 0;
  return sxy / Math.sqrt(sxx * syy);
};

/** Spearman's ρ (Pearson correlation of average ranks; 0 when either side is constant). */
export const spearman = (x: readonly number[], y: readonly number[]): number => {
  if (x.length !== y.length || x.length < 2) throw new RangeError('spearman needs two equal series of ≥ 2');
  return pearson(averageRanks(x), averageRanks(y));
};

/**
 * Cohen's kappa with quadratic weights for ratings on 1..k. 1 = perfect agreement, 0 = chance level.
 * When both raters give one and the same grade to everything, agreement is perfect (1).
 */
export const quadraticWeightedKappa = (a: readonly number[], b: readonly number[], k = 5): number => {
  if (a.length !== b.length || a.length === 0)
    throw new RangeError('kappa needs two equal, non-empty series');
  const n = a.length;
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const ha = new Array<number>(k).fill(0);
  const hb = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 1) - 1;
    const y = (b[i] ?? 1) - 1;
    if (x < 0 || x >= k || y < 0 || y >= k) throw new RangeError(`rating out of 1..${k}`);
    const row = observed[x];
    if (row) row[y] = (row[y] ?? 0) + 1;
    ha[x] = (ha[x] ?? 0) + 1;
    hb[y] = (hb[y] ?? 0) + 1;
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const w = ((i - j) * (i - j)) / ((k - 1) * (k - 1));
      num += w * (observed[i]?.[j] ?? 0);
      den += (w * (ha[i] ?? 0) * (hb[j] ?? 0)) / n;
    }
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
};

/** Spoken form of a written number: "1,200" → "one thousand two hundred", "40%" → "forty percent". */
const spokenNumber = (token: string): string => {
  const percent = token.endsWith('%');
  const digits = token.replace(/%$/, '').replace(/,/g, '');
  const value = Number(digits);
  if (!Number.isFinite(value)) return token;
  return `${toCardinal(value)}${percent ? ' percent' : ''}`;
};

/** What the offline engine writes for a perfectly recognised answer: lower case, no punctuation, numbers as words. */
export const engineStyle = (text: string): string[] =>
  text
    .replace(/[$€£]/g, ' ')
    .split(/\s+/)
    .flatMap((w) => {
      const bare = w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}%]+$/gu, '');
      if (bare === '') return [];
      if (/^\d[\d,.]*%?$/.test(bare)) return spokenNumber(bare).split(/[\s-]+/);
      return bare
        .toLowerCase()
        .replace(/[^\p{L}\p{N}']+/gu, ' ')
        .split(' ')
        .filter((x) => x.length > 0);
    });

/**
 * Words a recogniser typically confuses or inserts: short, frequent words (substitutions of content words
 * by these lose the content, as the real engine does).
 */
const CONFUSIONS =
  `the a an and in on at it is was to of for that this with as by or but so then them they there
their he she we i you me my our from had have has been be are were do did not no if all can its one up out about
into more some what when which who would could than only also just over after now way well back even want because
these give most us day new time year work`.split(/\s+/);

export interface NoiseOptions {
  /** Target word error rate (substitutions + deletions + insertions over reference words). */
  readonly wer: number;
  /** Same seed → same errors. */
  readonly seed: string;
}

/**
 * A deterministic simulation of the offline engine's transcript of `text`: `engineStyle` plus word errors at
 * `wer` (60% substitutions, 25% deletions, 15% insertions: an assumed mix, the engine's own mix was not measured).
 */
export const simulateRecognition = (text: string, o: NoiseOptions): string => {
  const rng = createRng(`asr:${o.seed}`);
  const pick = (): string => CONFUSIONS[Math.floor(rng() * CONFUSIONS.length)] ?? 'the';
  const out: string[] = [];
  for (const w of engineStyle(text)) {
    const r = rng();
    if (r < o.wer * 0.6) out.push(pick());
    else if (r < o.wer * 0.85) continue;
    else if (r < o.wer) out.push(w, pick());
    else out.push(w);
  }
  return out.join(' ');
};
