/**
 * Rubric engine: scores the transcript of a spoken interview answer against
 * behaviourally anchored criteria. Every score carries its reason, the quoted
 * transcript spans it is based on (char offsets, end exclusive) and one
 * concrete tip. Pure and deterministic.
 */
import { annotateTokens, type Annotation } from './annotate';
import { COMPETENCIES, type CompetencyId } from './competencies';
import type { Question } from './questions';
import { analyseSubstance, type ActionClause, type Measure, type SubstanceAnalysis } from './substance';
import {
  STOP_WORDS,
  compilePattern,
  findAny,
  hasSentenceBreak,
  isNumberToken,
  isYearToken,
  round,
  spanOf,
  stem,
  tokenize,
  type CompiledPattern,
  type Span,
  type Token,
  type TokenMatch,
} from './text';

export const RUBRIC_VERSION = '2026-12-07.1';

export type Score = 1 | 2 | 3 | 4 | 5;

export type CriterionId =
  | 'star'
  | 'result'
  | 'ownership'
  | 'competency'
  | 'substance'
  | 'relevance'
  | 'length'
  | 'pace'
  | 'fillers'
  | 'hedging';

export interface Anchors {
  readonly 1: string;
  readonly 3: string;
  readonly 5: string;
}

export interface CriterionDefinition {
  readonly id: CriterionId;
  readonly label: string;
  /** Relative weight in the overall score (weights of applicable criteria are renormalised). */
  readonly weight: number;
  /** When the criterion applies. */
  readonly appliesWhen: string;
  /** What a 1, a 3 and a 5 mean, in observable terms. */
  readonly anchors: Anchors;
}

/**
 * Criteria, weights and behavioural anchors. Weights sum to 100 when every
 * criterion applies. overall = round(100 × Σ wᵢ·cᵢ·(scoreᵢ − 1)/4 ÷ Σ wᵢ) over the
 * applicable criteria, so all-1 → 0 and all-5 → 100. cᵢ is 1 for content criteria;
 * for delivery criteria (length, pace, fillers, hedging) it is the delivery credit,
 * which grows with the substance score (1 → 0.25, 2 → 0.5, 3 → 0.75, 4–5 → 1):
 * a fluent, filler-free delivery of nothing earns little, and of stuffed cue words nothing (0).
 *
 * Cue words count only with content: a Situation needs a time or context marker
 * with concrete words around it, an Action is "I/we + past-tense verb + object",
 * a Result comes after an action and says what changed, a number counts only with
 * the thing it measures. Repetition and cue-word stuffing (see `analyseSubstance`)
 * score every content criterion 1.
 */
export const RUBRIC_CRITERIA: Readonly<Record<CriterionId, CriterionDefinition>> = {
  star: {
    id: 'star',
    label: 'STAR structure',
    weight: 20,
    appliesWhen: 'behavioural questions (question.expectsStar)',
    anchors: {
      1: 'At most one STAR element with content: a general opinion, STAR labels or cue words with nothing concrete behind them.',
      3: 'Three of the four elements (Situation, Task, Action, Result) with content; typically the result or own actions are missing.',
      5: 'All four elements with content, in order: a concrete context and goal, then your own actions (verb + what you acted on), then what changed.',
    },
  },
  result: {
    id: 'result',
    label: 'Measurable result',
    weight: 15,
    appliesWhen: 'behavioural questions (question.expectsStar)',
    anchors: {
      1: 'No outcome after the actions, or only numbers that do not say what they measure.',
      3: 'An outcome is stated but not quantified, or a measured change is given without linking it to the actions.',
      5: 'A clear outcome with at least two measures, each tied to what changed (numbers, %, time, money), or one measure plus a lesson learned.',
    },
  },
  ownership: {
    id: 'ownership',
    label: 'Personal ownership (I vs we)',
    weight: 5,
    appliesWhen: 'behavioural questions (question.expectsStar)',
    anchors: {
      1: 'Fewer than 20% of the actions are told as "I", or no first-person action with an object ("I led," alone is not one).',
      3: 'Roughly a third to a half of the actions are told as "I".',
      5: 'At least 65% of the actions are things "I" did.',
    },
  },
  competency: {
    id: 'competency',
    label: 'Competency evidence',
    weight: 15,
    appliesWhen: 'always (lexicon of the question’s competency)',
    anchors: {
      1: 'None of the behaviours that define the competency is shown (naming one in a list does not show it).',
      3: 'Two distinct behaviours of the competency are shown in concrete sentences.',
      5: 'Five or more distinct behaviours of the competency are shown in concrete sentences.',
    },
  },
  substance: {
    id: 'substance',
    label: 'Concrete detail',
    weight: 15,
    appliesWhen: 'always',
    anchors: {
      1: 'Cue words, claims or numbers with nothing concrete around them, or the same few words repeated.',
      3: 'Some concrete detail (a named setting, actions with their objects) but thin, generic or repetitive in places.',
      5: 'Specific throughout: a setting you can picture, actions with their objects, numbers tied to what they measure, varied wording.',
    },
  },
  relevance: {
    id: 'relevance',
    label: 'Relevance to the job',
    weight: 10,
    appliesWhen: 'only when jobKeyTerms are given',
    anchors: {
      1: 'None of the job’s key terms appears in the answer (a term only listed, with nothing around it, counts a third).',
      3: 'About half of the expected key terms (2 of 4) appear.',
      5: 'Four or more of the job’s top key terms appear (or all of them, if fewer than four are given).',
    },
  },
  length: {
    id: 'length',
    label: 'Answer length',
    weight: 5,
    appliesWhen: 'always',
    anchors: {
      1: 'Under 50 words (a sentence or two) or over 520 words (rambling, over 3.5 minutes).',
      3: '90–119 words (a bit thin) or 361–420 words (starting to ramble).',
      5: '150–300 words: a 1–2 minute spoken answer.',
    },
  },
  pace: {
    id: 'pace',
    label: 'Speaking pace',
    weight: 5,
    appliesWhen: 'when speaking time is known (word timings, else durationSeconds > 0)',
    anchors: {
      1: 'Under 85 or over 210 words per minute.',
      3: '100–114 or 176–190 words per minute.',
      5: '130–160 words per minute.',
    },
  },
  fillers: {
    id: 'fillers',
    label: 'Filler words',
    weight: 5,
    appliesWhen: 'always',
    anchors: {
      1: 'More than 6 fillers per 100 words.',
      3: '2.6–4 fillers per 100 words.',
      5: 'At most 1 filler per 100 words.',
    },
  },
  hedging: {
    id: 'hedging',
    label: 'Confident language',
    weight: 5,
    appliesWhen: 'always',
    anchors: {
      1: 'More than 4 hedges per 100 words ("I think maybe", "kind of", "I guess"…).',
      3: '1.3–2.5 hedges per 100 words.',
      5: 'At most 0.5 hedges per 100 words.',
    },
  },
};

