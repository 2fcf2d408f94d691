import type { Metadata } from 'next';
import { Workspace } from './workspace';

export const metadata: Metadata = { title: 'Analyst workspace', robots: { index: false } };

export default function AnalyticsPage() {
  return (
    <div className="container section">
      <span className="eyebrow">Analytics</span>
      <h1>Analyst workspace</h1>
      <p className="lead">
        Aggregates over everyone who practises, with no person in them: cells describing fewer than k people
        are hidden, together with the cells that would give them back.
      </p>
      <Workspace />
    </div>
  );
}
