'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { DataTable } from '../../../components/data-table';
import { problemsOf } from '../../../components/forms';
import { practiceApi } from '../../../components/practice/api';
import type { HistoryView as History } from '../../../components/practice/contract';
import { SignedIn, TrialCounter } from '../../../components/practice/signed-in';
import { isFinal, STATUS_LABEL } from '../../../components/practice/status-steps';
import styles from './history.module.css';

const day = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const dayTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function HistoryView() {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <>
      <span className="eyebrow">Practice</span>
      <h1 ref={heading} tabIndex={-1} className="focus-target">
        Your practice history
      </h1>
      <SignedIn what="see your practice history" nested>
        <HistoryInner />
      </SignedIn>
    </>
  );
}

function HistoryInner() {
  const history = practiceApi.history.useQuery(undefined, {
    refetchInterval: (q) => (q.state.data?.answers.some((a) => !isFinal(a.status)) ? 2000 : false),
  });
  const session = (id: string) => `/practice/${id}`;
  if (history.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading your answers…
      </p>
    );
  if (!history.data)
    return (
      <p className="notice bad" role="alert">
        {problemsOf(history.error).message ?? 'Your history could not be loaded.'}
      </p>
    );
  const h = history.data;
  return (
    <>
      <div className="status-grid practice-cards">
        <section className="card" aria-labelledby="trial-title">
          <h2 id="trial-title">Free trial</h2>
          <TrialCounter trial={h.trial} />
        </section>
        <section className="card" aria-labelledby="next-title">
          <h2 id="next-title">Keep practising</h2>
          <p>Short, regular practice helps most. Try the same competency again and watch the line go up.</p>
          <p>
            <Link className="button" href="/practice">
              Start a practice session
            </Link>
          </p>
        </section>
      </div>

      <section aria-labelledby="answers-title" className="section-block">
        <h2 id="answers-title">Your answers</h2>
        {h.answers.length === 0 ? (
          <p className="muted">No answers yet. Your submitted answers and their scores will appear here.</p>
        ) : (
          <DataTable
            caption={`${h.answers.length} answer${h.answers.length === 1 ? '' : 's'}, newest first`}
            columns={['Date', 'Competency', 'Status', 'Overall', '']}
            rows={h.answers.map((a) => [
              dayTime(a.uploadedAt),
              a.competency ? (COMPETENCY_NAME(h, a.competency) ?? a.competency) : '—',
              <span
                key="s"
                className={`badge ${a.status === 'scored' ? 'ok' : isFinal(a.status) ? 'bad' : 'unknown'}`}
              >
                {STATUS_LABEL[a.status]}
              </span>,
              a.overall !== null ? <span className="num">{a.overall}/100</span> : '—',
              <span key="l">
                <Link href={`/practice/answers/${a.recordingId}`}>
                  {a.status === 'scored' ? 'Feedback' : 'Details'}
                  <span className="visually-hidden"> for the answer of {dayTime(a.uploadedAt)}</span>
                </Link>{' '}
                · <Link href={session(a.sessionId)}>Session</Link>
              </span>,
            ])}
          />
        )}
      </section>

      <Progress h={h} />
    </>
  );
}

function COMPETENCY_NAME(h: History, id: string): string | undefined {
  return h.progress.byCompetency.find((c) => c.competency === id)?.name;
}

/** The wide chart for larger screens; the compact one (bigger type for its size) for phones. CSS shows one. */
const SIZES = {
  wide: { W: 560, H: 220, PAD: { l: 34, r: 14, t: 12, b: 28 } },
  compact: { W: 320, H: 210, PAD: { l: 34, r: 10, t: 12, b: 32 } },
} as const;
/** Points keep clear of the y axis and the right edge. */
const INSET = 12;

function scaleTime(points: { at: string }[][]) {
  const times = points.flat().map((p) => new Date(p.at).getTime());
  const min = Math.min(...times);
  const max = Math.max(...times);
  return (t: string, width: number, left: number) =>
    max === min ? left + width / 2 : left + ((new Date(t).getTime() - min) / (max - min)) * width;
}

/** Labels for the first and last point: dates, or times of day when everything is from one day. */
function timeLabels(ats: string[]): { first: string; last: string } | null {
  const sorted = [...ats].sort();
  const first = sorted[0];
  const last = sorted.at(-1);
  if (!first || !last) return null;
  if (first === last) return { first: dayTime(first), last: '' };
  if (day(first) === day(last)) {
    const time = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'short' });
    return { first: `${day(first)}, ${time(first)}`, last: time(last) };
  }
  return { first: day(first), last: day(last) };
}

type Comp = History['progress']['byCompetency'][number];