export interface WordTiming {
  readonly word: string;
  /** Seconds from the start of the recording. */
  readonly start: number;
  readonly end: number;
}

export interface ScoreAnswerInput {
  readonly transcript: string;
  readonly words?: readonly WordTiming[];
  readonly durationSeconds: number;
  readonly question: Pick<Question, 'competency' | 'expectsStar'> & Partial<Pick<Question, 'id' | 'text'>>;
  /** Key terms from `generateJobQuestions().keyTerms` (or plain strings), most important first. */
  readonly jobKeyTerms?: readonly (string | { readonly term: string })[];
}

export interface Evidence extends Span {
  /** What the span shows, e.g. "Situation", "measure", "um". */
  readonly label?: string;
}

export interface CriterionResult {
  readonly id: CriterionId;
  readonly label: string;
  readonly score: Score;
  readonly weight: number;
  /** Why this score, in plain words, with the measured values. */
  readonly reason: string;
  readonly anchors: Anchors;
  readonly evidence: readonly Evidence[];
  /** One concrete, specific improvement tip. */
  readonly tip: string;
}

export interface AnswerMetrics {
  readonly wordCount: number;
  /** Words per minute, or null when speaking time is unknown. */
  readonly wpm: number | null;
  readonly paceSource: 'word-timings' | 'duration' | 'none';
  readonly speakingSeconds: number | null;
  readonly fillerCount: number;
  readonly fillerPer100: number;
  /** Number of hedging phrases. */
  readonly hedges: number;
  readonly hedgesPer100: number;
  /** Action clauses told as "I …" and as "we …". */
  readonly iActions: number;
  readonly weActions: number;
  /** Most-used non-stop words, most frequent first (ties alphabetical), max 5. */
  readonly topWords: readonly { readonly word: string; readonly count: number }[];
  /** Share of the delivery criteria's weight counted in the overall score (grows with concrete detail). */
  readonly deliveryCredit: number;
  /** Distinct concrete words (not stop, cue or generic words). */
  readonly concreteWords: number;
  /** Distinct / all content words, 0–1. */
  readonly lexicalDiversity: number;
  /** Numbers that do not say what they measure. */
  readonly unattachedNumbers: number;
  /** Why the answer was read as repetition or cue-word stuffing (empty when it was not). */
  readonly stuffing: readonly string[];
}

export interface AnswerScore {
  readonly rubricVersion: string;
  /** 0–100, weighted mean of applicable criteria (see RUBRIC_CRITERIA). */
  readonly overall: number;
  readonly criteria: readonly CriterionResult[];
  readonly metrics: AnswerMetrics;
  /** Filler and hedge spans for highlighting. */
  readonly annotations: readonly Annotation[];
}

// ---------------------------------------------------------------------------
// Lexicons for STAR detection
// ---------------------------------------------------------------------------

const P = (list: readonly string[]): CompiledPattern[] => list.map(compilePattern);

const SITUATION_CUES = P([
  'when i was',
  'while i was',
  'at the time',
  'at my previous',
  'in my previous',
  'at my last',
  'in my last',
  'in my current',
  'in my first',
  'in my role',
  'a few years ago',
  'last year',
  'last summer',
  'the situation',
  'context',
  'background',
  'i was working',
  'i worked as',
  'i was a',
  'i was an',
  'i was the',
  'during my',
  'while working',
  'we were facing',
  'there was a',
  'our team was',
  'the project was',
  'the company was',
  'back in',
  'in #year',
  'previously',
  'i used to work',
]);
const TASK_CUES = P([
  'my task*',
  'my role was',
  'my responsibilit*',
  'i was responsible',
  'i was asked',
  'i was tasked',
  'i was given',
  'i was in charge',
  'the goal',
  'our goal',
  'my goal',
  'the objective',
  'our objective',
  'the aim',
  'our aim',
  'i needed to',
  'we needed to',
  'i had to',
  'we had to',
  'the challenge was',
  'the problem was',
  'the issue was',
  'the deadline',
  'my job was',
  'it was my job',
  'i wanted to',
  'we wanted to',
  'the target',
  // without the possessive, which the speech engine often drops ("goal was to get the release out")
  'goal was',
  'task was',
  'aim was',
  'objective was',
  'job was to',
]);
const RESULT_CUES = P([
  'as a result',
  'result*',
  'outcome*',
  'in the end',
  'ultimately',
  'led to',
  'this meant',
  'which meant',
  'achiev*',
  'reduc*',
  'increas*',
  'improv*',
  'saved',
  'cut',
  'grew',
  'on time',
  'ahead of schedule',
  'under budget',
  'impact',
  'we won',
  'promoted',
  'adopted',
  'approved',
  'exceeded',
  'doubled',
  'tripled',
  'halved',
  'delivered',
  'launched',
  'completed',
  'finished',
]);
const VAGUE_RESULT_CUES = P([
  'went well',
  'worked out',
  'was successful',
  'it was good',
  'everyone was happy',
  'turned out well',
  'went smoothly',
  'was a success',
  'were happy',
  'was happy',
  'it was fine',
]);
const REFLECTION_CUES = P([
  'i learned',
  'i learnt',
  'lesson*',
  'next time',
  'in hindsight',
  'since then',
  'going forward',
  'looking back',
  'taught me',
  'i would do',
  "i'd do",
  'i now',
]);

/** Every single word of the cue vocabulary: words a stuffed answer would use without a story. */
const STAR_LABEL_WORDS = new Set(
  'situation task action actions result results outcome outcomes star'.split(' '),
);

function singleWordParts(patterns: readonly CompiledPattern[]): { exact: Set<string>; prefixes: string[] } {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (p.parts.length !== 1) continue;
    const part = p.parts[0];
    if (part?.kind === 'exact') exact.add(part.value);
    else if (part?.kind === 'prefix' && part.value.length >= 4) prefixes.push(part.value);
  }
  return { exact, prefixes };
}

