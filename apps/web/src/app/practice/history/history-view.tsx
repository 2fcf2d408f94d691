'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { DataTable } from '../../../components/data-table';
import { problemsOf } from '../../../components/forms';
import { practiceApi } from '../../../components/practice/api';
import type { HistoryView as History } from '../../../components/practice/contract';
import { SignedIn, TrialCounter } from '../../../components/practice/signed-in';
import { isFinal, STATUS_LABEL } from '../../../components/practice/status-steps';

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
      <h1 ref={heading} tabIndex={-1}>
        Your practice history
      </h1>
      <SignedIn what="see your practice history">
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
      <div className="status-grid">
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

const W = 560;
const H = 220;
const PAD = { l: 34, r: 12, t: 12, b: 26 };

function scaleTime(points: { at: string }[][]) {
  const times = points.flat().map((p) => new Date(p.at).getTime());
  const min = Math.min(...times);
  const max = Math.max(...times);
  return (t: string, width: number, left: number) =>
    max === min ? left + width / 2 : left + ((new Date(t).getTime() - min) / (max - min)) * width;
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
  const tx = scaleTime(comps.map((c) => c.points));
  const y = (v: number) => PAD.t + (1 - v / 100) * (H - PAD.t - PAD.b);
  const innerW = W - PAD.l - PAD.r;
  const summary = comps
    .map((c) => {
      const first = c.points[0]!.overall;
      const last = c.points.at(-1)!.overall;
      return `${c.name}: ${c.points.length} answer${c.points.length === 1 ? '' : 's'}, from ${first} to ${last}`;
    })
    .join('; ');
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
            rows={comps.flatMap((c) => c.points.map((p) => [c.name, day(p.at), String(p.overall)]))}
          />
          <DataTable
            caption="Criterion scores (1–5)"
            columns={['Criterion', 'Date', 'Score']}
            rows={crits.flatMap((c) => c.points.map((p) => [c.label, day(p.at), String(p.score)]))}
          />
        </>
      ) : (
        <>
          <figure className="card chart-card">
            <figcaption>
              <strong>Overall score by competency</strong>
            </figcaption>
            <svg className="line-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="oc-t oc-d">
              <title id="oc-t">Overall score (0 to 100) over time, one line per competency</title>
              <desc id="oc-d">{summary}</desc>
              {[0, 25, 50, 75, 100].map((v) => (
                <g key={v}>
                  <line className="grid" x1={PAD.l} x2={W - PAD.r} y1={y(v)} y2={y(v)} />
                  <text className="tick" x={PAD.l - 6} y={y(v) + 4} textAnchor="end">
                    {v}
                  </text>
                </g>
              ))}
              {comps.map((c, n) => {
                const pts = c.points.map(
                  (p) => `${tx(p.at, innerW, PAD.l).toFixed(1)},${y(p.overall).toFixed(1)}`,
                );
                return (
                  <g key={c.competency} className={`series c${n % 6}`}>
                    {pts.length > 1 ? <polyline points={pts.join(' ')} fill="none" /> : null}
                    {c.points.map((p, k) => (
                      <circle key={k} cx={tx(p.at, innerW, PAD.l)} cy={y(p.overall)} r="4">
                        <title>{`${c.name}, ${day(p.at)}: ${p.overall}`}</title>
                      </circle>
                    ))}
                  </g>
                );
              })}
              {comps[0]?.points[0] ? (
                <>
                  <text className="tick" x={PAD.l} y={H - 6}>
                    {day(comps.flatMap((c) => c.points).sort((a, b) => a.at.localeCompare(b.at))[0]!.at)}
                  </text>
                  <text className="tick" x={W - PAD.r} y={H - 6} textAnchor="end">
                    {day(comps.flatMap((c) => c.points).sort((a, b) => b.at.localeCompare(a.at))[0]!.at)}
                  </text>
                </>
              ) : null}
            </svg>
            <ul className="chart-legend">
              {comps.map((c, n) => (
                <li key={c.competency} className={`c${n % 6}`}>
                  <span className="swatch" aria-hidden="true" /> {c.name}
                </li>
              ))}
            </ul>
          </figure>

          <h3>Each criterion (1 to 5)</h3>
          <ul className="small-multiples">
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
    <figure className="spark">
      <figcaption id={`${id}-c`}>
        {label} <span className="num crit-badge">{last.score}/5</span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${id}-c ${id}-d`}>
        <desc id={`${id}-d`}>
          {`${points.length} answer${points.length === 1 ? '' : 's'}: ${points.map((p) => p.score).join(', ')} (latest ${last.score} of 5)`}
        </desc>
        {[1, 3, 5].map((v) => (
          <line key={v} className="grid" x1="6" x2={w - 6} y1={y(v)} y2={y(v)} />
        ))}
        {pts.length > 1 ? <polyline points={pts.join(' ')} fill="none" className="spark-line" /> : null}
        {points.map((p, k) => (
          <circle key={k} className="spark-dot" cx={tx(p.at, w - 12, 6)} cy={y(p.score)} r="3" />
        ))}
      </svg>
    </figure>
  );
}
