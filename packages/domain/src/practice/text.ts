/**
 * Text utilities shared by the question generator and the rubric engine:
 * an offset-preserving tokenizer, stop-word lists, a light plural stemmer and
 * a tiny phrase-pattern matcher. Pure and deterministic.
 */

export interface Token {
  /** Surface text exactly as it appears in the source. */
  readonly text: string;
  /** Lower-cased, typographic apostrophes normalised to `'`. */
  readonly lower: string;
  /** Char offset of the first character (inclusive). */
  readonly start: number;
  /** Char offset after the last character (exclusive). */
  readonly end: number;
  /** Position in the token array. */
  readonly index: number;
  /** Source text between the previous token (or start of text) and this one. */
  readonly gapBefore: string;
  /** Source text between this token and the next one (or end of text). */
  readonly gapAfter: string;
}

/**
 * Numbers first ("3,000", "2.5", "20%") unless glued to letters ("3D", "20k"),
 * then words that may contain inner apostrophes, hyphens, slashes, dots or
 * ampersands ("don't", "cross-functional", "A/B", "Node.js", "R&D") and
 * trailing "+"/"#" ("C++", "C#").
 */
const TOKEN_RE = /\p{N}+(?:[.,]\p{N}+)*%?(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:['’/\-&.][\p{L}\p{N}]+|[+#]+)*/gu;

export function normalise(word: string): string {
  return word.toLowerCase().replace(/’/g, "'");
}

export function tokenize(text: string): Token[] {
  const raw: { text: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const start = m.index;
    raw.push({ text: m[0], start, end: start + m[0].length });
  }
  return raw.map((r, index) => {
    const prevEnd = index === 0 ? 0 : (raw[index - 1]?.end ?? 0);
    const nextStart = raw[index + 1]?.start ?? text.length;
    return {
      text: r.text,
      lower: normalise(r.text),
      start: r.start,
      end: r.end,
      index,
      gapBefore: text.slice(prevEnd, r.start),
      gapAfter: text.slice(r.end, nextStart),
    };
  });
}

/** True when only whitespace separates the tokens (no punctuation). */
export function isPlainGap(gap: string): boolean {
  return /^\s*$/.test(gap);
}

export function hasComma(gap: string): boolean {
  return /[,;:—–]/.test(gap) || /\s-\s/.test(gap);
}

export function hasSentenceBreak(gap: string): boolean {
  return /[.!?\n]/.test(gap);
}

/** Conservative plural stripping: "stakeholders" → "stakeholder", "studies" → "study". */
export function stem(word: string): string {
  const s = normalise(word).replace(/'s$/, '');
  if (s.length <= 3) return s;
  if (s.endsWith('ies') && s.length > 4) return `${s.slice(0, -3)}y`;
  if (s.endsWith('sses')) return s.slice(0, -2);
  if (s.endsWith('ss') || s.endsWith('us') || s.endsWith('is') || s.endsWith('ics')) return s;
  if (s.endsWith('s')) return s.slice(0, -1);
  return s;
}

/** Common English function words. */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are aren't around as at be because been before being below
  between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each either else
  etc even ever every few for from further get gets getting got had hadn't has hasn't have haven't having he he'd he'll
  he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's
  its itself just let's may me might more most much must mustn't my myself need needs no nor not now of off often on
  once only onto or other others otherwise ought our ours ourselves out over own per quite rather really same shall
  shan't she she'd she'll she's should shouldn't since so some such than that that's the their theirs them themselves
  then there there's these they they'd they'll they're they've this those though through thus to too toward towards
  under until up upon us very via was wasn't we we'd we'll we're we've were weren't what what's whatever when when's
  where where's whether which while who who's whom whose why why's will with within without won't would wouldn't yet
  you you'd you'll you're you've your yours yourself yourselves one two three four five six seven eight nine ten
  well still already always never many lot lots thing things something anything everything nothing someone anyone
  everyone people way ways like yeah yes okay ok um umm uh uhh er erm ah hmm mm actually basically literally know
  think guess maybe probably kind sort kinda sorta`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** Boilerplate that is frequent in job postings but says nothing about the role. */
export const JOB_POSTING_STOP_WORDS: ReadonlySet<string> = new Set(
  `ability able abilities about across apply applicant applicants applications bachelor bachelor's benefit benefits
  best bonus candidate candidates company competitive day daily degree demonstrated desirable desired duties
  e.g i.e employer employment environment equal excellent experience experienced expertise familiar familiarity
  fast fast-paced field full full-time good great help high highly ideal ideally including join key knowledge
  level looking make master master's minimum new offer opportunity opportunities paced part-time plus position
  preferred proficiency proficient proven related relevant required requirement requirements responsibilities
  responsible role salary seeking similar skill skills strong successful support team teams understanding using
  use various want we're work working world-class year years you'll apply least type related track record
  background qualification qualifications must-have nice-to-have hybrid remote office location based per dynamic
  passionate motivated self-starter detail-oriented other multiple ensure including include includes us our
  within will would join hiring hire`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/**
 * Phrase patterns. Words are separated by single spaces; a word ending in `*`
 * matches any token starting with it; `#num` matches a numeric token and
 * `#year` a four-digit year (1900–2099). Matching is case-insensitive, and
 * the tokens of a multi-word pattern must be separated by whitespace only.
 */
export type PatternPart =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'num' }
  | { readonly kind: 'year' };

export interface CompiledPattern {
  readonly source: string;
  readonly parts: readonly PatternPart[];
}

export function compilePattern(source: string): CompiledPattern {
  const parts = source
    .trim()
    .split(/\s+/)
    .map((w): PatternPart => {
      if (w === '#num') return { kind: 'num' };
      if (w === '#year') return { kind: 'year' };
      if (w.endsWith('*')) return { kind: 'prefix', value: normalise(w.slice(0, -1)) };
      return { kind: 'exact', value: normalise(w) };
    });
  return { source, parts };
}

const NUM_RE = /^\d+(?:[.,]\d+)*%?$/;
const YEAR_RE = /^(?:19|20)\d\d$/;

export function isNumberToken(lower: string): boolean {
  return NUM_RE.test(lower);
}

export function isYearToken(lower: string): boolean {
  return YEAR_RE.test(lower);
}

function partMatches(part: PatternPart, token: Token): boolean {
  switch (part.kind) {
    case 'exact':
      return token.lower === part.value;
    case 'prefix':
      return token.lower.startsWith(part.value);
    case 'num':
      return isNumberToken(token.lower);
    case 'year':
      return isYearToken(token.lower);
  }
}

export interface TokenMatch {
  /** Index of the first matched token. */
  readonly first: number;
  /** Index of the last matched token (inclusive). */
  readonly last: number;
  readonly pattern: string;
}

/** All non-overlapping matches of one pattern, left to right. */
export function findPattern(tokens: readonly Token[], pattern: CompiledPattern): TokenMatch[] {
  const out: TokenMatch[] = [];
  const n = pattern.parts.length;
  if (n === 0) return out;
  let i = 0;
  while (i + n <= tokens.length) {
    let ok = true;
    for (let k = 0; k < n; k++) {
      const tok = tokens[i + k];
      const part = pattern.parts[k];
      if (tok === undefined || part === undefined || !partMatches(part, tok)) {
        ok = false;
        break;
      }
      if (k > 0 && !isPlainGap(tok.gapBefore)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      out.push({ first: i, last: i + n - 1, pattern: pattern.source });
      i += n;
    } else {
      i += 1;
    }
  }
  return out;
}

/** Matches of any of the patterns, sorted by position (overlaps allowed between patterns). */
export function findAny(tokens: readonly Token[], patterns: readonly CompiledPattern[]): TokenMatch[] {
  return patterns.flatMap((p) => findPattern(tokens, p)).sort((a, b) => a.first - b.first || b.last - a.last);
}

export interface Span {
  readonly text: string;
  /** Char offset (inclusive) in the transcript. */
  readonly start: number;
  /** Char offset (exclusive) in the transcript. */
  readonly end: number;
}

export function spanOf(source: string, tokens: readonly Token[], first: number, last: number): Span {
  const a = tokens[first];
  const b = tokens[last];
  if (a === undefined || b === undefined) throw new RangeError(`token range ${first}..${last} out of bounds`);
  return { text: source.slice(a.start, b.end), start: a.start, end: b.end };
}

export function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