// Helpers
// ---------------------------------------------------------------------------

function toScore(n: number): Score {
  const v = Math.min(5, Math.max(1, Math.round(n)));
  return v as Score;
}

function quote(s: string, max = 60): string {
  const clean = s.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `“${clean.slice(0, max - 1)}…”` : `“${clean}”`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Index of the first token of the sentence containing token i. */
function sentenceStart(tokens: readonly Token[], i: number): number {
  let k = i;
  while (k > 0 && !hasSentenceBreak(tokens[k]?.gapBefore ?? '')) k--;
  return k;
}

function evidenceOf(
  source: string,
  tokens: readonly Token[],
  m: { first: number; last: number },
  label?: string,
): Evidence {
  const span = spanOf(source, tokens, m.first, m.last);
  return label === undefined ? span : { ...span, label };
}

/** Occurrences of a key term (matched by plural-stripped words) in the tokens. */
function findTerm(tokens: readonly Token[], key: string): TokenMatch[] {
  const parts = key.split(' ');
  const out: TokenMatch[] = [];
  for (let i = 0; i + parts.length <= tokens.length; i++) {
    let ok = true;
    for (let k = 0; k < parts.length; k++) {
      const tok = tokens[i + k];
      if (tok === undefined || stem(tok.lower) !== parts[k] || (k > 0 && !/^\s*$/.test(tok.gapBefore))) {
        ok = false;
        break;
      }
    }
    if (ok) out.push({ first: i, last: i + parts.length - 1, pattern: key });
  }
  return out;
}

function termKey(term: string): string {
  return tokenize(term)
    .map((t) => stem(t.lower))
    .join(' ');
}

const COMPILED_LEXICONS = new Map<CompetencyId, { id: string; label: string; patterns: CompiledPattern[] }[]>(
  Object.values(COMPETENCIES).map((c) => [
    c.id,
    c.lexicon.map((x) => ({ id: x.id, label: x.label, patterns: P(x.patterns) })),
  ]),
);

const CUE_PARTS = new Map<CompetencyId, { exact: Set<string>; prefixes: string[] }>(
  [...COMPILED_LEXICONS.entries()].map(([id, lexicon]) => {
    const parts = singleWordParts([
      ...SITUATION_CUES,
      ...TASK_CUES,
      ...RESULT_CUES,
      ...VAGUE_RESULT_CUES,
      ...REFLECTION_CUES,
      ...lexicon.flatMap((c) => c.patterns),
    ]);
    for (const w of STAR_LABEL_WORDS) parts.exact.add(w);
    return [id, parts];
  }),
);

/** A word of the cue vocabulary of a question: STAR labels, result verbs, the competency's behaviours. */
export function isCueWord(lower: string, competency: CompetencyId): boolean {
  const parts = CUE_PARTS.get(competency);
  if (parts === undefined) return false;
  return parts.exact.has(lower) || parts.prefixes.some((p) => lower.startsWith(p));
}

// ---------------------------------------------------------------------------
// Criteria
// ---------------------------------------------------------------------------

interface Context {
  readonly source: string;
  readonly tokens: readonly Token[];
  readonly wordCount: number;
  readonly annotations: readonly Annotation[];
  /** Actions with an object ("I rebuilt the schedule"), each once, in order. */
  readonly actions: readonly ActionClause[];
  readonly sub: SubstanceAnalysis;
  /** Token indices that are part of one of the job's key terms. */
  readonly keyTermTokens: ReadonlySet<number>;
}

type Partial3 = Pick<CriterionResult, 'score' | 'reason' | 'evidence' | 'tip'>;

function criterion(id: CriterionId, r: Partial3): CriterionResult {
  const def = RUBRIC_CRITERIA[id];
  return { id, label: def.label, weight: def.weight, anchors: def.anchors, ...r };
}

/** Concrete words in tokens [from, to] (inclusive, clamped). */
function concreteIn(ctx: Context, from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = Math.max(0, from); k <= Math.min(ctx.tokens.length - 1, to); k++)
    if (ctx.sub.concrete[k] === true) out.push(k);
  return out;
}

const MONTHS_AND_SEASONS = new Set(
  'january february march april may june july august september october november december spring summer autumn fall winter'.split(
    ' ',
  ),
);

/** "last spring", "in 2023", "two years ago", "in March": a time marker (token range). */
function timeMarkers(tokens: readonly Token[]): TokenMatch[] {
  const out: TokenMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) continue;
    if (isYearToken(t.lower)) out.push({ first: i, last: i, pattern: '#year' });
    else if (MONTHS_AND_SEASONS.has(t.lower) && t.lower !== 'may' && t.lower !== 'fall')
      out.push({ first: i, last: i, pattern: 'month' });
    else if (t.lower === 'ago' && i > 0) out.push({ first: i - 1, last: i, pattern: 'ago' });
  }
  return out;
}

/** A cue that carries content: at least `need` concrete words within the window after it (and a few before). */
function withContent(
  ctx: Context,
  m: TokenMatch,
  need: number,
  after: number,
  before = 0,
): { match: TokenMatch; concrete: number[] } | null {
  const words = concreteIn(ctx, m.first - before, m.last + after);
  return words.length >= need ? { match: m, concrete: words } : null;
}

/** Evidence from the start of `m` to its last concrete word after it: a verbatim span showing the content. */
function spanWithContent(ctx: Context, m: TokenMatch, concrete: readonly number[], label: string): Evidence {
  const lastAfter = concrete.filter((k) => k > m.last).slice(0, 4);
  const last = Math.max(m.last, lastAfter[lastAfter.length - 1] ?? m.last);
  return evidenceOf(ctx.source, ctx.tokens, { first: m.first, last }, label);
}

interface StarAnalysis {
  readonly situation: { match: TokenMatch; concrete: number[] } | null;
  readonly task: { match: TokenMatch; concrete: number[] } | null;
  readonly result: { match: TokenMatch; concrete: number[] } | null;
  /** Cue words found without content (for the reason). */
  readonly emptyCues: string[];
  readonly firstAction: number;
}

