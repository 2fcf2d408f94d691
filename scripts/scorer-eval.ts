/**
 * `npm run scorer:eval`: how well the rubric agrees with the team's labelled answers (fixtures/answers).
 *   - per question and overall: Spearman's ρ between the rubric's overall score and the human rank;
 *   - per criterion: quadratic-weighted κ between the rubric's 1–5 score and the human grade;
 *   - gamed vs honest: every gamed answer must score below every other answer of its question;
 *   - stability: the same figures on a simulated engine transcript (lower case, no punctuation, numbers as
 *     words, word error rate 0.28), and how far the overall score moves.
 * Tuning and held-out questions are reported separately; the targets apply to the whole set. Exits 1 below a
 * target. Deterministic and fast (no I/O beyond reading the fixtures).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  COMPETENCY_IDS,
  combineWithModel,
  getQuestionById,
  modelGradingRequest,
  RUBRIC_VERSION,
  scoreAnswer,
  type ScoreAnswerInput,
} from '@tia/domain';
import { createModelGrader } from '../apps/worker/src/feedback/grader.js';
import { llmEnvSchema } from '../apps/worker/src/feedback/llm.js';
import { engineStyle, quadraticWeightedKappa, simulateRecognition, spearman } from './lib/scorer-eval.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = process.env.SCORER_FIXTURES_DIR ?? path.resolve(repoRoot, 'fixtures/answers');

export const TARGETS = { rho: 0.85, kappa: 0.6 } as const;
const NOISE_WER = 0.28;

const Grade = z.number().int().min(1).max(5);
const FixtureFile = z.object({
  question: z.union([
    z.object({ id: z.string(), track: z.enum(['competency', 'ypp']) }),
    z.object({
      id: z.string(),
      track: z.literal('job'),
      text: z.string().min(1),
      competency: z.enum(COMPETENCY_IDS),
      expectsStar: z.boolean(),
      keyTerms: z.array(z.string().min(1)).min(1),
    }),
  ]),
  split: z.enum(['tuning', 'held-out']),
  answers: z
    .array(
      z.object({
        id: z.string().min(1),
        kind: z.enum(['strong', 'average', 'filler-heavy', 'weak', 'off-topic', 'gamed']),
        rank: z.number().int().min(1),
        grades: z.record(z.string(), Grade),
        transcript: z.string().min(1),
      }),
    )
    .min(3),
});
type FixtureFile = z.infer<typeof FixtureFile>;

interface Loaded {
  readonly file: string;
  readonly fixture: FixtureFile;
  readonly input: Omit<ScoreAnswerInput, 'transcript'>;
}

const load = async (): Promise<Loaded[]> => {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const out: Loaded[] = [];
  for (const file of files) {
    const fixture = FixtureFile.parse(JSON.parse(await readFile(path.join(dir, file), 'utf8')));
    const q = fixture.question;
    let input: Omit<ScoreAnswerInput, 'transcript'>;
    if (q.track === 'job') {
      input = {
        durationSeconds: 0,
        question: { id: q.id, text: q.text, competency: q.competency, expectsStar: q.expectsStar },
        jobKeyTerms: q.keyTerms,
      };
    } else {
      const bankQ = getQuestionById(q.id);
      if (bankQ === undefined) throw new Error(`${file}: no question ${q.id} in the banks`);
      input = { durationSeconds: 0, question: bankQ };
    }
    out.push({ file, fixture, input });
  }
  return out;
};

interface Scored {
  readonly overall: number;
  readonly criteria: readonly { readonly id: string; readonly score: number }[];
}
interface Row {
  readonly question: string;
  readonly split: 'tuning' | 'held-out';
  readonly id: string;
  readonly kind: string;
  readonly rank: number;
  readonly grades: Readonly<Record<string, number>>;
  readonly clean: Scored;
  readonly noisy: Scored;
  /** The engine's style (lower case, no punctuation, numbers as words) without word errors. */
  readonly styled: Scored;
  /** Rubric and model combined (model mode only). */
  readonly combined?: Scored;
  /** The model's own grades, verified (model mode only). */
  readonly model?: Scored;
}

const fmt = (x: number): string => (Number.isNaN(x) ? '  n/a' : x.toFixed(2).padStart(5));

interface Figures {
  readonly perQuestion: { question: string; rho: number; gamedOk: boolean }[];
  readonly rho: number;
  readonly kappa: Record<string, { kappa: number; n: number }>;
  readonly gamedOk: boolean;
}

