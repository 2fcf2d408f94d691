/**
 * Job-specific track: key-term extraction from a job description and a
 * deterministic, template-based question generator.
 */
import type { CompetencyId } from './competencies';
import { createRng, hashString, shuffle, type Seed } from './prng';
import { QUESTION_BANK_VERSION, type Question, type QuestionKind } from './questions';
import {
  JOB_POSTING_STOP_WORDS,
  STOP_WORDS,
  hasComma,
  hasSentenceBreak,
  isNumberToken,
  isPlainGap,
  round,
  stem,
  tokenize,
  type Token,
} from './text';

// ---------------------------------------------------------------------------
// Key-term extraction
// ---------------------------------------------------------------------------

export interface KeyTerm {
  /** Display form, the most frequent surface spelling ("SQL", "stakeholders"). */
  readonly term: string;
  /** Normalised key: lower-cased, plural-stripped words joined by spaces. */
  readonly key: string;
  /** Relevance score (higher = more important); see `extractKeyTerms`. */
  readonly score: number;
  /** Occurrences in the description (including inside requirement phrases). */
  readonly count: number;
  /** Found after a requirement phrase such as "experience with", "proficient in". */
  readonly fromRequirement: boolean;
  /** All words of the term also occur in the job title. */
  readonly inTitle: boolean;
}

export interface ExtractKeyTermsOptions {
  readonly jobTitle?: string;
  /** Maximum number of terms returned (default 12). */
  readonly max?: number;
}

/** Scoring constants, exported so the weighting is documented and testable. */
export const KEY_TERM_WEIGHTS = {
  /** An occurrence at the very start weighs 1 + POSITION_BONUS, at the end 1. */
  POSITION_BONUS: 0.5,
  /** Multiplier by n-gram length (1, 2, 3 words). */
  LENGTH_FACTOR: [1, 1.5, 1.8] as const,
  /** Added per occurrence inside a requirement phrase. */
  REQUIREMENT_BONUS: 2.5,
  /** Added once when every word of the term is in the job title. */
  TITLE_BONUS: 3,
  MAX_NGRAM: 3,
} as const;

/**
 * Requirement triggers: the words after them (up to the end of the clause) are
 * parsed as a list of skills: "experience with SQL, Python and dbt".
 */
const REQUIREMENT_TRIGGERS: readonly (readonly string[])[] = [
  ['experience', 'with'],
  ['experience', 'in'],
  ['experience', 'using'],
  ['experience', 'of'],
  ['experience', 'building'],
  ['experience', 'developing'],
  ['experience', 'designing'],
  ['experience', 'managing'],
  ['experience', 'leading'],
  ['experience', 'working', 'with'],
  ['proficient', 'in'],
  ['proficient', 'with'],
  ['proficiency', 'in'],
  ['proficiency', 'with'],
  ['knowledge', 'of'],
  ['familiar', 'with'],
  ['familiarity', 'with'],
  ['expertise', 'in'],
  ['expert', 'in'],
  ['skilled', 'in'],
  ['background', 'in'],
  ['understanding', 'of'],
  ['fluent', 'in'],
  ['fluency', 'in'],
  ['degree', 'in'],
  ['competence', 'in'],
  ['comfortable', 'with'],
  ['hands-on', 'with'],
  ['track', 'record', 'in'],
];
const LIST_SEPARATORS = new Set(['and', 'or', 'and/or', 'as', 'such', 'e.g', 'i.e', 'including', 'like']);
const MAX_REQUIREMENT_TOKENS = 12;

function isStop(lower: string): boolean {
  return STOP_WORDS.has(lower) || JOB_POSTING_STOP_WORDS.has(lower);
}

function isCandidateToken(tok: Token): boolean {
  if (isStop(tok.lower) || isNumberToken(tok.lower)) return false;
  if (!/\p{L}/u.test(tok.text)) return false;
  // single letters only when written as a capital (the "R" language, "C")
  if (tok.text.length === 1) return /^[A-HJ-Z]$/.test(tok.text);
  return true;
}

