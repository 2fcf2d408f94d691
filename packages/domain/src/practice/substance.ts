/**
 * Substance analysis for the rubric: which words carry content, which actions have an object, which numbers
 * measure something, and whether the answer is cue words stuffed together or repeated. Works on tokens only
 * (no punctuation or capitals needed), so the speech engine's lower-case, unpunctuated output is read the same
 * way as typed text. Pure and deterministic.
 */
import type { Annotation } from './annotate';
import { STOP_WORDS, hasSentenceBreak, isNumberToken, isYearToken, type Token } from './text';

const set = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter((w) => w.length > 0));

/**
 * Words that say nothing concrete on their own: they can be used by any answer to any question, so they do
 * not make a situation, an object or a referent.
 */
export const GENERIC_WORDS: ReadonlySet<string> = set(`
  situation task action result results outcome outcomes star example case problem problems issue issues project
  projects team teams work job role position company organisation organization business time times thing things
  stuff people everyone everybody someone anybody person difficult hard big small good great important better best
  behind fix solve solved solution solutions help helped helping need needs needed success successful happy
  satisfied fine nice well way ways plan plans part lot lots kind sort type also really very much many different
  various several new old level levels area areas aspect aspects approach approaches skill skills strength
  strengths goal goals objective objectives target targets decision decisions process processes value values
  quality level overall percent per cent times quickly effectively efficiently clearly successfully extra mile
  expectations expectation high higher low lower more less end finally first second third again once
  always never often sometimes usually every each other others another same whole entire total
  client clients customer customers user users stakeholder stakeholders partner partners data information
  insight insights impact effort efforts`);

const ACTION_ADVERBS = set(
  'then also quickly immediately first personally eventually finally just carefully actively directly proactively initially next later soon therefore so together jointly',
);
const IRREGULAR_PAST = set(
  'took made wrote met spoke built led ran set went brought chose drove began sent gave found got held kept told put did sat stood became bought caught taught understood won paid sold spent split drew fought grew hit laid left lent let rebuilt redid rewrote sought struck threw undertook upheld withdrew overcame rang dug cut shut',
);
const NON_ACTION_VERBS = set(
  'was were had needed wanted hoped felt thought liked loved supposed guessed seemed believed wished noted enjoyed tried',
);
const SUBJECTS = set('i we he she they');
/** Verbs of change ("errors fell"): not concrete words themselves. */
const CHANGE_VERBS = set('fell rose grew dropped went came became stayed remained');

export function isPastTenseVerb(lower: string): boolean {
  if (NON_ACTION_VERBS.has(lower)) return false;
  if (IRREGULAR_PAST.has(lower)) return true;
  return lower.length >= 4 && lower.endsWith('ed') && /^[a-z-]+$/.test(lower);
}

const PUNCT_BREAK = /[,;:.!?()—–]/;

export interface ActionClause {
  readonly subject: 'i' | 'we';
  /** Index of the subject token. */
  readonly first: number;
  /** Index of the last token of the object. */
  readonly last: number;
  readonly verb: string;
  /** The object word that gives the action its content. */
  readonly object: string;
}

export interface Measure {
  readonly first: number;
  readonly last: number;
  /** Char offset of the measure (a currency sign included). */
  readonly start: number;
  readonly end: number;
  /** Index of the concrete word the number measures, or null when nothing is measured (a bare number). */
  readonly referent: number | null;
}

export interface SubstanceAnalysis {
  /** Per token: a concrete content word (not a stop word, cue word, generic word, filler or verb). */
  readonly concrete: readonly boolean[];
  /** Per token: a cue word (STAR, result or competency vocabulary). */
  readonly cue: readonly boolean[];
  /** "I/we + past-tense verb + object", in order, each (verb, object) pair once. */
  readonly actions: readonly ActionClause[];
  /** "I/we + past-tense verb" with no object ("I led, I organised"). */
  readonly bareActions: number;
  /** Numbers with their referent (or none). Years that are only dates are left out. */
  readonly measures: readonly Measure[];
  readonly distinctConcrete: number;
  /** Distinct / all content words (non-stop, non-filler). */
  readonly lexicalDiversity: number;
  /** Share of word trigrams that occur more than once. */
  readonly repeatedTrigrams: number;
  /** Cue words / content words. */
  readonly cueShare: number;
  /** Cue words with no concrete word between them and the previous cue word. */
  readonly bareCues: number;
  readonly contentWords: number;
  /** Repetition or cue-word stuffing: too little content for the cue words to count. */
  readonly stuffing: boolean;
  /** Why `stuffing` (empty when not). */
  readonly stuffingReasons: readonly string[];
}

const UNIT_WORDS =
  set(`% percent per cent percentage points seconds second minutes minute hours hour days day weeks
  week months month years year quarters quarter dollars dollar usd euros euro eur pounds pound gbp k m bn million
  millions billion thousand thousands hundred hundreds x times`);
