import { describe, expect, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import {
  budget,
  exposedRelations,
  fillersBin,
  geometricNoise,
  isoWeekLabel,
  isoWeekStart,
  latencyBin,
  overallBin,
  paceBin,
  suppress,
  type Cell,
  type Relation,
} from './index.js';

const table = (values: Record<string, [number, number]>) =>
  new Map<string, Cell>(Object.entries(values).map(([id, [value, subjects]]) => [id, { value, subjects }]));

describe('suppression', () => {
  // rows a, b; columns x, y; totals
  const relations: Relation[] = [
    { total: 'a*', parts: ['ax', 'ay'] },
    { total: 'b*', parts: ['bx', 'by'] },
    { total: '*x', parts: ['ax', 'bx'] },
    { total: '*y', parts: ['ay', 'by'] },
    { total: '**', parts: ['a*', 'b*'] },
    { total: '**', parts: ['*x', '*y'] },
  ];

  it('Given a cell of 3 people, When k = 11, Then it and complements in its row and column are hidden', () => {
    const cells = table({
      ax: [3, 3],
      ay: [20, 20],
      bx: [30, 30],
      by: [40, 40],
      'a*': [23, 23],
      'b*': [70, 70],
      '*x': [33, 33],
      '*y': [60, 60],
      '**': [93, 93],
    });
    const s = suppress(cells, relations, 11);
    expect([...s.suppressed].sort()).toEqual(['ax', 'ay', 'bx', 'by']);
    expect(s.primary).toBe(1);
    expect(exposedRelations(cells, relations, s.suppressed)).toEqual([]);
  });

  it('Given only large cells, Then nothing is hidden; cells with no one in them are shown as 0', () => {
    const cells = table({
      ax: [0, 0],
      ay: [20, 20],
      bx: [30, 30],
      by: [40, 40],
      'a*': [20, 20],
      'b*': [70, 70],
      '*x': [30, 30],
      '*y': [60, 60],
      '**': [90, 90],
    });
    expect(suppress(cells, relations, 11).suppressed.size).toBe(0);
  });

  it('Given a small row total, Then a complement among the grand total relation is hidden too', () => {
    const cells = table({
      ax: [2, 2],
      ay: [3, 3],
      bx: [30, 30],
      by: [40, 40],
      'a*': [5, 5],
      'b*': [70, 70],
      '*x': [32, 32],
      '*y': [43, 43],
      '**': [75, 75],
    });
    const s = suppress(cells, relations, 11);
    expect(s.suppressed.has('a*')).toBe(true);
    expect(exposedRelations(cells, relations, s.suppressed)).toEqual([]);
  });

  it('is deterministic', () => {
    const cells = table({
      ax: [3, 3],
      ay: [20, 20],
      bx: [30, 30],
      by: [20, 20],
      'a*': [23, 23],
      'b*': [50, 50],
      '*x': [33, 33],
      '*y': [40, 40],
      '**': [73, 73],
    });
    expect([...suppress(cells, relations, 11).suppressed]).toEqual([
      ...suppress(cells, relations, 11).suppressed,
    ]);
  });
});

describe('noise', () => {
  it('two-sided geometric noise is centred on 0 with the spread of its scale', () => {
    let seed = 42;
    const uniform = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const xs = Array.from({ length: 20_000 }, () => geometricNoise(1, 4, uniform));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const meanAbs = xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.3);
    // E|X| = 2α/(1−α²) with α = e^(−1/4) ≈ 3.9
    expect(meanAbs).toBeGreaterThan(3.3);
    expect(meanAbs).toBeLessThan(4.5);
    expect(xs.every(Number.isInteger)).toBe(true);
  });
});

describe('budget decider', () => {
  const cmd = (epsilon: number): budget.RecordQuery => ({
    type: 'RecordQuery',
    analystId: 'a1',
    queryId: 'q',
    report: 'answers',
    measure: 'overall',
    dimension: 'track',
    k: 11,
    suppressedCells: 0,
    epsilon,
    noiseScale: epsilon > 0 ? 4 / epsilon : null,
    budget: 2,
    now: '2026-12-01T00:00:00.000Z',
  });
  it('Given ε spent up to the budget, When another noisy query comes, Then it is refused; exact queries are recorded', () => {
    const spec = specFor(budget.budgetDecider);
    const once = spec.given([]).when(cmd(1)).events();
    const spent = spec.given([...once, ...spec.given(once).when(cmd(1)).events()]);
    expect(spent.state).toEqual({ spent: 2, queries: 2 });
    spent.when(cmd(1)).thenThrows(budget.PrivacyBudgetExhausted);
    expect(spent.when(cmd(0)).events()).toHaveLength(1);
  });
});

describe('bins', () => {
  it('put every value in one fixed bin', () => {
    expect([0, 19, 20, 59, 80, 100].map(overallBin)).toEqual([1, 1, 2, 3, 5, 5]);
    expect([null, 90, 110, 160, 200].map(paceBin)).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2.9, 3, 6.5].map(fillersBin)).toEqual([1, 2, 2, 3, 4]);
    expect([5, 30, 90, 200, 301].map(latencyBin)).toEqual([1, 2, 3, 4, 5]);
    expect(isoWeekStart('2026-12-06T23:00:00Z')).toBe('2026-11-30');
    expect(isoWeekLabel('2026-11-30')).toBe('2026-W49');
    expect(isoWeekLabel('2026-12-28')).toBe('2026-W53');
  });
});
