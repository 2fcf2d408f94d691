import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';
/**
 * An analyst's privacy budget: a decider over the analyst's stream of `AnalyticsQueried` events. Every query is
 * recorded; a query that adds noise spends its ε, and once the spent total would pass the budget the query is
 * refused. Pure: the time, ids and settings come in with the command.
 */
export interface BudgetState {
  spent: number;
  queries: number;
}

export const initialState: BudgetState = { spent: 0, queries: 0 };

export interface RecordQuery {
  type: 'RecordQuery';
  analystId: string;
  queryId: string;
  report: 'answers' | 'funnel';
  measure: string | null;
  dimension: string | null;
  k: number;
  suppressedCells: number;
  epsilon: number;
  noiseScale: number | null;
  /** Total ε the analyst may spend. */
  budget: number;
  now: string;
}

export const budgetEvents = eventSlice(['AnalyticsQueried']);
export type AnalyticsQueriedEvent = EventOf<'AnalyticsQueried'>;

export class PrivacyBudgetExhausted extends DomainRuleViolated {
  readonly kind = 'forbidden' as const;
  constructor(
    readonly spent: number,
    readonly budget: number,
  ) {
    super(
      'budget_exhausted',
      `Your privacy budget is spent (${round(spent)} of ${round(budget)}): no further noisy queries can be answered.`,
    );
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const EPS = 1e-9;

/** Whether a query spending `epsilon` still fits (checked before the figures are computed). */
export const canSpend = (s: BudgetState, epsilon: number, budget: number): boolean =>
  s.spent + epsilon <= budget + EPS;

export const decide = (cmd: RecordQuery, s: BudgetState): AnalyticsQueriedEvent[] => {
  if (!canSpend(s, cmd.epsilon, cmd.budget)) throw new PrivacyBudgetExhausted(s.spent, cmd.budget);
  return [
    {
      type: 'AnalyticsQueried',
      data: {
        analystId: cmd.analystId,
        queryId: cmd.queryId,
        report: cmd.report,
        measure: cmd.measure,
        dimension: cmd.dimension,
        k: cmd.k,
        suppressedCells: cmd.suppressedCells,
        epsilon: cmd.epsilon,
        noiseScale: cmd.noiseScale,
        queriedAt: cmd.now,
      },
    },
  ];
};

export const evolve = (s: BudgetState, e: AnalyticsQueriedEvent): BudgetState => ({
  spent: s.spent + e.data.epsilon,
  queries: s.queries + 1,
});

export const budgetDecider: Decider<BudgetState, RecordQuery, 'AnalyticsQueried'> = {
  events: budgetEvents,
  decide,
  evolve,
  initialState,
};

export const analystStream = (analystId: string) => `analyst-${analystId}`;
