'use client';

import { useEffect, useRef, useState } from 'react';
import { trpc } from '../../trpc/client';
import styles from './status.module.css';

const POLL_MS = 5_000;
const HISTORY = 24;

type Level = 'ok' | 'bad' | 'unknown';

function Badge({ level, children }: { level: Level; children: string }) {
  return <span className={`badge ${level}`}>{children}</span>;
}

function formatAge(ms: number | null): string {
  if (ms === null) return 'never';
  if (ms < 1_000) return 'just now';
  const s = Math.round(ms / 1_000);
  if (s < 120) return `${s} s ago`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
}

/** Tiny SVG sparkline of a consumer's lag over the last polls. Attributes only: no inline styles (CSP). */
function LagSparkline({ name, values }: { name: string; values: number[] }) {
  const w = 120;
  const h = 30;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (HISTORY - 1) : 0;
  const offset = w - step * (values.length - 1);
  const points = values
    .map((v, i) => `${(offset + i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`)
    .join(' ');
  const last = values.at(-1) ?? 0;
  return (
    <svg
      className={styles.lagChart}
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={`Lag of ${name} over the last ${values.length} checks: now ${last} events, peak ${Math.max(0, ...values)}.`}
    >
      <line className={styles.axis} x1="0" y1={h - 1} x2={w} y2={h - 1} strokeWidth="1" />
      {values.length > 1 ? (
        <polyline
          points={points}
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinejoin="round"
          strokeLinecap="round"
        />
      ) : (
        <circle cx={w - 2} cy={h - 2 - (last / max) * (h - 4)} r="2" fill="currentColor" />
      )}
    </svg>
  );
}

export function StatusBoard() {
  const health = trpc.system.health.useQuery(undefined, {
    refetchInterval: POLL_MS,
    refetchIntervalInBackground: false,
  });
  const info = trpc.system.info.useQuery(undefined, { staleTime: Infinity });
  const [history, setHistory] = useState<Record<string, number[]>>({});
  const lastSeen = useRef<number>(0);

  const report = health.data;
  useEffect(() => {
    if (!report || health.dataUpdatedAt === lastSeen.current) return;
    lastSeen.current = health.dataUpdatedAt;
    setHistory((prev) => {
      const next: Record<string, number[]> = {};
      for (const c of report.transport.consumers)
        next[c.name] = [...(prev[c.name] ?? []), c.lagEvents].slice(-HISTORY);
      return next;
    });
  }, [report, health.dataUpdatedAt]);

  const overall: Level = report ? (report.ok ? 'ok' : 'bad') : health.isError ? 'bad' : 'unknown';
  const overallText = report
    ? report.ok
      ? 'All systems operational'
      : 'Degraded'
    : health.isError
      ? 'Status unavailable'
      : 'Checking…';

  return (
    <>
      <div className="status-head">
        <div>
          <span className="eyebrow">System status</span>
          <h1>Service health</h1>
        </div>
        <div aria-live="polite">
          <Badge level={overall}>{overallText}</Badge>
        </div>
      </div>
      <p className="live-note">
        Updated every {POLL_MS / 1000} seconds.{' '}
        {health.dataUpdatedAt > 0 ? (
          <>Last check: {new Date(health.dataUpdatedAt).toLocaleTimeString()}.</>
        ) : null}
        {info.data ? <> Version {info.data.version}.</> : null}
      </p>

      <div className="status-grid">
        <section className="card" aria-labelledby="db-title" data-testid="database-card">
          <h2 id="db-title">Database</h2>
          {report ? (
            <>
              <p aria-live="polite">
                <Badge level={report.database.ok ? 'ok' : 'bad'}>
                  {report.database.ok ? 'Database OK' : 'Database unavailable'}
                </Badge>
              </p>
              <dl className="metric-list">
                <dt>Latency</dt>
                <dd>{report.database.latencyMs} ms</dd>
                <dt>Migrations applied</dt>
                <dd>{report.database.migrationsApplied}</dd>
              </dl>
            </>
          ) : (
            <p className="muted">{health.isError ? 'Could not reach the status API.' : 'Checking…'}</p>
          )}
        </section>

        <section className="card" aria-labelledby="transport-title">
          <h2 id="transport-title">Event processing</h2>
          {report ? (
            <>
              <p>
                <Badge
                  level={report.transport.ok ? 'ok' : report.transport.mode === 'unknown' ? 'unknown' : 'bad'}
                >
                  {report.transport.ok ? 'Processing events' : 'No live consumers'}
                </Badge>
              </p>
              <dl className="metric-list">
                <dt>Transport</dt>
                <dd>{report.transport.mode === 'unknown' ? 'not detected' : report.transport.mode}</dd>
                <dt>Consumers</dt>
                <dd>
                  {report.transport.consumers.filter((c) => c.ok).length} live of{' '}
                  {report.transport.consumers.length}
                </dd>
              </dl>
            </>
          ) : (
            <p className="muted">Checking…</p>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="consumers-title">
        <h2 id="consumers-title">Consumers and lag</h2>
        {report && report.transport.consumers.length > 0 ? (
          <div className="table-wrap">
            <table className={`stack ${styles.kv} ${styles.consumers}`}>
              <caption className="visually-hidden">Event consumers, their lag and heartbeat</caption>
              <thead>
                <tr>
                  <th scope="col">Consumer</th>
                  <th scope="col">State</th>
                  <th scope="col">Lag (events)</th>
                  <th scope="col">Trend</th>
                  <th scope="col">Heartbeat</th>
                  <th scope="col">Last processed</th>
                </tr>
              </thead>
              <tbody>
                {report.transport.consumers.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{c.name}</th>
                    <td data-label="State">
                      <Badge level={c.ok ? 'ok' : 'bad'}>{c.ok ? 'live' : 'stale'}</Badge>
                    </td>
                    <td className="num" data-label="Lag (events)">
                      {c.lagEvents}
                    </td>
                    <td data-label="Trend">
                      <LagSparkline name={c.name} values={history[c.name] ?? [c.lagEvents]} />
                    </td>
                    <td className="num" data-label="Heartbeat">
                      {formatAge(c.heartbeatAgeMs)}
                    </td>
                    <td className="num" data-label="Last processed">
                      {c.lastProcessedAt ? new Date(c.lastProcessedAt).toLocaleString() : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">
            {report ? 'No consumers have registered yet. Start the worker to process events.' : 'Checking…'}
          </p>
        )}
      </section>
    </>
  );
}