interface Candidate {
  key: string;
  n: number;
  firstPos: number;
  count: number;
  weighted: number;
  requirementHits: number;
  surfaces: Map<string, number>;
}

/** Breaks between phrases: any punctuation or line break. */
function breaksPhrase(gap: string): boolean {
  return !isPlainGap(gap) || hasSentenceBreak(gap);
}

/**
 * Extracts the key terms of a job description.
 *
 * 1. Tokenise (offsets kept), split into phrases at punctuation and line breaks.
 * 2. Candidates are 1–3-word runs of non-stop words (English stop words plus
 *    job-posting boilerplate like "experience", "strong", "team").
 * 3. score = Σ occurrences (1 + 0.5 × (1 − position / length)) × length factor
 *            + 2.5 × occurrences inside requirement phrases
 *            + 3 if all words appear in the job title.
 * 4. Multi-word terms need ≥ 2 occurrences unless they come from a requirement
 *    phrase or the title; a shorter term is dropped when it never appears
 *    outside an already selected longer term.
 */
export function extractKeyTerms(jobDescription: string, options: ExtractKeyTermsOptions = {}): KeyTerm[] {
  const max = options.max ?? 12;
  const tokens = tokenize(jobDescription);
  const length = Math.max(jobDescription.length, 1);
  const titleStems = new Set(tokenize(options.jobTitle ?? '').map((t) => stem(t.lower)));
  const candidates = new Map<string, Candidate>();

  const record = (run: readonly Token[], fromRequirement: boolean): void => {
    const first = run[0];
    if (first === undefined) return;
    const key = run.map((t) => stem(t.lower)).join(' ');
    const surface = run.map((t) => t.text).join(' ');
    let cand = candidates.get(key);
    if (cand === undefined) {
      cand = {
        key,
        n: run.length,
        firstPos: first.start,
        count: 0,
        weighted: 0,
        requirementHits: 0,
        surfaces: new Map(),
      };
      candidates.set(key, cand);
    }
    if (fromRequirement) {
      cand.requirementHits += 1;
      return;
    }
    cand.count += 1;
    cand.weighted += 1 + KEY_TERM_WEIGHTS.POSITION_BONUS * (1 - first.start / length);
    cand.surfaces.set(surface, (cand.surfaces.get(surface) ?? 0) + 1);
  };

  // 1–3-grams of non-stop tokens inside a phrase
  let phrase: Token[] = [];
  const flush = (): void => {
    for (let i = 0; i < phrase.length; i++) {
      for (let n = 1; n <= KEY_TERM_WEIGHTS.MAX_NGRAM && i + n <= phrase.length; n++) {
        const run = phrase.slice(i, i + n);
        if (run.every(isCandidateToken)) record(run, false);
        else break;
      }
    }
    phrase = [];
  };
  for (const tok of tokens) {
    if (phrase.length > 0 && breaksPhrase(tok.gapBefore)) flush();
    phrase.push(tok);
  }
  flush();

  // requirement phrases: "experience with X, Y and Z", "proficient in X"
  for (const item of findRequirementItems(tokens)) {
    record(item.slice(0, KEY_TERM_WEIGHTS.MAX_NGRAM), true);
  }

  const scored = [...candidates.values()]
    .map((c) => {
      const lengthFactor = KEY_TERM_WEIGHTS.LENGTH_FACTOR[c.n - 1] ?? 1;
      const inTitle = c.key.split(' ').every((w) => titleStems.has(w));
      const score =
        c.weighted * lengthFactor +
        KEY_TERM_WEIGHTS.REQUIREMENT_BONUS * c.requirementHits +
        (inTitle ? KEY_TERM_WEIGHTS.TITLE_BONUS : 0);
      return { c, score, inTitle };
    })
    .filter(
      ({ c, inTitle }) => c.count > 0 && (c.n === 1 || c.count >= 2 || c.requirementHits > 0 || inTitle),
    )
    .sort((a, b) => b.score - a.score || a.c.firstPos - b.c.firstPos || a.c.key.localeCompare(b.c.key));

  const selected: { c: Candidate; score: number; inTitle: boolean }[] = [];
  for (const s of scored) {
    if (selected.length >= max) break;
    const subsumed = selected.some(
      (o) => o.c.n > s.c.n && ` ${o.c.key} `.includes(` ${s.c.key} `) && s.c.count <= o.c.count,
    );
    if (subsumed) continue;
    selected.push(s);
  }

  return selected.map(({ c, score, inTitle }) => ({
    term: pickSurface(c.surfaces),
    key: c.key,
    score: round(score, 2),
    count: c.count,
    fromRequirement: c.requirementHits > 0,
    inTitle,
  }));
}