function analyseStar(ctx: Context): StarAnalysis {
  const { tokens, actions } = ctx;
  const firstAction = actions[0]?.first ?? -1;
  const emptyCues: string[] = [];
  const firstWith = (
    matches: readonly TokenMatch[],
    need: number,
    after: number,
    before: number,
    label: string,
  ): { match: TokenMatch; concrete: number[] } | null => {
    for (const m of matches) {
      const r = withContent(ctx, m, need, after, before);
      if (r !== null) return r;
    }
    if (matches.length > 0) emptyCues.push(label);
    return null;
  };
  const situationCandidates = [...findAny(tokens, SITUATION_CUES), ...timeMarkers(tokens)].sort(
    (a, b) => a.first - b.first,
  );
  const situation = firstWith(situationCandidates, 3, 15, 4, 'Situation');
  const task = firstWith(findAny(tokens, TASK_CUES), 1, 10, 0, 'Task');
  // a result comes after an action with an object, and says what changed
  const results = firstAction >= 0 ? findAny(tokens, RESULT_CUES).filter((m) => m.first > firstAction) : [];
  const measured = new Set(ctx.sub.measures.filter((m) => m.referent !== null).map((m) => m.first));
  let result: { match: TokenMatch; concrete: number[] } | null = null;
  for (const m of results) {
    const r = withContent(ctx, m, 1, 10);
    const hasMeasure = [...measured].some((f) => f > m.last && f <= m.last + 10);
    if (r !== null) {
      result = r;
      break;
    }
    if (hasMeasure) {
      result = { match: m, concrete: [] };
      break;
    }
  }
  if (result === null && findAny(tokens, RESULT_CUES).length > 0) emptyCues.push('Result');
  return { situation, task, result, emptyCues, firstAction };
}

function scoreStar(ctx: Context, star: StarAnalysis): CriterionResult {
  const { source, tokens, actions } = ctx;
  const hasS = star.situation !== null;
  const hasT = star.task !== null;
  const hasA = actions.length > 0;
  const hasR = star.result !== null;
  const present = [hasS, hasT, hasA, hasR].filter(Boolean).length;
  const setupFirst = Math.min(star.situation?.match.first ?? Infinity, star.task?.match.first ?? Infinity);
  const inOrder = present === 4 && setupFirst < star.firstAction;
  let score: Score = present <= 1 ? 1 : present === 2 ? 2 : present === 3 ? 3 : inOrder ? 5 : 4;
  if (ctx.sub.stuffing) score = 1;

  const evidence: Evidence[] = [];
  if (star.situation !== null)
    evidence.push(spanWithContent(ctx, star.situation.match, star.situation.concrete, 'Situation'));
  if (star.task !== null) evidence.push(spanWithContent(ctx, star.task.match, star.task.concrete, 'Task'));
  for (const a of actions.slice(0, 3)) evidence.push(evidenceOf(source, tokens, a, 'Action'));
  if (star.result !== null)
    evidence.push(spanWithContent(ctx, star.result.match, star.result.concrete, 'Result'));

  const iCount = actions.filter((a) => a.subject === 'i').length;
  const weCount = actions.length - iCount;
  const found = [
    hasS ? 'Situation' : null,
    hasT ? 'Task' : null,
    hasA ? `Action (${plural(iCount, '“I” clause')}, ${plural(weCount, '“we” clause')})` : null,
    hasR ? 'Result' : null,
  ].filter((x): x is string => x !== null);
  const missing = [
    hasS ? null : 'Situation',
    hasT ? null : 'Task',
    hasA ? null : 'Action',
    hasR ? null : 'Result',
  ].filter((x): x is string => x !== null);
  let reason = found.length > 0 ? `Found ${found.join(', ')}.` : 'No STAR element found.';
  if (missing.length > 0) reason += ` Missing: ${missing.join(', ')}.`;
  if (present === 4)
    reason += inOrder ? ' Told in order.' : ' Actions start before the situation or task is set out.';
  if (star.emptyCues.length > 0)
    reason += ` Cue words without content do not count (${star.emptyCues.join(', ')}: nothing concrete follows).`;
  if (ctx.sub.stuffing) reason += ` Scored 1: ${ctx.sub.stuffingReasons.join('; ')}.`;

  let tip: string;
  if (ctx.sub.stuffing) {
    tip =
      'Tell one real example instead of listing labels: where you were, what exactly you did (verb + what you did it to), and what changed.';
  } else if (!hasS) {
    tip =
      'Open with one sentence of context — where you were, when, and what was at stake (e.g. “In 2023, at a 40-person NGO, our donor report was two weeks late.”).';
  } else if (!hasT) {
    tip = 'Right after the context, add one line on your own goal: “My task was to … by …”.';
  } else if (!hasA) {
    tip =
      'Describe 2–3 steps you personally took, each with what you acted on (“I mapped the clinics’ forms”, “I proposed a shared template”).';
  } else if (!hasR) {
    tip = 'Finish with the outcome: “As a result, …” — what changed, for whom, and by how much.';
  } else if (!inOrder) {
    tip =
      'Tell it in order: context and goal first, then your actions, then the result — you started on actions before setting the scene.';
  } else {
    tip =
      'Strong structure. Keep the situation to about a fifth of the answer so most of your time goes on actions and the result.';
  }
  return criterion('star', { score, reason, evidence, tip });
}

function measureText(ctx: Context, m: Measure): string {
  return ctx.source.slice(m.start, m.end);
}

