'use client';

import { useState } from 'react';
import { AccessNeeded } from '../../../components/auth/access-needed';
import { api } from '../../../components/auth/api';
import { problemsOf } from '../../../components/forms';

export function DependenciesView() {
  const [search, setSearch] = useState('');
  const q = api.dependencies.sbom.useQuery({ search, limit: 200 }, { retry: false });
  if (q.error) {
    const p = problemsOf(q.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="a compliance officer" message={p.message} />;
    return (
      <p className="notice bad" role="alert">
        {p.message}
      </p>
    );
  }
  const audit = q.data?.audit;
  const sbom = q.data?.sbom;
  return (
    <>
      <section aria-labelledby="audit-title" className="section-block">
        <h2 id="audit-title">Latest vulnerability audit</h2>
        {!q.data ? (
          <p>Loading…</p>
        ) : audit ? (
          <>
            <p data-testid="audit-summary">
              {audit.tool} from {audit.source}, {audit.ranAt.replace('T', ' ').slice(0, 16)} UTC:{' '}
              {audit.counts.critical} critical, {audit.counts.high} high, {audit.counts.moderate} moderate,{' '}
              {audit.counts.low} low.
            </p>
            {audit.findings.length > 0 ? (
              <ul>
                {audit.findings.map((f) => (
                  <li key={f.name}>
                    {f.name} ({f.severity}, {f.range}) — {f.fixAvailable ? 'fix available' : 'no fix yet'}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : (
          <p>No audit recorded yet. Production records one with `npm audit --json | npm run audit:record`.</p>
        )}
      </section>
      <section aria-labelledby="sbom-title" className="section-block">
        <h2 id="sbom-title">Bill of materials</h2>
        <div className="field">
          <label htmlFor="sbom-search">Find a package</label>
          <input
            id="sbom-search"
            className="input"
            maxLength={100}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            autoComplete="off"
          />
        </div>
        {sbom?.status === 'missing' ? (
          <p className="notice">
            No bill of materials on this server yet: run `npm run sbom` (it runs before every build).
          </p>
        ) : sbom?.status === 'ok' ? (
          <>
            <p aria-live="polite">
              CycloneDX {sbom.specVersion}, generated {sbom.generatedAt ?? 'at an unknown time'}:{' '}
              {sbom.matching} of {sbom.total} packages match
              {sbom.matching > sbom.components.length ? `, first ${sbom.components.length} shown` : ''}.
            </p>
            <div className="table-wrap">
              <table className="stack" data-testid="sbom-table">
                <thead>
                  <tr>
                    <th scope="col">Package</th>
                    <th scope="col">Version</th>
                  </tr>
                </thead>
                <tbody>
                  {sbom.components.map((c, i) => (
                    <tr key={`${c.name}@${c.version}#${i}`}>
                      <td>{c.name}</td>
                      <td>{c.version}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </section>
    </>
  );
}
