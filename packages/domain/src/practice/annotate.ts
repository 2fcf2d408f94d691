/**
 * Filler-word and hedge detection with character offsets, for scoring and for
 * highlighting in the UI. Precision over recall: ambiguous words ("like",
 * "you know", "kind of", "I mean") are only tagged in contexts where they
 * are clearly verbal padding, so "I like teamwork" or "what kind of problem"
 * are never flagged.
 */
import {
  compilePattern,
  findPattern,
  hasComma,
  hasSentenceBreak,
  isNumberToken,
  spanOf,
  tokenize,
  type CompiledPattern,
  type Span,
  type Token,
  type TokenMatch,
} from './text';

export type AnnotationKind = 'filler' | 'hedge';

export interface Annotation extends Span {
  readonly kind: AnnotationKind;
  /** Canonical phrase, e.g. "um", "you know", "like", "I guess". */
  readonly label: string;
}

type Accept = (tokens: readonly Token[], m: TokenMatch) => boolean;

interface Rule {
  readonly kind: AnnotationKind;
  readonly label: string;
  readonly pattern: CompiledPattern;
  readonly accept: Accept;
}

const always: Accept = () => true;

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter((w) => w.length > 0));

/** A preceding word that makes "kind of" / "sort of" a noun phrase ("what kind of problem"). */
const DETERMINERS = words(
  "what this that the a an any some every which same one these those different other each no another all many right wrong new first only best whatever particular certain similar that's",
);

/** A preceding word that makes "like" a verb ("I like", "would like", "to like"). */
const LIKE_AS_VERB = words(
  "i you we they he she who people would i'd we'd you'd they'd he'd she'd do don't didn't does doesn't did to really also always still genuinely particularly especially might will i'll we'll usually definitely truly both",
);
/** A preceding word that makes "like" a comparison ("looks like", "something like"). */
const LIKE_AS_COMPARISON = words(
  'look looks looked looking seem seems seemed feel feels felt sound sounds sounded something anything nothing things much more less exactly just act acted acting behave behaved treat treated',
);
const LIKE_INTENSIFIERS = words(
  'really literally totally super basically honestly um uh kinda sorta very completely',
);
const LIKE_APPROXIMATION_CONTEXT = words(
  "took for about was were is had spent of in after be been only just got there around and it's have waited lasted",
);
const NUMBER_WORDS = words(
  'one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty sixty hundred thousand couple few',
);
/** "you know" followed by one of these (without a comma) is the verb: "you know the team", "you know what to do". */
const KNOW_OBJECTS = words(
  'what how that why when where who whether if about the a an him her them it this these those someone somebody everyone everybody my our your their his me us more much exactly better so',
);
const KNOW_NOT_FILLER_BEFORE = words(
  "do did don't didn't if as would might will may should could let whether you'd i we they to",
);

const prev = (tokens: readonly Token[], m: TokenMatch): Token | undefined => tokens[m.first - 1];
const next = (tokens: readonly Token[], m: TokenMatch): Token | undefined => tokens[m.last + 1];
const firstTok = (tokens: readonly Token[], m: TokenMatch): Token | undefined => tokens[m.first];
const lastTok = (tokens: readonly Token[], m: TokenMatch): Token | undefined => tokens[m.last];

/** Previous word, or undefined at the start of a sentence. */
function prevInSentence(tokens: readonly Token[], m: TokenMatch): Token | undefined {
  const f = firstTok(tokens, m);
  if (f === undefined || hasSentenceBreak(f.gapBefore)) return undefined;
  return prev(tokens, m);
}

const notAfterDeterminer: Accept = (tokens, m) => {
  const p = prevInSentence(tokens, m);
  return p === undefined || !DETERMINERS.has(p.lower);
};

const likeIsFiller: Accept = (tokens, m) => {
  const like = firstTok(tokens, m);
  if (like === undefined) return false;
  const p = prevInSentence(tokens, m);
  const n = next(tokens, m);
  const commaBefore = hasComma(like.gapBefore);
  const commaAfter = hasComma(like.gapAfter);
  // "it was, like, really hard"
  if (commaBefore && commaAfter) return true;
  if (p !== undefined && !commaBefore && LIKE_AS_VERB.has(p.lower)) return false;
  const comparison = p !== undefined && !commaBefore && LIKE_AS_COMPARISON.has(p.lower);
  if (comparison) return false;
  if (n === undefined || hasSentenceBreak(like.gapAfter)) return false;
  // "and like, we just…" / "Like, I was…"
  if (commaAfter) return true;
  // "like really", "like um"
  if (LIKE_INTENSIFIERS.has(n.lower)) return true;
  // approximator: "it took like three weeks"
  if (
    p !== undefined &&
    LIKE_APPROXIMATION_CONTEXT.has(p.lower) &&
    (isNumberToken(n.lower) || NUMBER_WORDS.has(n.lower))
  ) {
    return true;
  }
  return false;
};

