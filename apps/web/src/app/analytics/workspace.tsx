'use client';

import { useEffect, useState } from 'react';
import { AccessNeeded } from '../../components/auth/access-needed';
import { api } from '../../components/auth/api';
import { problemsOf } from '../../components/forms';
import { csvFileName, figureCsv, protectionText, type Catalog, type Figure } from './figure';
import styles from './workspace.module.css';

type Choice = { report: 'funnel' } | { report: 'answers'; measure: string; dimension: string };

const PRESETS: { label: string; choice: Choice }[] = [
  { label: 'Score distribution', choice: { report: 'answers', measure: 'overall', dimension: 'track' } },
  { label: 'Weekly trend', choice: { report: 'answers', measure: 'overall', dimension: 'week' } },
  { label: 'Funnel', choice: { report: 'funnel' } },
];

export function Workspace() {
  const catalog = api.analytics.catalog.useQuery(undefined, { retry: false });
  const [choice, setChoice] = useState<Choice>(PRESETS[0]!.choice);
  if (catalog.isPending) return <p className="muted">Loading the workspace…</p>;
  if (catalog.error) {
    const p = problemsOf(catalog.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="an analyst" message={p.message} />;
    return (
      <p className="notice bad" role="alert">
        Could not load the workspace: {p.message}
      </p>
    );
  }
  return (
    <>
      <Budget catalog={catalog.data} />
      <Controls catalog={catalog.data} choice={choice} onChange={setChoice} />
      <FigurePanel choice={choice} />
    </>
  );
}

function Budget({ catalog }: { catalog: Catalog }) {
  const b = catalog.budget;
  return (
    <p className="live-note" data-testid="budget">
      Cells describing fewer than {catalog.k} people are suppressed.{' '}
      {b.noise
        ? `Noise is on: each query spends ε = ${b.epsilonPerQuery}; you have spent ${b.spent} of ${b.total}.`
        : 'Figures are exact counts (no noise); every query is recorded.'}
    </p>
  );
}

function Controls({
  catalog,
  choice,
  onChange,
}: {
  catalog: Catalog;
  choice: Choice;
  onChange: (c: Choice) => void;
}) {
  const measure = choice.report === 'answers' ? choice.measure : 'overall';
  const dimension = choice.report === 'answers' ? choice.dimension : 'track';
  return (
    <section aria-labelledby="choose-title" className="section-block">
      <h2 id="choose-title">Choose a figure</h2>
      <p className="button-row tight">
        {PRESETS.map((p) => (
          <button
            key={p.label}
            type="button"
            className="button secondary small"
            aria-pressed={JSON.stringify(p.choice) === JSON.stringify(choice)}
            onClick={() => onChange(p.choice)}
          >
            {p.label}
          </button>
        ))}
      </p>
      <div className="analytics-controls">
        <div className="field">
          <label htmlFor="an-report">Report</label>
          <select
            id="an-report"
            className="input narrow"
            value={choice.report}
            onChange={(e) =>
              onChange(
                e.target.value === 'funnel'
                  ? { report: 'funnel' }
                  : { report: 'answers', measure, dimension },
              )
            }
          >
            <option value="answers">Scored answers</option>
            <option value="funnel">Sign-up funnel</option>
          </select>
        </div>
        {choice.report === 'answers' ? (
          <>
            <div className="field">
              <label htmlFor="an-measure">Measure</label>
              <select
                id="an-measure"
                className="input narrow"
                value={measure}
                onChange={(e) => onChange({ report: 'answers', measure: e.target.value, dimension })}
              >
                {catalog.measures.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="an-dimension">By</label>
              <select
                id="an-dimension"
                className="input narrow"
                value={dimension}
                onChange={(e) => onChange({ report: 'answers', measure, dimension: e.target.value })}
              >
                {catalog.dimensions.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
          </>
        ) : null}
      </div>
    </section>
  );
}

function FigurePanel({ choice }: { choice: Choice }) {
  const input =
    choice.report === 'funnel'
      ? ({ report: 'funnel' } as const)
      : ({
          report: 'answers',
          measure: choice.measure as never,
          dimension: choice.dimension as never,
        } as const);
  const figure = api.analytics.figure.useQuery(input, { retry: false, staleTime: Infinity });
  const [asTable, setAsTable] = useState(false);
  const utils = api.useUtils();
  // A query may have spent privacy budget: refresh what the budget line says.
  useEffect(() => {
    if (figure.data) void utils.analytics.catalog.invalidate();
  }, [figure.data, utils]);
  if (figure.isPending) return <p className="muted">Computing the figure…</p>;
  if (figure.error)
    return (
      <p className="notice bad" role="alert">
        {problemsOf(figure.error).message}
      </p>
    );
  const f = figure.data;
  const download = () => {
    const url = URL.createObjectURL(new Blob([figureCsv(f)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = csvFileName(f);
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section aria-labelledby="figure-title" className="section-block">
      <div className="status-head">
        <h2 id="figure-title">{f.title}</h2>
        <p className="button-row tight">
          <button
            type="button"
            className="button secondary small"
            aria-pressed={asTable}
            onClick={() => setAsTable((v) => !v)}
          >
            {asTable ? 'Show as chart' : 'Show as table'}
          </button>
          <button type="button" className="button secondary small" onClick={download}>
            Export CSV
          </button>
        </p>
      </div>
      <p className="muted" data-testid="protection">
        {protectionText(f)}. Counts are {f.unit === 'people' ? 'people' : 'scored answers'}
        {f.refreshedAt ? `, as of ${f.refreshedAt.replace('T', ' ').slice(0, 16)} UTC` : ''}.
      </p>
      {asTable ? <FigureTable f={f} /> : <StackedBars f={f} />}
    </section>
  );
}

const show = (v: number | null) => (v === null ? 'suppressed' : String(v));

function FigureTable({ f }: { f: Figure }) {
  const columns = [f.rowHeading, ...f.columns.map((c) => c.label), 'Total'];
  const lines = [...f.rows.map((r) => ({ ...r })), { key: 'total', label: 'Total', ...f.totals }];
  return (
    <div className="table-wrap">
      <table className="stack" data-testid="figure-table">
        <caption>
          {f.title} ({f.unit === 'people' ? 'people' : 'scored answers'}; “suppressed”: fewer than{' '}
          {f.protection.k} people, or would reveal such a cell)
        </caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {lines.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.label}</th>
              {[...r.cells, r.total].map((v, j) => (
                <td
                  key={j}
                  data-label={columns[j + 1]}
                  className={v === null ? `num ${styles.suppressed}` : 'num'}
                >
                  {show(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One horizontal bar per row: its bins side by side, hidden cells as a hatched gap of unknown size. */
function StackedBars({ f }: { f: Figure }) {
  const rows = f.rows.filter((r) => r.total !== 0);
  if (rows.length === 0) return <p className="muted">No data yet.</p>;
  const W = 560;
  const LABEL = 150;
  const BAR = 18;
  const GAP = 10;
  const H = rows.length * (BAR + GAP) + 10;
  const max = Math.max(1, ...rows.map((r) => r.cells.reduce<number>((s, v) => s + (v ?? 0), 0)));
  const summary = rows
    .map(
      (r) =>
        `${r.label}: ${r.cells.map((v, i) => `${f.columns[i]!.label} ${show(v)}`).join(', ')}; total ${show(r.total)}`,
    )
    .join('. ');
  return (
    <figure className="card chart-card" data-testid="figure-chart">
      <figcaption>
        <strong>{f.title}</strong>
      </figcaption>
      <svg
        className={styles.barChart}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="fig-t fig-d"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id="fig-t">{`${f.title}: one bar per ${f.rowHeading.toLowerCase()}, split by ${f.measure ? 'bin' : 'stage'}`}</title>
        <desc id="fig-d">{summary}</desc>
        {rows.map((r, i) => {
          const y = 5 + i * (BAR + GAP);
          let x = LABEL;
          const scale = (W - LABEL - 10) / max;
          return (
            <g key={r.key}>
              <text className={styles.tick} x={LABEL - 6} y={y + BAR - 4} textAnchor="end">
                {r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}
              </text>
              {r.cells.map((v, j) => {
                const w = v === null ? 14 : v * scale;
                const seg = (
                  <rect
                    key={j}
                    x={x}
                    y={y}
                    width={Math.max(w, 0)}
                    height={BAR}
                    className={v === null ? `${styles.seg} ${styles.suppressed}` : `${styles.seg} c${j % 6}`}
                  >
                    <title>{`${r.label}, ${f.columns[j]!.label}: ${show(v)}`}</title>
                  </rect>
                );
                x += w;
                return seg;
              })}
            </g>
          );
        })}
      </svg>
      <ul className="chart-legend">
        {f.columns.map((c, j) => (
          <li key={c.key} className={`c${j % 6}`}>
            <span className="swatch" aria-hidden="true" /> {c.label}
          </li>
        ))}
        <li className={styles.legendSuppressed}>
          <span className="swatch" aria-hidden="true" /> suppressed (size not shown)
        </li>
      </ul>
    </figure>
  );
}