function scoreResult(ctx: Context, star: StarAnalysis): CriterionResult {
  const { source, tokens } = ctx;
  const r0 = star.result?.match;
  const zoneStart = r0 !== undefined ? sentenceStart(tokens, r0.first) : star.firstAction;
  const inZone = star.firstAction < 0 ? [] : ctx.sub.measures.filter((m) => m.first >= zoneStart);
  const measures = inZone.filter((m) => m.referent !== null);
  const bare = ctx.sub.measures.filter((m) => m.referent === null);
  const vague = findAny(tokens, VAGUE_RESULT_CUES);
  const reflection = findAny(tokens, REFLECTION_CUES).filter(
    (m) => concreteIn(ctx, m.last + 1, m.last + 10).length > 0,
  );
  const hasR = r0 !== undefined;

  let score: Score;
  if (hasR && (measures.length >= 2 || (measures.length === 1 && reflection.length > 0))) score = 5;
  else if (hasR && measures.length === 1) score = 4;
  else if (hasR || measures.length > 0) score = 3;
  else if (vague.length > 0) score = 2;
  else score = 1;
  if (ctx.sub.stuffing) score = 1;

  const evidence: Evidence[] = [];
  if (star.result !== null)
    evidence.push(spanWithContent(ctx, star.result.match, star.result.concrete, 'outcome'));
  for (const m of measures) {
    const from = Math.min(m.first, m.referent ?? m.first);
    const to = Math.max(m.last, m.referent ?? m.last);
    const span = evidenceOf(source, tokens, { first: from, last: to }, 'measure');
    const start = Math.min(span.start, m.start);
    evidence.push({ text: source.slice(start, span.end), start, end: span.end, label: 'measure' });
  }
  const refl = reflection[0];
  if (refl !== undefined) evidence.push(evidenceOf(source, tokens, refl, 'lesson'));
  const vague0 = vague[0];
  if (score <= 2 && vague0 !== undefined) evidence.push(evidenceOf(source, tokens, vague0, 'vague outcome'));
  const bareCounts = ctx.sub.stuffing || (bare.length >= 2 && bare.length > measures.length);
  if (bareCounts)
    for (const m of bare.slice(0, 5))
      evidence.push({
        text: measureText(ctx, m),
        start: m.start,
        end: m.end,
        label: 'number without referent',
      });

  const shown = measures.map((m) => quote(measureText(ctx, m), 30));
  let reason: string;
  if (ctx.sub.stuffing) reason = `Scored 1: ${ctx.sub.stuffingReasons.join('; ')}.`;
  else if (score === 1)
    reason =
      star.firstAction < 0 && ctx.sub.measures.length > 0
        ? 'Numbers are given, but no action comes before them, so nothing shows what you changed.'
        : 'No outcome is mentioned.';
  else if (score === 2)
    reason = `Only a vague outcome (${quote(vague0 === undefined ? '' : spanOf(source, tokens, vague0.first, vague0.last).text)}), nothing measurable.`;
  else if (!hasR)
    reason = `Numbers are given (${shown.join(', ')}) but the answer never says what changed as a result.`;
  else if (measures.length === 0) reason = 'An outcome is stated but not quantified.';
  else
    reason = `Outcome stated with ${plural(measures.length, 'measure')} (${shown.join(', ')})${reflection.length > 0 ? ' and a lesson learned' : ''}.`;
  if (!ctx.sub.stuffing && bareCounts)
    reason += ` ${plural(bare.length, 'number')} without saying what ${bare.length === 1 ? 'it measures' : 'they measure'} did not count.`;

  let tip: string;
  if (ctx.sub.stuffing || (score === 1 && bare.length > 0))
    tip =
      'Attach every number to what changed and to your action: “after I moved the recount to Sunday, short orders fell from 8% to 1%”.';
  else if (score === 1)
    tip =
      'End with a concrete outcome and one number, e.g. “As a result, processing time fell from 10 days to 4.”';
  else if (score === 2)
    tip = `Replace ${quote(vague0 === undefined ? '' : spanOf(source, tokens, vague0.first, vague0.last).text)} with what changed and by how much, e.g. “complaints fell by a third within two months”.`;
  else if (!hasR)
    tip = 'Link your numbers to your actions with an explicit outcome sentence: “As a result, …”.';
  else if (measures.length === 0)
    tip =
      'Quantify the outcome with at least one number and what it measures — %, time saved, money, people reached (e.g. “cut billing errors by 30%”).';
  else if (score === 4)
    tip =
      'Add a second measure or a lesson learned (“Next time I would …”) to make the result fully convincing.';
  else
    tip =
      'Convincing result. Be ready to say how it was measured (baseline and source) if the interviewer probes.';
  return criterion('result', { score, reason, evidence, tip });
}

function scoreOwnership(ctx: Context): CriterionResult {
  const { source, tokens, actions } = ctx;
  const iN = actions.filter((a) => a.subject === 'i').length;
  const weN = actions.length - iN;
  const total = iN + weN;
  const ratio = total === 0 ? 0 : iN / total;
  let score: Score =
    total === 0 || ratio < 0.2 ? 1 : ratio < 0.35 ? 2 : ratio < 0.5 ? 3 : ratio < 0.65 ? 4 : 5;
  // one action is not a story of ownership
  if (total === 1 && score > 3) score = 3;
  if (ctx.sub.stuffing) score = 1;
  const evidence = (
    score <= 3 ? actions.filter((a) => a.subject === 'we') : actions.filter((a) => a.subject === 'i')
  )
    .slice(0, 6)
    .map((a) => evidenceOf(source, tokens, a, a.subject === 'i' ? 'I' : 'we'));
  let reason =
    total === 0
      ? 'No first-person action with an object (“I organised the rota”, “we rebuilt the form”) found, so it is unclear what you did.'
      : `${iN} of ${plural(total, 'action')} told as “I” (${Math.round(ratio * 100)}%), ${weN} as “we”.`;
  if (ctx.sub.bareActions > 0)
    reason += ` ${plural(ctx.sub.bareActions, '“I/we” verb')} without saying what was done (e.g. “I led,”) did not count.`;
  if (ctx.sub.stuffing) reason += ` Scored 1: ${ctx.sub.stuffingReasons.join('; ')}.`;
  let tip: string;
  if (total === 0 || ctx.sub.stuffing)
    tip =
      'Say what you did in the past tense, starting with “I” and naming what you acted on: “I called the supplier”, “I rebuilt the schedule”.';
  else if (score <= 2)
    tip = `Most steps are told as “we”. Re-tell the key ones as your own — “I drafted…”, “I convinced…” — interviewers score what you did.`;
  else if (score <= 4)
    tip = 'For each “we did …”, add what you specifically did within it (“…and I wrote the proposal”).';
  else
    tip =
      'Clear ownership. Credit one thing a teammate did too, so it does not sound as if you worked alone.';
  return criterion('ownership', { score, reason, evidence, tip });
}

/** The behaviour with the concrete words that make it one: from the nearest one before to the nearest after. */
function behaviourSpan(ctx: Context, m: { first: number; last: number }, label: string): Evidence {
  const around = concreteIn(ctx, m.first - 6, m.last + 6).filter((k) => !ctx.keyTermTokens.has(k));
  const before = around.filter((k) => k < m.first);
  const after = around.filter((k) => k > m.last);
  let first = m.first;
  let last = m.last;
  const a = after[0];
  const b = before[before.length - 1];
  if (a !== undefined) last = a;
  if (b !== undefined && (a === undefined || after.length < 2)) first = b;
  // keep the span within one sentence
  for (let k = m.first; k > first; k--)
    if (hasSentenceBreak(ctx.tokens[k]?.gapBefore ?? '')) {
      first = k;
      break;
    }
  for (let k = m.last + 1; k <= last; k++)
    if (hasSentenceBreak(ctx.tokens[k]?.gapBefore ?? '')) {
      last = k - 1;
      break;
    }
  return evidenceOf(ctx.source, ctx.tokens, { first, last }, label);
}