const figures = (rows: readonly Row[], which: 'clean' | 'noisy' | 'combined' | 'model'): Figures => {
  const get = (r: Row): Scored => r[which] ?? r.clean;
  const questions = [...new Set(rows.map((r) => r.question))];
  const perQuestion = questions.map((question) => {
    const rs = rows.filter((r) => r.question === question);
    const rho = spearman(
      rs.map((r) => -r.rank),
      rs.map((r) => get(r).overall),
    );
    const gamed = rs.filter((r) => r.kind === 'gamed').map((r) => get(r).overall);
    const honest = rs.filter((r) => r.kind !== 'gamed').map((r) => get(r).overall);
    const gamedOk = gamed.length === 0 || Math.max(...gamed) < Math.min(...honest);
    return { question, rho, gamedOk };
  });
  const rho = perQuestion.reduce((s, q) => s + q.rho, 0) / Math.max(1, perQuestion.length);
  const pairs = new Map<string, { human: number[]; rubric: number[] }>();
  for (const r of rows)
    for (const c of get(r).criteria) {
      const human = r.grades[c.id];
      if (human === undefined) continue;
      const p = pairs.get(c.id) ?? { human: [], rubric: [] };
      p.human.push(human);
      p.rubric.push(c.score);
      pairs.set(c.id, p);
    }
  const kappa: Record<string, { kappa: number; n: number }> = {};
  for (const [id, p] of pairs)
    kappa[id] = { kappa: quadraticWeightedKappa(p.human, p.rubric), n: p.human.length };
  return { perQuestion, rho, kappa, gamedOk: perQuestion.every((q) => q.gamedOk) };
};

const printFigures = (label: string, f: Figures): void => {
  console.log(`\n${label}`);
  console.log(
    `  Spearman ρ (mean over ${f.perQuestion.length} questions): ${fmt(f.rho)}   min ${fmt(Math.min(...f.perQuestion.map((q) => q.rho)))}`,
  );
  console.log(
    `  κ (quadratic) per criterion: ${Object.entries(f.kappa)
      .map(([id, k]) => `${id} ${k.kappa.toFixed(2)} (n=${k.n})`)
      .join(', ')}`,
  );
  console.log(`  gamed below every honest answer: ${f.gamedOk ? 'yes, every question' : 'NO'}`);
};

