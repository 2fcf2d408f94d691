import type { Metadata } from 'next';
import { ConsoleLinks } from '../console-links';
import { DependenciesView } from './dependencies-view';

export const metadata: Metadata = { title: 'Dependencies', robots: { index: false } };

export default function DependenciesPage() {
  return (
    <div className="container section">
      <ConsoleLinks />
      <span className="eyebrow">Compliance</span>
      <h1>Dependencies</h1>
      <p className="lead">
        The software bill of materials of this build (every package and version from the lock file) and the
        latest vulnerability audit recorded for it.
      </p>
      <DependenciesView />
    </div>
  );
}