const NUMBER_WORDS = set(
  'two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion half third quarter point',
);
const CHANGE_MULTIPLIERS = set('doubled tripled quadrupled halved');
/** Number words that are a measure only inside a longer number ("four point eight", "two and a half"). */
const ONLY_IN_RUNS = set('point half third quarter');
/** Hedge words skipped like fillers when reading actions ("I kind of made" = "I made"). */
const HEDGE_WORDS = set('kind sort kinda sorta maybe probably basically actually really just');
const SUFFIXED_NUMBER = /^\d+(?:[.,]\d+)?(?:k|m|bn|x)$/;

const isNumberish = (t: Token): boolean =>
  isNumberToken(t.lower) || NUMBER_WORDS.has(t.lower) || SUFFIXED_NUMBER.test(t.lower);

/** Offset of a currency symbol right before a number ("$5,000", "€ 20"), if any. */
function currencyStart(source: string, start: number): number | null {
  let k = start - 1;
  while (k >= start - 2 && k >= 0 && source[k] === ' ') k--;
  return k >= 0 && /[$€£¥]/.test(source[k] ?? '') ? k : null;
}

export interface SubstanceOptions {
  /** True for words of the cue vocabulary (STAR, result and competency patterns). */
  readonly isCue: (lower: string) => boolean;
}