function pickSurface(surfaces: ReadonlyMap<string, number>): string {
  let best = '';
  let bestCount = -1;
  for (const [s, n] of surfaces) {
    if (n > bestCount) {
      best = s;
      bestCount = n;
    }
  }
  return best;
}

/** Token runs that follow a requirement trigger, split into list items. */
function findRequirementItems(tokens: readonly Token[]): Token[][] {
  const items: Token[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const trigger = REQUIREMENT_TRIGGERS.find((t) =>
      t.every(
        (w, k) => tokens[i + k]?.lower === w && (k === 0 || isPlainGap(tokens[i + k]?.gapBefore ?? '')),
      ),
    );
    if (trigger === undefined) continue;
    let current: Token[] = [];
    const push = (): void => {
      if (current.length > 0) items.push(current);
      current = [];
    };
    for (
      let j = i + trigger.length, taken = 0;
      j < tokens.length && taken < MAX_REQUIREMENT_TOKENS;
      j++, taken++
    ) {
      const tok = tokens[j];
      if (tok === undefined) break;
      if (taken > 0 && (hasSentenceBreak(tok.gapBefore) || /[;:()]/.test(tok.gapBefore))) break;
      if (taken > 0 && hasComma(tok.gapBefore)) push();
      if (LIST_SEPARATORS.has(tok.lower) || !isCandidateToken(tok)) {
        push();
        continue;
      }
      current.push(tok);
    }
    push();
  }
  return items;
}

// ---------------------------------------------------------------------------
// Question generation
// ---------------------------------------------------------------------------

interface Template {
  readonly id: string;
  readonly kind: QuestionKind;
  readonly competency: CompetencyId;
  readonly expectsStar: boolean;
  /** Placeholders: {jobTitle}, {term}, {term2} (skills) and {audience} (people, e.g. stakeholders). */
  readonly text: string;
  readonly shows: readonly string[];
}

const t = (
  id: string,
  kind: QuestionKind,
  competency: CompetencyId,
  expectsStar: boolean,
  text: string,
  shows: readonly string[],
): Template => ({ id, kind, competency, expectsStar, text, shows });

