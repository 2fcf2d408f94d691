import { COMPETENCIES, COMPETENCY_IDS, TRACKS, type CompetencyId } from '../practice/competencies.js';
import { ALL_BANK_QUESTIONS } from '../practice/questions.js';
import {
  DIMENSIONS,
  FUNNEL_STAGES,
  MEASURES,
  isoWeekLabel,
  measureInfo,
  questionLabel,
  type Dimension,
  type Measure,
} from './catalog.js';
import { suppress, type Cell, type Relation, type SuppressionResult } from './suppression.js';

/**
 * Turns the stored aggregates into the published figures. Suppression is decided once over the whole cube of
 * every measure and dimension together (same row totals across measures, a track = the sum of its
 * competencies, a competency = the sum of its questions), so whichever tables an analyst asks for, they carry
 * the same pattern and no relation between them gives a hidden cell back.
 */
export interface AnswerCellRow {
  measure: Measure | 'all';
  dimension: Dimension | 'all';
  /** The dimension's value as text (track, competency, question number, YYYY-MM-DD); '' for 'all'. */
  key: string;
  /** null: row total. */
  bin: number | null;
  answers: number;
  subjects: number;
}

export interface FunnelCellRow {
  cohort: string | null;
  stage: number | null;
  subjects: number;
}

const FULL_DIMENSIONS: readonly Dimension[] = ['track', 'competency', 'week', 'cohort'];

export const cellId = (measure: string, dimension: string, key: string, bin: number | null) =>
  `${measure}|${dimension}|${key}|${bin === null ? '*' : bin}`;

const BANK_QUESTIONS_BY_COMPETENCY = new Map<CompetencyId, number[]>();
ALL_BANK_QUESTIONS.forEach((q, i) => {
  BANK_QUESTIONS_BY_COMPETENCY.set(q.competency, [
    ...(BANK_QUESTIONS_BY_COMPETENCY.get(q.competency) ?? []),
    i + 1,
  ]);
});

/** Every row key a dimension has (fixed lists, or the weeks and months present in the data). */
export const rowKeysOf = (dimension: Dimension, rows: readonly AnswerCellRow[]): string[] => {
  if (dimension === 'track') return [...TRACKS];
  if (dimension === 'competency') return [...COMPETENCY_IDS];
  if (dimension === 'question') return ALL_BANK_QUESTIONS.map((_, i) => String(i + 1));
  return [...new Set(rows.filter((r) => r.dimension === dimension).map((r) => r.key))].sort();
};

export const answerCube = (rows: readonly AnswerCellRow[]) => {
  const cells = new Map<string, Cell>();
  for (const r of rows)
    cells.set(cellId(r.measure, r.dimension, r.key, r.bin), { value: r.answers, subjects: r.subjects });
  const relations: Relation[] = [];
  const keys = new Map(DIMENSIONS.map((d) => [d, rowKeysOf(d, rows)] as const));
  const measures: readonly (Measure | 'all')[] = ['all', ...MEASURES];
  const binsOf = (m: Measure | 'all'): (number | null)[] =>
    m === 'all' ? [null] : measureInfo(m).bins.map((b) => b.bin);
  for (const m of measures) {
    for (const b of binsOf(m)) {
      const grandOrColumn = cellId(m, 'all', '', b);
      for (const d of FULL_DIMENSIONS)
        relations.push({ total: grandOrColumn, parts: keys.get(d)!.map((k) => cellId(m, d, k, b)) });
      for (const t of TRACKS)
        relations.push({
          total: cellId(m, 'track', t, b),
          parts: COMPETENCY_IDS.filter((c) => COMPETENCIES[c].track === t).map((c) =>
            cellId(m, 'competency', c, b),
          ),
        });
      for (const [c, qs] of BANK_QUESTIONS_BY_COMPETENCY)
        relations.push({
          total: cellId(m, 'competency', c, b),
          parts: qs.map((q) => cellId(m, 'question', String(q), b)),
        });
    }
    if (m === 'all') continue;
    // Row totals (shared by every measure) = the sum of the row's bins; grand total = the sum of the columns.
    for (const d of DIMENSIONS)
      for (const k of keys.get(d)!)
        relations.push({ total: cellId('all', d, k, null), parts: binsOf(m).map((b) => cellId(m, d, k, b)) });
    relations.push({
      total: cellId('all', 'all', '', null),
      parts: binsOf(m).map((b) => cellId(m, 'all', '', b)),
    });
  }
  return { cells, relations };
};

export const funnelCube = (rows: readonly FunnelCellRow[]) => {
  const id = (cohort: string | null, stage: number | null) => `funnel|${cohort ?? '*'}|${stage ?? '*'}`;
  const cells = new Map<string, Cell>();
  for (const r of rows) cells.set(id(r.cohort, r.stage), { value: r.subjects, subjects: r.subjects });
  const cohorts = [...new Set(rows.map((r) => r.cohort).filter((c): c is string => c !== null))].sort();
  const stages = FUNNEL_STAGES.map((s) => s.stage);
  const relations: Relation[] = [
    ...[...cohorts, null].map((c) => ({ total: id(c, null), parts: stages.map((s) => id(c, s)) })),
    ...[...stages, null].map((s) => ({ total: id(null, s), parts: cohorts.map((c) => id(c, s)) })),
  ];
  return { cells, relations, cohorts, id };
};

