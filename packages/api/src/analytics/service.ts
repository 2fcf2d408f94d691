/**
 * The analyst workspace (issue 12, P43): fixed figures over the `analytics` schema, read as the database role
 * `tia_analyst` (SET LOCAL ROLE inside a read-only transaction), so even a faulty query here cannot reach a
 * table with personal data. Small cells are suppressed (k, complementary), noise is optional, and every query is
 * an `AnalyticsQueried` event on the analyst's stream, which also carries their privacy budget.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Sql } from '@tia/db';
import { analytics } from '@tia/domain';
import type { AuthServices } from '../services.js';
import { Forbidden } from '../errors.js';
import type { RoleAccess } from '../trpc.js';

/** Analysts only, always with a passed second factor. */
export const ANALYST: RoleAccess = { kind: 'role', roles: ['analyst'], mfa: true };

export interface AnalyticsSettings {
  /** Smallest number of people a shown cell may describe. */
  k: number;
  /** ε spent by each query when noise is on; null: exact figures (suppression only), nothing spent. */
  epsilon: number | null;
  /** Total ε each analyst may spend. */
  budget: number;
}

export const DEFAULT_ANALYTICS: AnalyticsSettings = { k: 11, epsilon: null, budget: 10 };

export const figureInput = z.discriminatedUnion('report', [
  // Strict: no other field (no filter, no subset) is accepted, so no all-minus-one query can be asked.
  z.strictObject({
    report: z.literal('answers'),
    measure: z.enum(analytics.MEASURES),
    dimension: z.enum(analytics.DIMENSIONS),
  }),
  z.strictObject({ report: z.literal('funnel') }),
]);
export type FigureInput = z.input<typeof figureInput>;

/** Runs `read` as tia_analyst in a read-only transaction: the role has SELECT on `analytics` and nothing else. */
export const asAnalyst = <T>(sql: Sql, read: (tx: Sql) => Promise<T>): Promise<T> =>
  sql.begin(async (tx) => {
    await tx`set transaction read only`;
    await tx`set local role tia_analyst`;
    return read(tx as unknown as Sql);
  }) as Promise<T>;

const answerRows = (tx: Sql) =>
  tx<
    {
      measure: analytics.Measure | 'all';
      dimension: analytics.Dimension | 'all';
      key: string;
      bin: number | null;
      answers: number;
      subjects: number;
    }[]
  >`select measure::text as measure, dimension::text as dimension,
           coalesce(track::text, competency::text, question::text, to_char(week, 'YYYY-MM-DD'),
                    to_char(cohort, 'YYYY-MM-DD'), '') as key,
           bin, answers, subjects
      from analytics.answer_cells`;

const funnelRows = (tx: Sql) =>
  tx<{ cohort: string | null; stage: number | null; subjects: number }[]>`
    select to_char(cohort, 'YYYY-MM-DD') as cohort, stage, subjects from analytics.funnel_cells`;

const refreshedAt = async (tx: Sql) =>
  (
    (await tx<{ at: Date }[]>`select max(refreshed_at) as at from analytics.freshness`)[0]?.at ?? null
  )?.toISOString() ?? null;

/** A uniform number in (0, 1) from the operating system's CSPRNG. */
const cryptoUniform = (): number => {
  const b = randomBytes(7);
  const x = (b.readUIntBE(0, 6) * 32 + (b[6]! >> 3)) / 2 ** 53; // 53 random bits
  return x === 0 ? Number.MIN_VALUE : x;
};

/** One unit (an answer or a person) changes a cell, its row total, its column total and the grand total. */
const FIGURE_SENSITIVITY = 4;

const loadBudget = (a: AuthServices, analystId: string) =>
  a.store.load(analytics.budget.analystStream(analystId), analytics.budget.budgetDecider);

export const budgetOf = async (a: AuthServices, analystId: string, settings: AnalyticsSettings) => {
  const { state } = await loadBudget(a, analystId);
  return {
    noise: settings.epsilon !== null,
    epsilonPerQuery: settings.epsilon,
    total: settings.budget,
    spent: Math.round(state.spent * 1000) / 1000,
    queries: state.queries,
  };
};

/** The workspace's fixed choices (no free filters) and the analyst's budget. */
export const catalog = async (a: AuthServices, analystId: string, settings: AnalyticsSettings) => ({
  k: settings.k,
  measures: analytics.MEASURES.map((m) => {
    const info = analytics.measureInfo(m);
    return { id: m, label: info.label, bins: info.bins.map((b) => ({ bin: b.bin, label: b.label })) };
  }),
  dimensions: analytics.DIMENSIONS.map((d) => ({ id: d, label: analytics.DIMENSION_LABELS[d] })),
  funnelSteps: [...analytics.FUNNEL_STEPS],
  budget: await budgetOf(a, analystId, settings),
});

export const runFigure = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: FigureInput,
  settings: AnalyticsSettings,
) => {
  const input = figureInput.parse(raw);
  const { state, version } = await loadBudget(a, actor.userId);
  const epsilon = settings.epsilon ?? 0;
  if (!analytics.budget.canSpend(state, epsilon, settings.budget))
    throw new Forbidden(new analytics.budget.PrivacyBudgetExhausted(state.spent, settings.budget).message);
  const noise: analytics.Noise | null =
    settings.epsilon !== null
      ? {
          epsilon: settings.epsilon,
          sensitivity: FIGURE_SENSITIVITY,
          scale: analytics.noiseScale(settings.epsilon, FIGURE_SENSITIVITY),
          add: (v) => v + analytics.geometricNoise(settings.epsilon!, FIGURE_SENSITIVITY, cryptoUniform),
        }
      : null;
  const { figure, refreshed } = await asAnalyst(a.sql, async (tx) => {
    const refreshed = await refreshedAt(tx);
    const figure =
      input.report === 'answers'
        ? analytics.answerFigure(await answerRows(tx), input.measure, input.dimension, settings.k, noise)
        : analytics.funnelFigure(await funnelRows(tx), settings.k, noise);
    return { figure, refreshed };
  });
  // Appended at the version read before the figures: two queries of the same analyst at once must both be
  // checked against the budget, so the later one is refused (409) rather than decided on a stale total.
  await a.commands.handle(
    analytics.budget.budgetDecider,
    analytics.budget.analystStream(actor.userId),
    (_s, now): analytics.budget.RecordQuery => ({
      type: 'RecordQuery',
      analystId: actor.userId,
      queryId: a.newId(),
      report: input.report,
      measure: input.report === 'answers' ? input.measure : null,
      dimension: input.report === 'answers' ? input.dimension : 'cohort',
      k: settings.k,
      suppressedCells: figure.protection.suppressedCells,
      epsilon,
      noiseScale: noise?.scale ?? null,
      budget: settings.budget,
      now,
    }),
    { actor: { kind: 'staff', id: actor.userId }, requestId: actor.requestId },
    { expectedVersion: version },
  );
  return {
    ...figure,
    refreshedAt: refreshed,
    budget: {
      spent: Math.round((state.spent + epsilon) * 1000) / 1000,
      total: settings.budget,
      noise: settings.epsilon !== null,
    },
  };
};