export const ROLE_TEMPLATES: readonly Template[] = [
  t(
    'r01',
    'role',
    'role-expertise',
    true,
    'Walk me through a recent piece of work where you relied on {term}. What was the problem, what did you do, and what changed because of it?',
    [
      'A concrete, recent example rather than a general description',
      'Hands-on detail about how {term} was used',
      'A measurable outcome',
    ],
  ),
  t(
    'r02',
    'role',
    'role-expertise',
    false,
    'How would you explain your approach to {term} to a new colleague who has never worked in a {jobTitle} role?',
    ['A clear, structured method', 'Plain language without losing accuracy', 'Awareness of common pitfalls'],
  ),
  t(
    'r03',
    'role',
    'role-expertise',
    true,
    'Tell me about the most complex problem you have solved using {term}. How did you know your solution worked?',
    ['Why the problem was genuinely complex', 'Technical depth in the approach', 'Validation of the result'],
  ),
  t(
    'r04',
    'role',
    'role-expertise',
    false,
    'Imagine that in your first month in this {jobTitle} role you discover serious gaps in how the team handles {term}. What would you do first?',
    ['Diagnosis before action', 'Prioritised, realistic first steps', 'Bringing the team along'],
  ),
  t(
    'r05',
    'role',
    'role-expertise',
    true,
    'Describe a time your work with {term} produced a result that surprised you or your stakeholders. How did you handle it?',
    [
      'Checking the result before sharing it',
      'Clear communication of an unexpected finding',
      'The decision that followed',
    ],
  ),
  t(
    'r06',
    'role',
    'role-expertise',
    true,
    'How do you keep your {term} skills current? Give an example of something you learned recently and applied at work.',
    ['A real learning habit', 'A specific, recent example', 'The effect on the candidate’s work'],
  ),
  t(
    'r07',
    'role',
    'role-expertise',
    true,
    'Tell me about a mistake you made involving {term}. What did you learn, and what do you do differently now?',
    ['Honest ownership of the mistake', 'A concrete lesson', 'A changed practice or safeguard'],
  ),
  t(
    'r08',
    'role',
    'role-expertise',
    true,
    'This {jobTitle} position highlights both {term} and {term2}. Tell me about a project where you combined the two.',
    ['Real experience with both skills', 'How they complemented each other', 'The project’s result'],
  ),
  t(
    'r09',
    'role',
    'role-expertise',
    true,
    'Tell me about a time you had to trade off the quality of your {term} work against a deadline. How did you decide?',
    [
      'Explicit criteria for the trade-off',
      'Communication of the risk to stakeholders',
      'The outcome and what was revisited later',
    ],
  ),
  t(
    'r10',
    'role',
    'role-expertise',
    false,
    'What does high-quality work in {term} look like to you, and how do you check your own work before you share it?',
    [
      'A concrete definition of quality',
      'Specific checks or reviews',
      'An example where checking caught a problem',
    ],
  ),
  t(
    'r11',
    'role',
    'role-expertise',
    true,
    'Tell me about a time you had to learn {term}, or a new part of it, quickly to meet a deadline.',
    ['A focused learning strategy', 'Speed of getting productive', 'Delivery on time'],
  ),
  t(
    'r12',
    'role',
    'role-expertise',
    false,
    'How would you measure whether your work on {term} is creating value in this {jobTitle} role?',
    [
      'Relevant metrics tied to business or client goals',
      'How the metrics would be tracked',
      'What would trigger a change of approach',
    ],
  ),
  t(
    'r13',
    'role',
    'role-expertise',
    true,
    'Tell me about a piece of work you delivered for {audience}. How did you find out what they needed, and how did they use the result?',
    ['Discovery of the real need of {audience}', 'Hands-on delivery detail', 'Evidence the work was used'],
  ),
];