/**
 * A match used with content: at least two concrete words within a few words around it, not counting the
 * job's key terms (a list of key terms is not a sentence about them).
 */
function inContext(ctx: Context, m: { first: number; last: number }): boolean {
  if (ctx.sub.stuffing) return false;
  return concreteIn(ctx, m.first - 6, m.last + 6).filter((k) => !ctx.keyTermTokens.has(k)).length >= 2;
}

function scoreCompetency(
  ctx: Context,
  competency: CompetencyId,
  keyTerms: readonly KeyTermRef[],
): CriterionResult {
  const { source, tokens } = ctx;
  const def = COMPETENCIES[competency];
  const lexicon = COMPILED_LEXICONS.get(competency) ?? [];
  const matched: { label: string; evidence: Evidence }[] = [];
  const missing: string[] = [];
  let named = 0;
  for (const concept of lexicon) {
    const all = findAny(tokens, concept.patterns);
    const m = all.find((x) => inContext(ctx, x));
    if (m === undefined) {
      missing.push(concept.label);
      if (all.length > 0) named++;
    } else matched.push({ label: concept.label, evidence: behaviourSpan(ctx, m, concept.label) });
  }
  // for role-specific questions the job's own key terms count as expertise evidence
  if (competency === 'role-expertise') {
    for (const k of keyTerms.slice(0, 10)) {
      const all = findTerm(tokens, k.key);
      const m = all.find((x) => inContext(ctx, x));
      if (m !== undefined) matched.push({ label: k.term, evidence: evidenceOf(source, tokens, m, k.term) });
      else if (all.length > 0) named++;
    }
  }
  const n = matched.length;
  let score: Score = n === 0 ? 1 : n === 1 ? 2 : n === 2 ? 3 : n <= 4 ? 4 : 5;
  if (ctx.sub.stuffing) score = 1;
  let reason =
    n === 0
      ? `No behaviour of “${def.label}” is shown.`
      : `${plural(n, 'distinct behaviour')} of “${def.label}” shown: ${matched.map((m) => quote(m.evidence.text, 30)).join(', ')}.`;
  if (named > 0)
    reason += ` ${plural(named, 'more was', 'more were')} only named, with nothing concrete around ${named === 1 ? 'it' : 'them'}.`;
  if (ctx.sub.stuffing) reason += ` Scored 1: ${ctx.sub.stuffingReasons.join('; ')}.`;
  const [m1, m2] = missing;
  const tip =
    n >= 5 || m1 === undefined
      ? `Strong ${def.label} evidence. Lead with the most important behaviour (${quote(matched[0]?.evidence.text ?? def.label, 30)}) so the interviewer hears it first.`
      : `To show ${def.label}, add one sentence on ${m1}${m2 === undefined ? '' : ` and one on ${m2}`} — what you did, with whom, about what.`;
  return criterion('competency', {
    score,
    reason,
    evidence: ctx.sub.stuffing ? [] : matched.map((m) => m.evidence),
    tip,
  });
}

interface KeyTermRef {
  readonly term: string;
  readonly key: string;
}

function scoreRelevance(ctx: Context, keyTerms: readonly KeyTermRef[]): CriterionResult {
  const { source, tokens } = ctx;
  const top = keyTerms.slice(0, 10);
  const hits: { term: string; evidence: Evidence }[] = [];
  const listed: string[] = [];
  const misses: string[] = [];
  for (const k of top) {
    const all = findTerm(tokens, k.key);
    const m = all.find((x) => inContext(ctx, x));
    if (m !== undefined) hits.push({ term: k.term, evidence: evidenceOf(source, tokens, m, k.term) });
    else if (all.length > 0) listed.push(k.term);
    else misses.push(k.term);
  }
  const needed = Math.min(4, top.length);
  // a term only named in a list, with nothing concrete around it, counts a third
  const credit = hits.length + listed.length / 3;
  const score = toScore(1 + (4 * Math.min(credit, needed)) / needed);
  let reason =
    hits.length === 0
      ? `None of the job’s top ${plural(top.length, 'key term')} is used in a concrete sentence (${top
          .slice(0, 4)
          .map((k) => k.term)
          .join(', ')}).`
      : `${hits.length} of the job’s top ${plural(top.length, 'key term')} used: ${hits.map((h) => h.term).join(', ')}.`;
  if (listed.length > 0) reason += ` Only named, not used: ${listed.join(', ')} (a third each).`;
  const [a, b] = [...listed, ...misses];
  const tip =
    a === undefined
      ? 'Well tied to the job. Keep naming the tools and skills from the posting when you describe what you did.'
      : `Tie your example to this job: say how you used ${a}${b === undefined ? '' : ` or ${b}`} in the situation you describe.`;
  return criterion('relevance', { score, reason, evidence: hits.map((h) => h.evidence), tip });
}