export interface Noise {
  epsilon: number;
  /** Sensitivity of the whole figure: one unit changes a cell, its row and column totals and the grand total. */
  sensitivity: number;
  scale: number;
  add: (value: number) => number;
}

export interface FigureRow {
  key: string;
  label: string;
  /** null: suppressed. */
  cells: (number | null)[];
  total: number | null;
}

export interface Figure {
  report: 'answers' | 'funnel';
  title: string;
  measure: Measure | null;
  dimension: Dimension | 'cohort';
  rowHeading: string;
  columns: { key: string; label: string }[];
  rows: FigureRow[];
  totals: { cells: (number | null)[]; total: number | null };
  /** What a number counts. */
  unit: 'answers' | 'people';
  protection: {
    k: number;
    /** Cells of this figure shown as suppressed (including totals). */
    suppressedCells: number;
    /** Cells suppressed in the whole release to protect this one and every other figure. */
    primaryInRelease: number;
    complementaryInRelease: number;
    noise: { mechanism: 'two-sided geometric'; epsilon: number; sensitivity: number; scale: number } | null;
  };
}

const show = (
  s: SuppressionResult,
  id: string,
  value: number | undefined,
  noise: Noise | null,
): number | null => {
  if (s.suppressed.has(id)) return null;
  const v = value ?? 0;
  return noise ? Math.max(0, noise.add(v)) : v;
};

const DIMENSION_HEADINGS: Record<Dimension, string> = {
  track: 'Track',
  competency: 'Competency',
  question: 'Question',
  week: 'ISO week',
  cohort: 'Sign-up month',
};

export const rowLabel = (dimension: Dimension, key: string): string => {
  if (dimension === 'competency' && key in COMPETENCIES) return COMPETENCIES[key as CompetencyId].label;
  if (dimension === 'question') return questionLabel(Number(key));
  if (dimension === 'week') return isoWeekLabel(key);
  if (dimension === 'cohort') return key.slice(0, 7);
  return key;
};

export const answerFigure = (
  rows: readonly AnswerCellRow[],
  measure: Measure,
  dimension: Dimension,
  k: number,
  noise: Noise | null,
): Figure => {
  const { cells, relations } = answerCube(rows);
  const s = suppress(cells, relations, k);
  const info = measureInfo(measure);
  const bins = info.bins;
  let hidden = 0;
  const cellOf = (id: string) => {
    const v = show(s, id, cells.get(id)?.value, noise);
    if (v === null) hidden++;
    return v;
  };
  const figureRows = rowKeysOf(dimension, rows).map((key) => ({
    key,
    label: rowLabel(dimension, key),
    cells: bins.map((b) => cellOf(cellId(measure, dimension, key, b.bin))),
    total: cellOf(cellId('all', dimension, key, null)),
  }));
  const totals = {
    cells: bins.map((b) => cellOf(cellId(measure, 'all', '', b.bin))),
    total: cellOf(cellId('all', 'all', '', null)),
  };
  return {
    report: 'answers',
    title: `${info.label} by ${DIMENSION_HEADINGS[dimension].toLowerCase()}`,
    measure,
    dimension,
    rowHeading: DIMENSION_HEADINGS[dimension],
    columns: bins.map((b) => ({ key: String(b.bin), label: b.label })),
    rows: figureRows,
    totals,
    unit: 'answers',
    protection: {
      k,
      suppressedCells: hidden,
      primaryInRelease: s.primary,
      complementaryInRelease: s.complementary,
      noise: noise
        ? {
            mechanism: 'two-sided geometric',
            epsilon: noise.epsilon,
            sensitivity: noise.sensitivity,
            scale: noise.scale,
          }
        : null,
    },
  };
};

export const funnelFigure = (rows: readonly FunnelCellRow[], k: number, noise: Noise | null): Figure => {
  const { cells, relations, cohorts, id } = funnelCube(rows);
  const s = suppress(cells, relations, k);
  let hidden = 0;
  const cellOf = (cid: string) => {
    const v = show(s, cid, cells.get(cid)?.value, noise);
    if (v === null) hidden++;
    return v;
  };
  return {
    report: 'funnel',
    title: 'Sign-up funnel by sign-up month (where people are now)',
    measure: null,
    dimension: 'cohort',
    rowHeading: 'Sign-up month',
    columns: FUNNEL_STAGES.map((st) => ({ key: String(st.stage), label: st.label })),
    rows: cohorts.map((c) => ({
      key: c,
      label: c.slice(0, 7),
      cells: FUNNEL_STAGES.map((st) => cellOf(id(c, st.stage))),
      total: cellOf(id(c, null)),
    })),
    totals: { cells: FUNNEL_STAGES.map((st) => cellOf(id(null, st.stage))), total: cellOf(id(null, null)) },
    unit: 'people',
    protection: {
      k,
      suppressedCells: hidden,
      primaryInRelease: s.primary,
      complementaryInRelease: s.complementary,
      noise: noise
        ? {
            mechanism: 'two-sided geometric',
            epsilon: noise.epsilon,
            sensitivity: noise.sensitivity,
            scale: noise.scale,
          }
        : null,
    },
  };
};