export const BEHAVIOURAL_TEMPLATES: readonly Template[] = [
  t(
    'b01',
    'behavioural',
    'teamwork',
    true,
    'Tell me about a time you worked with colleagues from another function on something involving {term}. How did you make the collaboration work?',
    ['Shared goals and clear roles', 'The candidate’s own contribution', 'The joint result'],
  ),
  t(
    'b02',
    'behavioural',
    'communication',
    true,
    'Describe a situation where you had to explain a {term} finding or decision to a non-specialist. What did you do to make it land?',
    ['Audience-aware explanation', 'Simple framing or visuals', 'Evidence the message was understood'],
  ),
  t(
    'b03',
    'behavioural',
    'problem-solving',
    true,
    'Tell me about a time a task involving {term} did not go to plan. How did you work out what went wrong?',
    ['Structured diagnosis', 'Root cause rather than symptoms', 'A fix that held'],
  ),
  t(
    'b04',
    'behavioural',
    'adaptability',
    true,
    'Give an example of a time priorities changed suddenly in a role like {jobTitle}. How did you adjust your plan?',
    ['Fast re-planning', 'Renegotiating commitments openly', 'What was still delivered'],
  ),
  t(
    'b05',
    'behavioural',
    'leadership',
    true,
    'Tell me about a time you took the lead, without being asked, on improving how your team handled {term}.',
    ['Initiative and a clear proposal', 'Bringing colleagues on board', 'Measured improvement'],
  ),
  t(
    'b06',
    'behavioural',
    'integrity',
    true,
    'Describe a time you noticed an error or shortcut in work involving {term} that others had missed or accepted. What did you do?',
    ['Raising the issue despite pressure', 'Fixing it properly', 'Preventing a repeat'],
  ),
  t(
    'b07',
    'behavioural',
    'customer-focus',
    true,
    'Tell me about a time you had to work out what a client or internal user really needed from your {term} work.',
    ['Questions that revealed the real need', 'Adapting the work to it', 'The user’s outcome'],
  ),
  t(
    'b08',
    'behavioural',
    'communication',
    true,
    'Describe a time you disagreed with a manager or senior colleague about {term}. How did you make your case?',
    [
      'Respectful disagreement with evidence',
      'Listening to the other side',
      'The decision and the relationship afterwards',
    ],
  ),
  t(
    'b09',
    'behavioural',
    'problem-solving',
    true,
    'Tell me about a time you had incomplete or messy information but still had to deliver as a {jobTitle}.',
    ['Explicit assumptions', 'Limiting the risk from gaps', 'A delivered result'],
  ),
  t(
    'b10',
    'behavioural',
    'teamwork',
    true,
    'Give an example of when you helped a teammate who was struggling with {term} while still meeting your own deadlines.',
    ['Practical help that built the teammate’s skills', 'Managing own workload', 'Both outcomes'],
  ),
  t(
    'b11',
    'behavioural',
    'adaptability',
    true,
    'Tell me about a time you received critical feedback on your {term} work. What did you change?',
    ['Openness to the feedback', 'A specific change', 'Evidence it worked'],
  ),
  t(
    'b12',
    'behavioural',
    'leadership',
    true,
    'Describe a time you had to get people who did not report to you to commit to a deadline.',
    ['Influence without authority', 'Follow-up that kept goodwill', 'Deadline outcome'],
  ),
  t(
    'b13',
    'behavioural',
    'communication',
    true,
    'Tell me about a time you received conflicting requests from different {audience}. How did you handle it?',
    [
      'Understanding each side’s underlying need',
      'A transparent way of prioritising',
      'Outcome and relationships afterwards',
    ],
  ),
];