function scoreSubstance(ctx: Context, star: StarAnalysis): CriterionResult {
  const { sub } = ctx;
  const attached = sub.measures.filter((m) => m.referent !== null);
  const bare = sub.measures.filter((m) => m.referent === null);
  let points = 1;
  if (star.situation !== null) points++;
  if (sub.actions.length >= 2) points++;
  if (sub.actions.length >= 4) points++;
  if (attached.length >= 1) points++;
  if (sub.distinctConcrete >= 12) points++;
  if (sub.distinctConcrete >= 25) points++;
  if (bare.length >= 2 && bare.length > attached.length) points--;
  let score = toScore(points);
  if (sub.stuffing) score = 1;
  const evidence: Evidence[] = [];
  if (star.situation !== null)
    evidence.push(spanWithContent(ctx, star.situation.match, star.situation.concrete, 'context'));
  for (const a of sub.actions.slice(0, 3))
    evidence.push(evidenceOf(ctx.source, ctx.tokens, a, 'action + object'));
  if (sub.stuffing || (bare.length >= 2 && bare.length > attached.length))
    for (const m of bare.slice(0, 3))
      evidence.push({
        text: measureText(ctx, m),
        start: m.start,
        end: m.end,
        label: 'number without referent',
      });
  const reason = sub.stuffing
    ? `Little content behind the words: ${sub.stuffingReasons.join('; ')}.`
    : `${plural(sub.distinctConcrete, 'distinct concrete word')}, ${plural(sub.actions.length, 'action')} with an object, ` +
      `${plural(attached.length, 'number')} tied to what ${attached.length === 1 ? 'it measures' : 'they measure'}` +
      `${bare.length > 0 ? `, ${bare.length} without` : ''}; ${star.situation === null ? 'no' : 'a'} concrete setting; ` +
      `${Math.round(sub.lexicalDiversity * 100)}% of content words distinct.`;
  let tip: string;
  if (sub.stuffing)
    tip =
      'Cue words and numbers only count with content: name the place and time, say what each action was done to, and what each number measures.';
  else if (star.situation === null)
    tip = 'Name a real setting the interviewer can picture: the organisation, your role, when it happened.';
  else if (sub.actions.length < 2)
    tip =
      'Give two or three actions with what you acted on (“I rewrote the intake form”, not “I improved things”).';
  else if (attached.length === 0)
    tip =
      'Tie one number to what it measures and when: “waiting time fell from 40 to 15 minutes over the summer”.';
  else
    tip =
      'Specific and concrete. Keep one detail per step; cut anything the interviewer would not ask about.';
  return criterion('substance', { score, reason, evidence, tip });
}

function scoreLength(ctx: Context): CriterionResult {
  const w = ctx.wordCount;
  const score: Score =
    w >= 150 && w <= 300
      ? 5
      : (w >= 120 && w < 150) || (w > 300 && w <= 360)
        ? 4
        : (w >= 90 && w < 120) || (w > 360 && w <= 420)
          ? 3
          : (w >= 50 && w < 90) || (w > 420 && w <= 520)
            ? 2
            : 1;
  const minutes = round(w / 140, 1);
  const reason = `${plural(w, 'word')} ≈ ${minutes} min at a typical 140 words per minute; the target is 150–300 words (1–2 minutes).`;
  let tip: string;
  if (w < 150)
    tip = `At ${plural(w, 'word')} the answer is too short to cover situation, actions and result. Add your two or three key actions and one number for the outcome.`;
  else if (w > 300)
    tip = `At ${w} words it starts to ramble. Cut the background to two sentences and stop right after the result.`;
  else tip = 'Length is right. Practise ending on the result instead of adding extra detail afterwards.';
  return criterion('length', { score, reason, evidence: [], tip });
}

function scorePace(
  wpm: number,
  source: 'word-timings' | 'duration',
  seconds: number,
  words: number,
): CriterionResult {
  const score: Score =
    wpm >= 130 && wpm <= 160
      ? 5
      : (wpm >= 115 && wpm < 130) || (wpm > 160 && wpm <= 175)
        ? 4
        : (wpm >= 100 && wpm < 115) || (wpm > 175 && wpm <= 190)
          ? 3
          : (wpm >= 85 && wpm < 100) || (wpm > 190 && wpm <= 210)
            ? 2
            : 1;
  const basis =
    source === 'word-timings' ? 'from word timings, first word to last' : 'from the recording duration';
  const reason = `${wpm} words per minute (${words} words in ${round(seconds, 1)} s, ${basis}); 130–160 is comfortable.`;
  let tip: string;
  if (wpm < 130)
    tip = `At ${wpm} wpm you can sound hesitant. Prepare your first sentence and your result sentence so you can say them without searching for words.`;
  else if (wpm > 160)
    tip = `At ${wpm} wpm listeners struggle to follow. Pause for a full second after the situation and again before the result.`;
  else tip = 'Comfortable pace. Add a short pause just before your result so it lands.';
  return criterion('pace', { score, reason, evidence: [], tip });
}

function topLabel(annotations: readonly Annotation[]): { label: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const a of annotations) counts.set(a.label, (counts.get(a.label) ?? 0) + 1);
  let best: { label: string; count: number } | undefined;
  for (const [label, count] of counts) if (best === undefined || count > best.count) best = { label, count };
  return best;
}

function scoreFillers(ctx: Context, per100: number): CriterionResult {
  const fillers = ctx.annotations.filter((a) => a.kind === 'filler');
  const score: Score = per100 <= 1 ? 5 : per100 <= 2.5 ? 4 : per100 <= 4 ? 3 : per100 <= 6 ? 2 : 1;
  const top = topLabel(fillers);
  const reason =
    fillers.length === 0
      ? 'No filler words found.'
      : `${plural(fillers.length, 'filler')} in ${plural(ctx.wordCount, 'word')} = ${per100} per 100 words; most frequent: “${top?.label ?? ''}” (${top?.count ?? 0}×).`;
  const tip =
    top === undefined
      ? 'No fillers — keep using short silent pauses instead of sounds while you think.'
      : `Your most frequent filler was “${top.label}” (${top.count}×). When you feel it coming, pause silently for a second instead — a pause sounds confident, a filler does not.`;
  return criterion('fillers', {
    score,
    reason,
    evidence: fillers.map(({ text, start, end, label }) => ({ text, start, end, label })),
    tip,
  });
}