export function analyseSubstance(
  source: string,
  tokens: readonly Token[],
  annotations: readonly Annotation[],
  o: SubstanceOptions,
): SubstanceAnalysis {
  const annotated = new Array<boolean>(tokens.length).fill(false);
  let ai = 0;
  for (const t of tokens) {
    while (ai < annotations.length && (annotations[ai]?.end ?? 0) <= t.start) ai++;
    const a = annotations[ai];
    if (a !== undefined && t.start >= a.start && t.end <= a.end) annotated[t.index] = true;
  }
  const isContent = (t: Token): boolean =>
    !annotated[t.index] && !STOP_WORDS.has(t.lower) && t.lower.length >= 3 && !isNumberish(t);
  const cue = tokens.map((t) => isContent(t) && o.isCue(t.lower));
  const concrete = tokens.map(
    (t) =>
      isContent(t) &&
      !cue[t.index] &&
      !GENERIC_WORDS.has(t.lower) &&
      !isPastTenseVerb(t.lower) &&
      !NON_ACTION_VERBS.has(t.lower) &&
      !CHANGE_VERBS.has(t.lower) &&
      !UNIT_WORDS.has(t.lower),
  );

  // Fillers and hedges are skipped ("I, uh, I kind of rebuilt, like, the form" reads as "I rebuilt the form"),
  // and so is the punctuation around them.
  const seq = tokens.filter((t) => !annotated[t.index] && !HEDGE_WORDS.has(t.lower));
  const at = (k: number): Token | undefined => seq[k];
  const breakBefore = (k: number): boolean => {
    const t = seq[k];
    const prev = seq[k - 1];
    if (t === undefined || prev === undefined) return true;
    return t.index === prev.index + 1 && PUNCT_BREAK.test(t.gapBefore);
  };
  const sentenceBefore = (k: number): boolean => {
    const t = seq[k];
    const prev = seq[k - 1];
    if (t === undefined || prev === undefined) return true;
    return t.index === prev.index + 1 && hasSentenceBreak(t.gapBefore);
  };

  // actions: subject + optional adverb + past-tense verb + an object within the same clause
  const actions: ActionClause[] = [];
  const seenActions = new Set<string>();
  let bareActions = 0;
  for (let i = 0; i < seq.length; i++) {
    const subj = at(i);
    if (subj === undefined || (subj.lower !== 'i' && subj.lower !== 'we')) continue;
    let j = i + 1;
    const adv = at(j);
    if (adv !== undefined && ACTION_ADVERBS.has(adv.lower) && !breakBefore(j)) j++;
    const verb = at(j);
    if (verb === undefined || breakBefore(j) || !isPastTenseVerb(verb.lower)) continue;
    let object: Token | null = null;
    for (let k = j + 1; k <= j + 6 && k < seq.length; k++) {
      const t = at(k);
      if (t === undefined || SUBJECTS.has(t.lower) || breakBefore(k)) break;
      if (concrete[t.index] === true || (isContent(t) && !cue[t.index] && !isPastTenseVerb(t.lower))) {
        object = t;
        break;
      }
    }
    if (object === null) {
      bareActions++;
      continue;
    }
    const key = `${verb.lower} ${object.lower}`;
    if (seenActions.has(key)) continue;
    seenActions.add(key);
    actions.push({
      subject: subj.lower === 'i' ? 'i' : 'we',
      first: subj.index,
      last: object.index,
      verb: verb.lower,
      object: object.text,
    });
  }

  // measures: a number (or number words, or "doubled") with what it measures
  const measures: Measure[] = [];
  for (let i = 0; i < seq.length; i++) {
    const tok = at(i);
    if (tok === undefined) continue;
    const multiplier = CHANGE_MULTIPLIERS.has(tok.lower);
    if (!multiplier && !isNumberish(tok)) continue;
    // a run of number words/digits: "one thousand two hundred", "four point eight"
    let last = i;
    for (;;) {
      const n1 = at(last + 1);
      if (multiplier || n1 === undefined || breakBefore(last + 1)) break;
      if (isNumberish(n1)) last++;
      else if (n1.lower === 'and' && at(last + 2) !== undefined && isNumberish(at(last + 2) as Token))
        last += 2;
      else break;
    }
    if (last === i && ONLY_IN_RUNS.has(tok.lower)) continue;
    const next = at(last + 1);
    const unit = next !== undefined && !breakBefore(last + 1) && UNIT_WORDS.has(next.lower);
    const currency = currencyStart(source, tok.start);
    if (last === i && isYearToken(tok.lower) && !unit && currency === null) {
      continue;
    }
    if (unit) last++;
    // "from 10 days to 4", "from 54 to 81 percent": one measure
    const to = at(last + 1);
    const second = at(last + 2);
    if (to?.lower === 'to' && second !== undefined && isNumberish(second) && !breakBefore(last + 1)) {
      last += 2;
      while (at(last + 1) !== undefined && isNumberish(at(last + 1) as Token) && !breakBefore(last + 1))
        last++;
      const u2 = at(last + 1);
      if (u2 !== undefined && UNIT_WORDS.has(u2.lower) && !breakBefore(last + 1)) last++;
    }
    const endTok = at(last) ?? tok;
    // referent: the word right after ("1,200 bookings"), else a concrete word before it in the same sentence
    // ("refund errors fell by 30%"), else one shortly after in the same clause ("30% more orders")
    let referent: number | null = null;
    const right = at(last + 1);
    if (right !== undefined && !breakBefore(last + 1) && concrete[right.index] === true)
      referent = right.index;
    for (let k = i - 1; referent === null && k >= i - 5 && k >= 0; k--) {
      const t = at(k);
      if (t === undefined || sentenceBefore(k + 1) || isNumberish(t)) break;
      if (concrete[t.index] === true) referent = t.index;
    }
    for (let k = last + 2; referent === null && k <= last + 3 && k < seq.length; k++) {
      const t = at(k);
      if (t === undefined || breakBefore(k) || isNumberish(t) || t.lower === 'and') break;
      if (concrete[t.index] === true) referent = t.index;
    }
    measures.push({
      first: tok.index,
      last: endTok.index,
      start: currency ?? tok.start,
      end: endTok.end,
      referent,
    });
    i = last;
  }

  const content = tokens.filter((t) => isContent(t));
  const distinctContent = new Set(content.map((t) => t.lower)).size;
  const lexicalDiversity = content.length === 0 ? 1 : distinctContent / content.length;
  const distinctConcrete = new Set(tokens.filter((t) => concrete[t.index]).map((t) => t.lower)).size;
  const trigrams = new Map<string, number>();
  for (let i = 0; i + 2 < tokens.length; i++) {
    const key = `${tokens[i]?.lower} ${tokens[i + 1]?.lower} ${tokens[i + 2]?.lower}`;
    trigrams.set(key, (trigrams.get(key) ?? 0) + 1);
  }
  let repeated = 0;
  let allTri = 0;
  for (const n of trigrams.values()) {
    allTri += n;
    if (n > 1) repeated += n;
  }
  const repeatedTrigrams = allTri === 0 ? 0 : repeated / allTri;
  const cueCount = cue.filter(Boolean).length;
  const cueShare = content.length === 0 ? 0 : cueCount / content.length;
  let bareCues = 0;
  let sinceConcrete = true;
  for (let k = 0; k < tokens.length; k++) {
    if (concrete[k] === true) sinceConcrete = true;
    else if (cue[k] === true) {
      if (!sinceConcrete) bareCues++;
      sinceConcrete = false;
    }
  }

  const stuffingReasons: string[] = [];
  if (content.length >= 12 && lexicalDiversity < 0.5)
    stuffingReasons.push(
      `the same words come back again and again (${Math.round(lexicalDiversity * 100)}% distinct)`,
    );
  if (repeatedTrigrams > 0.25)
    stuffingReasons.push(`${Math.round(repeatedTrigrams * 100)}% of the wording is repeated`);
  if (cueCount >= 6 && cueShare > 0.45 && bareCues >= 4)
    stuffingReasons.push(`${cueCount} cue words with little or nothing concrete between them`);
  const bareNumbers = measures.filter((m) => m.referent === null).length;
  if (bareNumbers >= 3 && bareNumbers > measures.length / 2)
    stuffingReasons.push(`${bareNumbers} numbers that do not say what they measure`);
  if (bareActions >= 4 && bareActions > actions.length)
    stuffingReasons.push(`${bareActions} “I …” verbs with no object (what was led, organised, decided?)`);

  return {
    concrete,
    cue,
    actions,
    bareActions,
    measures,
    distinctConcrete,
    lexicalDiversity,
    repeatedTrigrams,
    cueShare,
    bareCues,
    contentWords: content.length,
    stuffing: stuffingReasons.length > 0,
    stuffingReasons,
  };
}