const main = async (): Promise<void> => {
  const loaded = await load();
  // Model mode: the same env as the worker (LLM_BASE_URL, LLM_MODEL, LLM_API_KEY, LLM_TIMEOUT_MS).
  const grader = createModelGrader(llmEnvSchema.parse(process.env));
  const rows: Row[] = [];
  let refusedGrades = 0;
  let disagreements = 0;
  let modelGraded = 0;
  for (const { file, fixture, input } of loaded)
    for (const a of fixture.answers) {
      const clean = scoreAnswer({ ...input, transcript: a.transcript });
      const noisy = scoreAnswer({
        ...input,
        transcript: simulateRecognition(a.transcript, { wer: NOISE_WER, seed: `${file}:${a.id}` }),
      });
      const styled = scoreAnswer({ ...input, transcript: engineStyle(a.transcript).join(' ') });
      let combined: Scored | undefined;
      let model: Scored | undefined;
      if (grader) {
        const verified = await grader.grade(
          modelGradingRequest({
            question: input.question.text ?? '',
            competency: input.question.competency,
            jobKeyTerms: (input.jobKeyTerms ?? []).map((k) => (typeof k === 'string' ? k : k.term)),
            transcript: a.transcript,
            score: clean,
          }),
        );
        refusedGrades += verified.refused.length;
        const c = combineWithModel(clean, verified.accepted);
        combined = c;
        disagreements += c.criteria.filter((x) => x.gradersDiffer).length;
        modelGraded += verified.accepted.length;
        model = {
          overall: c.overall,
          criteria: verified.accepted.map((g) => ({ id: g.id, score: g.score })),
        };
      }
      rows.push({
        ...(combined ? { combined } : {}),
        ...(model ? { model } : {}),
        question: file.replace(/\.json$/, ''),
        split: fixture.split,
        id: a.id,
        kind: a.kind,
        rank: a.rank,
        grades: a.grades,
        clean,
        noisy,
        styled,
      });
    }

  const rubricVersion = RUBRIC_VERSION;
  console.log(
    `scorer:eval — rubric ${rubricVersion}, ${rows.length} answers, ${loaded.length} questions (${dir})`,
  );
  console.log('\nPer question (clean transcript; noisy = simulated engine transcript, WER 0.28):');
  const all = figures(rows, 'clean');
  const noisyAll = figures(rows, 'noisy');
  for (const q of all.perQuestion) {
    const rs = rows.filter((r) => r.question === q.question);
    const nq = noisyAll.perQuestion.find((x) => x.question === q.question);
    console.log(
      `  ${q.question.padEnd(26)} ${(rs[0]?.split ?? '').padEnd(8)} ρ ${fmt(q.rho)}  noisy ρ ${fmt(nq?.rho ?? NaN)}  gamed<honest ${q.gamedOk ? 'yes' : 'NO '}  ` +
        rs
          .slice()
          .sort((a, b) => a.rank - b.rank)
          .map((r) => `${r.rank}:${r.id}=${r.clean.overall}/${r.noisy.overall}`)
          .join(' '),
    );
  }

  printFigures('Overall, all answers (targets apply here)', all);
  printFigures(
    'Tuning questions only',
    figures(
      rows.filter((r) => r.split === 'tuning'),
      'clean',
    ),
  );
  printFigures(
    'Held-out questions only (not used for tuning)',
    figures(
      rows.filter((r) => r.split === 'held-out'),
      'clean',
    ),
  );
  printFigures(`Simulated engine transcripts (WER ${NOISE_WER}), all answers`, noisyAll);

  if (grader) {
    printFigures(`Rubric + model (${grader.model}) combined, all answers`, figures(rows, 'combined'));
    const m = figures(rows, 'model');
    console.log(
      `  model alone, κ per criterion: ${Object.entries(m.kappa)
        .map(([id, k]) => `${id} ${k.kappa.toFixed(2)} (n=${k.n})`)
        .join(', ')}`,
    );
    console.log(
      `  model grades kept ${modelGraded}, refused ${refusedGrades} (quote not verbatim or criterion not asked); ` +
        `rubric and model > 1 point apart on ${disagreements} criteria`,
    );
  } else {
    console.log(
      '\nModel-graded mode: off (set LLM_BASE_URL to grade the set with a language model as well).',
    );
  }

  const styleDeltas = rows.map((r) => Math.abs(r.clean.overall - r.styled.overall));
  console.log(
    `\nEngine style only (lower case, no punctuation, numbers as words, no word errors): |Δ overall| mean ` +
      `${(styleDeltas.reduce((s, d) => s + d, 0) / styleDeltas.length).toFixed(1)}, max ${Math.max(...styleDeltas)}`,
  );
  const deltas = rows.map((r) => Math.abs(r.clean.overall - r.noisy.overall)).sort((a, b) => a - b);
  const mean = deltas.reduce((s, d) => s + d, 0) / deltas.length;
  const p90 = deltas[Math.floor(0.9 * (deltas.length - 1))] ?? 0;
  let moved = 0;
  let total = 0;
  for (const r of rows)
    for (const c of r.clean.criteria) {
      const n = r.noisy.criteria.find((x) => x.id === c.id);
      if (n === undefined) continue;
      total++;
      if (Math.abs(n.score - c.score) > 1) moved++;
    }
  const cleanVsNoisy = spearman(
    rows.map((r) => r.clean.overall),
    rows.map((r) => r.noisy.overall),
  );
  console.log(
    `\nStability clean → noisy: |Δ overall| mean ${mean.toFixed(1)}, p90 ${p90}, max ${deltas[deltas.length - 1] ?? 0} (0–100 scale); ` +
      `criterion scores moving > 1 point: ${moved}/${total}; ρ(clean, noisy overall) ${cleanVsNoisy.toFixed(2)}`,
  );

  const failures: string[] = [];
  if (!(all.rho >= TARGETS.rho)) failures.push(`overall ρ ${all.rho.toFixed(2)} < ${TARGETS.rho}`);
  for (const [id, k] of Object.entries(all.kappa))
    if (!(k.kappa >= TARGETS.kappa)) failures.push(`κ(${id}) ${k.kappa.toFixed(2)} < ${TARGETS.kappa}`);
  for (const q of all.perQuestion)
    if (!q.gamedOk) failures.push(`${q.question}: a gamed answer is not below every honest one`);
  if (failures.length > 0) {
    console.log(`\nFAIL (targets ρ ≥ ${TARGETS.rho}, κ ≥ ${TARGETS.kappa}, gamed < honest):`);
    for (const f of failures) console.log(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log(`\nPASS (targets ρ ≥ ${TARGETS.rho}, κ ≥ ${TARGETS.kappa}, gamed < honest)`);
  }
};

await main();