function scoreHedging(ctx: Context, per100: number): CriterionResult {
  const hedges = ctx.annotations.filter((a) => a.kind === 'hedge');
  const score: Score = per100 <= 0.5 ? 5 : per100 <= 1.2 ? 4 : per100 <= 2.5 ? 3 : per100 <= 4 ? 2 : 1;
  const top = topLabel(hedges);
  const reason =
    hedges.length === 0
      ? 'No hedging phrases found.'
      : `${plural(hedges.length, 'hedge')} in ${plural(ctx.wordCount, 'word')} = ${per100} per 100 words; most frequent: “${top?.label ?? ''}” (${top?.count ?? 0}×).`;
  const tip =
    top === undefined
      ? 'Direct, confident wording. Keep stating decisions as facts: “I decided…”, “The result was…”.'
      : `Drop “${top.label}” (${top.count}×) and state it directly: “I decided to…” rather than “${top.label} I decided to…”.`;
  return criterion('hedging', {
    score,
    reason,
    evidence: hedges.map(({ text, start, end, label }) => ({ text, start, end, label })),
    tip,
  });
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

const TOP_WORDS_EXCLUDED = new Set([
  'really',
  'just',
  'also',
  'going',
  'got',
  'get',
  'lot',
  'yeah',
  'okay',
  'said',
  'say',
  'make',
  'made',
]);

function topWords(
  tokens: readonly Token[],
  annotations: readonly Annotation[],
): { word: string; count: number }[] {
  const annotated = (t: Token): boolean => annotations.some((a) => t.start >= a.start && t.end <= a.end);
  const counts = new Map<string, number>();
  for (const t of tokens) {
    if (
      t.lower.length < 3 ||
      STOP_WORDS.has(t.lower) ||
      TOP_WORDS_EXCLUDED.has(t.lower) ||
      isNumberToken(t.lower) ||
      annotated(t)
    )
      continue;
    counts.set(t.lower, (counts.get(t.lower) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([word, count]) => ({ word, count }));
}

function speakingTime(
  words: readonly WordTiming[] | undefined,
  durationSeconds: number,
  wordCount: number,
): { seconds: number; words: number; source: 'word-timings' | 'duration' } | null {
  const timed = (words ?? []).filter(
    (w) => Number.isFinite(w.start) && Number.isFinite(w.end) && w.end >= w.start,
  );
  if (timed.length >= 2) {
    const first = Math.min(...timed.map((w) => w.start));
    const last = Math.max(...timed.map((w) => w.end));
    if (last - first > 0) return { seconds: last - first, words: timed.length, source: 'word-timings' };
  }
  if (Number.isFinite(durationSeconds) && durationSeconds > 0 && wordCount > 0) {
    return { seconds: durationSeconds, words: wordCount, source: 'duration' };
  }
  return null;
}

/** Criteria about how the answer was delivered rather than what it says. */
export const DELIVERY_CRITERIA: ReadonlySet<CriterionId> = new Set(['length', 'pace', 'fillers', 'hedging']);
/** Share of the delivery criteria's weight earned, by substance score. */
export const DELIVERY_CREDIT: Readonly<Record<Score, number>> = { 1: 0.25, 2: 0.5, 3: 0.75, 4: 1, 5: 1 };

/** The documented weighted mean (see RUBRIC_CRITERIA), 0–100. */
export function overallOf(
  criteria: readonly Pick<CriterionResult, 'id' | 'weight' | 'score'>[],
  deliveryCredit: number,
): number {
  const totalWeight = criteria.reduce((s, c) => s + c.weight, 0);
  const weighted = criteria.reduce(
    (s, c) => s + (c.weight * (DELIVERY_CRITERIA.has(c.id) ? deliveryCredit : 1) * (c.score - 1)) / 4,
    0,
  );
  return totalWeight === 0 ? 0 : Math.round((100 * weighted) / totalWeight);
}

/** Scores one spoken answer. Same input → same output. */
export function scoreAnswer(input: ScoreAnswerInput): AnswerScore {
  const source = input.transcript;
  const tokens = tokenize(source);
  const wordCount = tokens.length;
  const annotations = annotateTokens(source, tokens);
  const sub = analyseSubstance(source, tokens, annotations, {
    isCue: (w) => isCueWord(w, input.question.competency),
  });
  const actions = sub.actions;
  const keyTerms: KeyTermRef[] = (input.jobKeyTerms ?? [])
    .map((k) => (typeof k === 'string' ? k : k.term).trim())
    .filter((term) => term.length > 0)
    .map((term) => ({ term, key: termKey(term) }))
    .filter((k) => k.key.length > 0);
  const keyTermTokens = new Set<number>();
  for (const k of keyTerms.slice(0, 10))
    for (const m of findTerm(tokens, k.key)) for (let i = m.first; i <= m.last; i++) keyTermTokens.add(i);
  const ctx: Context = { source, tokens, wordCount, annotations, actions, sub, keyTermTokens };

  const fillerCount = annotations.filter((a) => a.kind === 'filler').length;
  const hedgeCount = annotations.filter((a) => a.kind === 'hedge').length;
  const fillerPer100 = wordCount === 0 ? 0 : round((fillerCount / wordCount) * 100, 1);
  const hedgesPer100 = wordCount === 0 ? 0 : round((hedgeCount / wordCount) * 100, 1);
  const timing = speakingTime(input.words, input.durationSeconds, wordCount);
  const wpm = timing === null ? null : Math.round((timing.words / timing.seconds) * 60);

  const criteria: CriterionResult[] = [];
  const star = analyseStar(ctx);
  if (input.question.expectsStar) {
    criteria.push(scoreStar(ctx, star), scoreResult(ctx, star), scoreOwnership(ctx));
  }
  criteria.push(scoreCompetency(ctx, input.question.competency, keyTerms));
  criteria.push(scoreSubstance(ctx, star));
  if (keyTerms.length > 0) criteria.push(scoreRelevance(ctx, keyTerms));
  criteria.push(scoreLength(ctx));
  if (timing !== null && wpm !== null)
    criteria.push(scorePace(wpm, timing.source, timing.seconds, timing.words));
  criteria.push(scoreFillers(ctx, fillerPer100), scoreHedging(ctx, hedgesPer100));

  // nothing said: every criterion is a 1, whatever the rates say
  const finalCriteria =
    wordCount === 0
      ? criteria.map((c): CriterionResult => ({
          ...c,
          score: 1,
          reason: 'No speech was transcribed.',
          evidence: [],
        }))
      : criteria;

  const substanceScore = finalCriteria.find((c) => c.id === 'substance')?.score ?? 1;
  const deliveryCredit = sub.stuffing ? 0 : DELIVERY_CREDIT[substanceScore];
  const overall = overallOf(finalCriteria, deliveryCredit);

  return {
    rubricVersion: RUBRIC_VERSION,
    overall,
    criteria: finalCriteria,
    metrics: {
      wordCount,
      wpm,
      paceSource: timing?.source ?? 'none',
      speakingSeconds: timing === null ? null : round(timing.seconds, 2),
      fillerCount,
      fillerPer100,
      hedges: hedgeCount,
      hedgesPer100,
      iActions: actions.filter((a) => a.subject === 'i').length,
      weActions: actions.filter((a) => a.subject === 'we').length,
      topWords: topWords(tokens, annotations),
      deliveryCredit,
      concreteWords: sub.distinctConcrete,
      lexicalDiversity: round(sub.lexicalDiversity, 2),
      unattachedNumbers: sub.measures.filter((m) => m.referent === null).length,
      stuffing: sub.stuffingReasons,
    },
    annotations,
  };
}