const youKnowIsFiller: Accept = (tokens, m) => {
  const p = prevInSentence(tokens, m);
  const k = lastTok(tokens, m);
  if (k === undefined) return false;
  if (
    p !== undefined &&
    !hasComma(firstTok(tokens, m)?.gapBefore ?? '') &&
    KNOW_NOT_FILLER_BEFORE.has(p.lower)
  )
    return false;
  const n = next(tokens, m);
  if (n === undefined || hasSentenceBreak(k.gapAfter) || hasComma(k.gapAfter)) return true;
  return !KNOW_OBJECTS.has(n.lower);
};

const iMeanIsFiller: Accept = (tokens, m) => {
  const p = prevInSentence(tokens, m);
  if (p !== undefined && (p.lower === 'what' || p.lower === 'which' || p.lower === 'that')) return false;
  return hasComma(lastTok(tokens, m)?.gapAfter ?? '');
};

const r = (kind: AnnotationKind, label: string, pattern: string, accept: Accept = always): Rule => ({
  kind,
  label,
  pattern: compilePattern(pattern),
  accept,
});

/** Hedging phrases: they make a confident answer sound unsure. */
const HEDGE_RULES: readonly Rule[] = [
  r('hedge', 'I think maybe', 'i think maybe'),
  r('hedge', "I'm not sure", "i'm not sure"),
  r('hedge', "I'm not sure", 'i am not sure'),
  r('hedge', 'not sure', 'not sure'),
  r('hedge', 'I feel like', 'i feel like'),
  r('hedge', 'I would say', 'i would say'),
  r('hedge', "I'd say", "i'd say"),
  r('hedge', 'more or less', 'more or less'),
  r('hedge', 'to some extent', 'to some extent'),
  r('hedge', 'a little bit', 'a little bit'),
  r('hedge', 'kind of', 'kind of', notAfterDeterminer),
  r('hedge', 'kind of', 'kinda'),
  r('hedge', 'I guess', 'i guess'),
  r('hedge', 'I suppose', 'i suppose'),
  r('hedge', 'I think', 'i think'),
  r('hedge', 'maybe', 'maybe'),
  r('hedge', 'perhaps', 'perhaps'),
  r('hedge', 'probably', 'probably'),
  r('hedge', 'possibly', 'possibly'),
  r('hedge', 'somewhat', 'somewhat'),
  r('hedge', 'hopefully', 'hopefully'),
];

/** Fillers: sounds and stock phrases that carry no content. */
const FILLER_RULES: readonly Rule[] = [
  r('filler', 'you know what I mean', 'you know what i mean'),
  r('filler', 'or something like that', 'or something like that'),
  r('filler', 'and stuff like that', 'and stuff like that'),
  r('filler', 'or something', 'or something'),
  r('filler', 'and stuff', 'and stuff'),
  r('filler', 'or whatever', 'or whatever'),
  r('filler', 'you know', 'you know', youKnowIsFiller),
  r('filler', 'I mean', 'i mean', iMeanIsFiller),
  r('filler', 'sort of', 'sort of', notAfterDeterminer),
  r('filler', 'sort of', 'sorta'),
  ...['um', 'umm', 'uhm', 'uh', 'uhh', 'er', 'erm', 'ah', 'hmm', 'mm', 'mhm'].map((w) =>
    r('filler', w === 'umm' || w === 'uhm' ? 'um' : w === 'uhh' ? 'uh' : w, w),
  ),
  r('filler', 'basically', 'basically'),
  r('filler', 'actually', 'actually'),
  r('filler', 'literally', 'literally'),
  r('filler', 'like', 'like', likeIsFiller),
];

/** Longest phrases first so "I think maybe" wins over "I think" and "maybe". */
const RULES: readonly Rule[] = [...HEDGE_RULES, ...FILLER_RULES]
  .map((rule, order) => ({ rule, order }))
  .sort((a, b) => b.rule.pattern.parts.length - a.rule.pattern.parts.length || a.order - b.order)
  .map(({ rule }) => rule);

export const FILLER_LABELS: readonly string[] = [...new Set(FILLER_RULES.map((x) => x.label))];
export const HEDGE_LABELS: readonly string[] = [...new Set(HEDGE_RULES.map((x) => x.label))];

/** Annotates already tokenised text (used by the rubric to avoid re-tokenising). */
export function annotateTokens(source: string, tokens: readonly Token[]): Annotation[] {
  const used = new Array<boolean>(tokens.length).fill(false);
  const out: Annotation[] = [];
  for (const rule of RULES) {
    for (const m of findPattern(tokens, rule.pattern)) {
      let free = true;
      for (let i = m.first; i <= m.last; i++) if (used[i] === true) free = false;
      if (!free || !rule.accept(tokens, m)) continue;
      for (let i = m.first; i <= m.last; i++) used[i] = true;
      out.push({ kind: rule.kind, label: rule.label, ...spanOf(source, tokens, m.first, m.last) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Filler and hedge spans of a transcript (char offsets, end exclusive), sorted by position. */
export function annotateTranscript(transcript: string): Annotation[] {
  return annotateTokens(transcript, tokenize(transcript));
}
