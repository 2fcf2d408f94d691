import { COMPETENCIES, COMPETENCY_IDS, TRACKS, type CompetencyId } from '../practice/competencies.js';
import { ALL_BANK_QUESTIONS } from '../practice/questions.js';
import { RUBRIC_CRITERIA, type CriterionId } from '../practice/rubric.js';

/**
 * The analyst workspace's fixed vocabulary (issue 12, P43): which measures and dimensions exist, and the bins
 * every value falls into. Analysts pick from these lists only (no free filters); the projection stores bin
 * numbers, never raw values.
 */
export const DIMENSIONS = ['track', 'competency', 'question', 'week', 'cohort'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_LABELS: Readonly<Record<Dimension, string>> = {
  track: 'Track',
  competency: 'Competency',
  question: 'Question (bank questions only)',
  week: 'ISO week of the answer',
  cohort: 'Sign-up month',
};

export const CRITERION_IDS = Object.keys(RUBRIC_CRITERIA) as CriterionId[];

export const MEASURES = [
  'overall',
  ...CRITERION_IDS.map((c) => `criterion_${c}` as const),
  'pace',
  'fillers',
  'latency',
] as const;
export type Measure = (typeof MEASURES)[number];

export interface Bin {
  /** Stored bin number (smallint). */
  readonly bin: number;
  readonly label: string;
}

export interface MeasureInfo {
  readonly measure: Measure;
  readonly label: string;
  readonly bins: readonly Bin[];
}

const OVERALL_BINS: Bin[] = [
  { bin: 1, label: '0–19' },
  { bin: 2, label: '20–39' },
  { bin: 3, label: '40–59' },
  { bin: 4, label: '60–79' },
  { bin: 5, label: '80–100' },
];
/** Bin 0: the criterion did not apply to the answer (e.g. job relevance on a bank question). */
const CRITERION_BINS: Bin[] = [
  { bin: 0, label: 'not scored' },
  { bin: 1, label: '1' },
  { bin: 2, label: '2' },
  { bin: 3, label: '3' },
  { bin: 4, label: '4' },
  { bin: 5, label: '5' },
];
const PACE_BINS: Bin[] = [
  { bin: 0, label: 'unknown' },
  { bin: 1, label: 'under 110 wpm' },
  { bin: 2, label: '110–149 wpm' },
  { bin: 3, label: '150–179 wpm' },
  { bin: 4, label: '180 wpm or more' },
];
const FILLER_BINS: Bin[] = [
  { bin: 1, label: 'under 1 per 100 words' },
  { bin: 2, label: '1–2.9' },
  { bin: 3, label: '3–5.9' },
  { bin: 4, label: '6 or more' },
];
const LATENCY_BINS: Bin[] = [
  { bin: 1, label: 'under 30 s' },
  { bin: 2, label: '30–59 s' },
  { bin: 3, label: '1–2 min' },
  { bin: 4, label: '2–5 min' },
  { bin: 5, label: '5 min or more' },
];

export const measureInfo = (m: Measure): MeasureInfo => {
  if (m === 'overall') return { measure: m, label: 'Overall score (0–100)', bins: OVERALL_BINS };
  if (m === 'pace') return { measure: m, label: 'Speaking pace', bins: PACE_BINS };
  if (m === 'fillers') return { measure: m, label: 'Fillers per 100 words', bins: FILLER_BINS };
  if (m === 'latency') return { measure: m, label: 'Time from upload to feedback', bins: LATENCY_BINS };
  const c = m.slice('criterion_'.length) as CriterionId;
  return { measure: m, label: `Criterion: ${RUBRIC_CRITERIA[c].label} (1–5)`, bins: CRITERION_BINS };
};

export const overallBin = (overall: number): number => Math.min(5, Math.max(1, Math.floor(overall / 20) + 1));
export const criterionBin = (score: number | undefined): number =>
  score === undefined ? 0 : Math.min(5, Math.max(1, Math.round(score)));
export const paceBin = (wpm: number | null | undefined): number =>
  typeof wpm !== 'number' || !Number.isFinite(wpm) || wpm <= 0
    ? 0
    : wpm < 110
      ? 1
      : wpm < 150
        ? 2
        : wpm < 180
          ? 3
          : 4;
export const fillersBin = (per100: number | null | undefined): number => {
  const v = typeof per100 === 'number' && Number.isFinite(per100) ? per100 : 0;
  return v < 1 ? 1 : v < 3 ? 2 : v < 6 ? 3 : 4;
};
export const latencyBin = (seconds: number): number =>
  seconds < 30 ? 1 : seconds < 60 ? 2 : seconds < 120 ? 3 : seconds < 300 ? 4 : 5;

/** Exclusive funnel stages (each subject in exactly one): the cumulative funnel is derived from them. */
export const FUNNEL_STAGES = [
  { stage: 1, label: 'signed up, not verified' },
  { stage: 2, label: 'verified, no answer yet' },
  { stage: 3, label: '1–4 answers' },
  { stage: 4, label: '5 or more answers' },
] as const;
export const FUNNEL_STEPS = ['signed up', 'verified', 'first answer', 'fifth answer'] as const;
export const funnelStage = (s: { verified: boolean; answers: number }): number =>
  s.answers >= 5 ? 4 : s.answers >= 1 ? 3 : s.verified ? 2 : 1;

/** Bank questions by their 1-based position in the bank: the question dimension's stored number. */
export const questionNumber = (questionId: string): number | null => {
  const i = ALL_BANK_QUESTIONS.findIndex((q) => q.id === questionId);
  return i < 0 ? null : i + 1;
};
export const questionLabel = (n: number): string => {
  const q = ALL_BANK_QUESTIONS[n - 1];
  return q ? `${q.id}: ${q.text}` : `question ${n}`;
};

export const trackOfCompetency = (c: CompetencyId) => COMPETENCIES[c].track;
export { TRACKS, COMPETENCY_IDS };

/** ISO week (its Monday, as YYYY-MM-DD) of an instant, UTC. */
export const isoWeekStart = (iso: string): string => {
  const d = new Date(iso);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
};
/** Label like 2026-W49 for a week's Monday. */
export const isoWeekLabel = (monday: string): string => {
  const d = new Date(`${monday}T00:00:00Z`);
  const thursday = new Date(d.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
};
export const monthStart = (iso: string): string => `${iso.slice(0, 7)}-01`;
