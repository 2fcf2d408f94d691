'use client';

import { useEffect, useState } from 'react';
import type { SupervisionReport } from '../api/supervision/route';
import styles from './status.module.css';

const POLL_MS = 5_000;

/** Processes kept running by `npm start` and their restarts; hidden when the app runs some other way. */
export function SupervisionCard() {
  const [report, setReport] = useState<SupervisionReport | null>(null);
  useEffect(() => {
    let alive = true;
    const load = () =>
      fetch('/api/supervision', { cache: 'no-store' })
        .then((r) => (r.ok ? (r.json() as Promise<SupervisionReport>) : null))
        .then((r) => alive && setReport(r))
        .catch(() => undefined);
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, []);
  if (!report?.supervised) return null;
  return (
    <section className="card" aria-labelledby="processes-title" data-testid="processes-card">
      <h2 id="processes-title">Processes</h2>
      <div className="table-wrap">
        <table className={`stack ${styles.kv}`}>
          <caption className="visually-hidden">
            Processes kept running by npm start and their restarts
          </caption>
          <thead>
            <tr>
              <th scope="col">Process</th>
              <th scope="col">State</th>
              <th scope="col">Restarts</th>
              <th scope="col">Last restart</th>
            </tr>
          </thead>
          <tbody>
            {report.processes.map((p) => (
              <tr key={p.name}>
                <th scope="row">{p.name}</th>
                <td data-label="State">
                  <span className={`badge ${p.up ? 'ok' : 'bad'}`}>{p.up ? 'running' : 'restarting'}</span>
                </td>
                <td className="num" data-label="Restarts">
                  {p.restarts}
                </td>
                <td className="num" data-label="Last restart">
                  {p.lastRestartAt ? new Date(p.lastRestartAt).toLocaleString() : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