function OverallChart({ comps, size }: { comps: Comp[]; size: keyof typeof SIZES }) {
  const { W, H, PAD } = SIZES[size];
  const tx = scaleTime(comps.map((c) => c.points));
  const y = (v: number) => PAD.t + (1 - v / 100) * (H - PAD.t - PAD.b);
  const left = PAD.l + INSET;
  const innerW = W - PAD.l - PAD.r - 2 * INSET;
  const labels = timeLabels(comps.flatMap((c) => c.points.map((p) => p.at)));
  const summary = comps
    .map((c) => {
      const first = c.points[0]!.overall;
      const last = c.points.at(-1)!.overall;
      return c.points.length === 1
        ? `${c.name}: 1 answer, ${first}`
        : `${c.name}: ${c.points.length} answers, from ${first} to ${last}`;
    })
    .join('; ');
  const id = `oc-${size}`;
  return (
    <svg
      className={`${styles.lineChart} ${size === 'wide' ? styles.wide : styles.compact}`}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-labelledby={`${id}-t ${id}-d`}
      data-testid={`overall-chart-${size}`}
    >
      <title id={`${id}-t`}>Overall score (0 to 100) over time, one line per competency</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {[0, 25, 50, 75, 100].map((v) => (
        <g key={v}>
          <line className={styles.grid} x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} />
          <text className={styles.tick} x={PAD.l - 6} y={y(v) + 4} textAnchor="end">
            {v}
          </text>
        </g>
      ))}
      {comps.map((c, n) => {
        const pts = c.points.map((p) => `${tx(p.at, innerW, left).toFixed(1)},${y(p.overall).toFixed(1)}`);
        return (
          <g key={c.competency} className={`${styles.series} c${n % 6}`}>
            {pts.length > 1 ? <polyline points={pts.join(' ')} fill="none" /> : null}
            {c.points.map((p, k) => (
              <circle key={k} cx={tx(p.at, innerW, left)} cy={y(p.overall)} r={size === 'wide' ? 4.5 : 5}>
                <title>{`${c.name}, ${dayTime(p.at)}: ${p.overall}`}</title>
              </circle>
            ))}
          </g>
        );
      })}
      {labels ? (
        labels.last ? (
          <>
            <text className={styles.tick} x={PAD.l} y={H - 8}>
              {labels.first}
            </text>
            <text className={styles.tick} x={W - PAD.r} y={H - 8} textAnchor="end">
              {labels.last}
            </text>
          </>
        ) : (
          <text className={styles.tick} x={left + innerW / 2} y={H - 8} textAnchor="middle">
            {labels.first}
          </text>
        )
      ) : null}
    </svg>
  );
}

function Progress({ h }: { h: History }) {
  const [asTable, setAsTable] = useState(false);
  const comps = h.progress.byCompetency.filter((c) => c.points.length > 0);
  const crits = h.progress.byCriterion.filter((c) => c.points.length > 0);
  if (comps.length === 0 && crits.length === 0)
    return (
      <section aria-labelledby="progress-title" className="section-block">
        <h2 id="progress-title">Progress over time</h2>
        <p className="muted">Charts appear once you have a scored answer.</p>
      </section>
    );
  return (
    <section aria-labelledby="progress-title" className="section-block">
      <div className="status-head">
        <h2 id="progress-title">Progress over time</h2>
        <button
          type="button"
          className="button secondary small"
          aria-pressed={asTable}
          onClick={() => setAsTable((v) => !v)}
        >
          {asTable ? 'Show charts' : 'Show as tables'}
        </button>
      </div>

      {asTable ? (
        <>
          <DataTable
            caption="Overall score by competency"
            columns={['Competency', 'Date', 'Overall (0–100)']}
            rows={comps.flatMap((c) => c.points.map((p) => [c.name, dayTime(p.at), String(p.overall)]))}
          />
          <DataTable
            caption="Criterion scores (1–5)"
            columns={['Criterion', 'Date', 'Score']}
            rows={crits.flatMap((c) => c.points.map((p) => [c.label, dayTime(p.at), String(p.score)]))}
          />
        </>
      ) : (
        <>
          <figure className="card chart-card">
            <figcaption>
              <strong>Overall score by competency</strong>
            </figcaption>
            <OverallChart comps={comps} size="wide" />
            <OverallChart comps={comps} size="compact" />
            <ul className="chart-legend">
              {comps.map((c, n) => (
                <li key={c.competency} className={`c${n % 6}`}>
                  <span className="swatch" aria-hidden="true" /> {c.name}
                </li>
              ))}
            </ul>
          </figure>

          <h3>Each criterion (1 to 5)</h3>
          <ul className={styles.smallMultiples} data-testid="criterion-sparks">
            {crits.map((c) => (
              <li key={c.criterion} className="card">
                <Spark label={c.label} points={c.points} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Spark({ label, points }: { label: string; points: { at: string; score: number }[] }) {
  const w = 160;
  const h = 60;
  const tx = scaleTime([points]);
  const y = (v: number) => 6 + (1 - (v - 1) / 4) * (h - 12);
  const pts = points.map((p) => `${tx(p.at, w - 12, 6).toFixed(1)},${y(p.score).toFixed(1)}`);
  const last = points.at(-1)!;
  const id = `sm-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <figure className={styles.spark}>
      <figcaption id={`${id}-c`}>
        <span className={styles.sparkLabel}>{label}</span>{' '}
        <span className="num crit-badge">{last.score}/5</span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${id}-c ${id}-d`}>
        <desc id={`${id}-d`}>
          {`${points.length} answer${points.length === 1 ? '' : 's'}: ${points.map((p) => p.score).join(', ')} (latest ${last.score} of 5)`}
        </desc>
        {[1, 3, 5].map((v) => (
          <line key={v} className={styles.grid} x1="6" x2={w - 6} y1={y(v)} y2={y(v)} />
        ))}
        {pts.length > 1 ? <polyline points={pts.join(' ')} fill="none" className={styles.sparkLine} /> : null}
        {points.map((p, k) => (
          <circle key={k} className={styles.sparkDot} cx={tx(p.at, w - 12, 6)} cy={y(p.score)} r="3" />
        ))}
      </svg>
    </figure>
  );
}