export const MOTIVATION_TEMPLATES: readonly Template[] = [
  t(
    'm01',
    'motivation',
    'motivation',
    false,
    'Why do you want to work as a {jobTitle} with us, and why at this point in your career?',
    ['Specific reasons tied to the role and organisation', 'A clear career logic', 'Evidence of research'],
  ),
  t('m02', 'motivation', 'motivation', false, 'What about this role’s focus on {term} interests you most?', [
    'Genuine, specific interest',
    'Link to past experience',
    'What the candidate wants to build next',
  ]),
  t(
    'm03',
    'motivation',
    'motivation',
    false,
    'Where do you want your expertise in {term} to be in three years, and how would this role help you get there?',
    [
      'A concrete development goal',
      'Understanding of the role’s learning opportunities',
      'Commitment to the role',
    ],
  ),
  t(
    'm04',
    'motivation',
    'motivation',
    false,
    'What would make your first year in this {jobTitle} role a success, in your own terms?',
    ['Concrete, measurable success markers', 'Realism about ramp-up', 'Alignment with the team’s goals'],
  ),
  t(
    'm05',
    'motivation',
    'motivation',
    false,
    'Which part of this {jobTitle} job description matches your strengths best, and which part will stretch you?',
    ['Honest self-assessment', 'Evidence for the strength', 'A plan for the stretch area'],
  ),
  t(
    'm06',
    'motivation',
    'motivation',
    false,
    'What kind of team and manager help you do your best work as a {jobTitle}?',
    ['Self-awareness about working style', 'Examples from experience', 'Flexibility'],
  ),
  t(
    'm07',
    'motivation',
    'motivation',
    false,
    'Why should we choose you over other strong {jobTitle} candidates?',
    [
      'A distinctive combination of skills',
      'Evidence rather than adjectives',
      'Relevance to the role’s needs',
    ],
  ),
  t(
    'm08',
    'motivation',
    'motivation',
    false,
    'What have you done outside your formal responsibilities to get better at {term}?',
    ['Self-driven learning', 'A specific example', 'What it led to'],
  ),
  t(
    'm09',
    'motivation',
    'motivation',
    false,
    'What challenges do you expect a {jobTitle} to face in an organisation like ours, and why do they interest you?',
    ['Informed view of the role’s challenges', 'Enthusiasm grounded in realism', 'Ideas for addressing them'],
  ),
  t(
    'm10',
    'motivation',
    'motivation',
    false,
    'Tell me about a piece of work you are proud of that shows why you would be a good fit for this {jobTitle} role.',
    ['A relevant, specific piece of work', 'The candidate’s role in it', 'The link to this job'],
  ),
  t('m11', 'motivation', 'motivation', false, 'What keeps you motivated on a difficult day at work?', [
    'Authentic motivators',
    'An example of a hard day',
    'Resilience strategies',
  ]),
];

export interface GenerateJobQuestionsInput {
  readonly jobTitle: string;
  readonly jobDescription: string;
  /** Number of questions; clamped to 1 … the number of usable templates. */
  readonly count: number;
  readonly seed: Seed;
}

export interface GeneratedJobQuestions {
  readonly bankVersion: string;
  readonly jobTitle: string;
  readonly keyTerms: readonly KeyTerm[];
  readonly questions: readonly Question[];
}

