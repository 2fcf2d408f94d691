import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@tia/api';
import { csvDocument } from '@tia/domain/csv';

type Out = inferRouterOutputs<AppRouter>['analytics'];
export type Figure = Out['figure'];
export type Catalog = Out['catalog'];

const SUPPRESSED = 'suppressed';

/** Exactly the table on screen: header, one line per row, the totals line. Hidden cells say "suppressed". */
export const figureCsv = (f: Figure): string => {
  const lines = [
    [f.rowHeading, ...f.columns.map((c) => c.label), 'Total'],
    ...f.rows.map((r) => [r.label, ...r.cells, r.total]),
    ['Total', ...f.totals.cells, f.totals.total],
  ];
  return csvDocument(lines.map((l) => l.map((v) => v ?? SUPPRESSED)));
};

/** What was applied to the figure, in words. */
export const protectionText = (f: Figure): string => {
  const p = f.protection;
  const noise = p.noise
    ? `two-sided geometric noise, ε = ${p.noise.epsilon}, scale ${p.noise.scale}`
    : 'no noise (exact counts)';
  return `k = ${p.k} · ${p.suppressedCells} cell${p.suppressedCells === 1 ? '' : 's'} suppressed in this figure · ${noise}`;
};

export const csvFileName = (f: Figure): string =>
  `tia-${f.report}${f.measure ? `-${f.measure}` : ''}-by-${f.dimension}.csv`;
