import type { Metadata } from 'next';
import { ConsoleLinks } from '../console-links';
import { BreachConsole } from './breach-console';

export const metadata: Metadata = { title: 'Breach response', robots: { index: false } };

export default function BreachesPage() {
  return (
    <div className="container section">
      <ConsoleLinks />
      <span className="eyebrow">Compliance</span>
      <h1>Breach response</h1>
      <p className="lead">
        Register an incident as soon as you know of it: the supervisory authority must be told within 72
        hours. Contain it, find who is affected from the event log, tell them, report, and close. Every step
        is recorded.
      </p>
      <BreachConsole />
    </div>
  );
}