/** Share of each kind in a generated set (rounded; motivation gets at least one from 3 questions up). */
export const JOB_QUESTION_MIX = { role: 0.5, behavioural: 0.3, motivation: 0.2 } as const;

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/\+/g, 'p')
    .replace(/#/g, 'sharp')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

interface Placeholders {
  jobTitle: string;
  term?: string | undefined;
  term2?: string | undefined;
  audience?: string | undefined;
}

function fill(text: string, v: Placeholders): string {
  return text
    .replace(/\{jobTitle\}/g, v.jobTitle)
    .replace(/\{term2\}/g, v.term2 ?? '')
    .replace(/\{term\}/g, v.term ?? '')
    .replace(/\{audience\}/g, v.audience ?? '');
}

/** Words naming people or groups: used as audiences in questions, never as skills. */
const AUDIENCE_WORDS = new Set(
  `stakeholder client customer user partner manager executive leader leadership vendor supplier patient student
  beneficiary government donor colleague engineer developer designer analyst scientist marketer people
  counterpart member investor community citizen teacher owner founder director team`
    .split(/\s+/)
    .filter((w) => w.length > 0),
);

/** True when the last word of a key (already plural-stripped) names people: "stakeholder", "product manager". */
export function isAudienceTerm(key: string): boolean {
  const last = key.split(' ').at(-1) ?? '';
  return AUDIENCE_WORDS.has(last);
}

/**
 * Generates role-specific, behavioural and motivation questions for a job.
 * Same input (including seed) → same output. Templates are shuffled with the
 * seed; key terms are used in rank order so the most important skills are
 * asked about first. Each template is used at most once, so texts never repeat.
 */
export function generateJobQuestions(input: GenerateJobQuestionsInput): GeneratedJobQuestions {
  if (!Number.isInteger(input.count) || input.count < 0) {
    throw new RangeError(`count must be a non-negative integer, got ${input.count}`);
  }
  const jobTitle = input.jobTitle.trim().replace(/\s+/g, ' ') || 'team member';
  const keyTerms = extractKeyTerms(input.jobDescription, { jobTitle });
  // terms that merely repeat the title make poor question topics; people ("stakeholders") are audiences, not skills
  const candidates = keyTerms.filter((k) => !k.inTitle);
  const topics = candidates.filter((k) => !isAudienceTerm(k.key)).map((k) => k.term);
  const audiences = candidates.filter((k) => isAudienceTerm(k.key)).map((k) => k.term);
  const rng = createRng(input.seed);
  const usable = (tpl: Template): boolean =>
    (!tpl.text.includes('{term}') || topics.length >= 1) &&
    (!tpl.text.includes('{term2}') || topics.length >= 2) &&
    (!tpl.text.includes('{audience}') || audiences.length >= 1);
  const pools: Record<QuestionKind, Template[]> = {
    role: shuffle(ROLE_TEMPLATES.filter(usable), rng),
    behavioural: shuffle(BEHAVIOURAL_TEMPLATES.filter(usable), rng),
    motivation: shuffle(MOTIVATION_TEMPLATES.filter(usable), rng),
  };
  const available = pools.role.length + pools.behavioural.length + pools.motivation.length;
  const count = Math.min(input.count, available);

  // how many of each kind
  let nMotivation = Math.min(
    pools.motivation.length,
    count >= 3 ? Math.max(1, Math.round(count * JOB_QUESTION_MIX.motivation)) : 0,
  );
  let nRole = Math.min(pools.role.length, Math.round(count * JOB_QUESTION_MIX.role));
  let nBehavioural = Math.min(pools.behavioural.length, count - nRole - nMotivation);
  // top up from whichever pool still has templates (role first, then behavioural, then motivation)
  for (let missing = count - nRole - nBehavioural - nMotivation; missing > 0; missing--) {
    if (nRole < pools.role.length) nRole++;
    else if (nBehavioural < pools.behavioural.length) nBehavioural++;
    else nMotivation++;
  }

  const titleHash = hashString(`${jobTitle.toLowerCase()}\n${input.jobDescription}`).toString(36);
  let roleTerm = 0;
  let behaviouralTerm = 1;
  let audienceTerm = 0;
  const build = (tpl: Template): Question => {
    const values: Placeholders = { jobTitle };
    if (tpl.text.includes('{term}')) {
      const offset = tpl.kind === 'role' ? roleTerm++ : behaviouralTerm++;
      values.term = topics[offset % topics.length];
      if (tpl.text.includes('{term2}')) values.term2 = topics[(offset + 1) % topics.length];
    }
    if (tpl.text.includes('{audience}')) values.audience = audiences[audienceTerm++ % audiences.length];
    const subject = values.term ?? values.audience;
    const suffix = subject === undefined ? '' : `-${slug(subject)}`;
    return {
      id: `job-${titleHash}-${tpl.id}${suffix}`,
      track: 'job',
      competency: tpl.competency,
      kind: tpl.kind,
      text: fill(tpl.text, values),
      strongAnswerShows: tpl.shows.map((x) => fill(x, values)),
      expectsStar: tpl.expectsStar,
    };
  };
  const role = pools.role.slice(0, nRole).map(build);
  const behavioural = pools.behavioural.slice(0, nBehavioural).map(build);
  const motivation = pools.motivation.slice(0, nMotivation).map(build);

  // interview order: open with motivation, alternate role/behavioural, close with the remaining motivation
  const questions: Question[] = [];
  const opener = motivation.shift();
  if (opener !== undefined) questions.push(opener);
  for (let i = 0; i < Math.max(role.length, behavioural.length); i++) {
    const r = role[i];
    const b = behavioural[i];
    if (r !== undefined) questions.push(r);
    if (b !== undefined) questions.push(b);
  }
  questions.push(...motivation);

  return { bankVersion: QUESTION_BANK_VERSION, jobTitle, keyTerms, questions };
}
