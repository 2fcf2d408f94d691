import type { Metadata } from 'next';
import { ConsoleLinks } from '../console-links';
import { RecordingLifecycle } from './recording-lifecycle';

export const metadata: Metadata = { title: 'Recording lifecycle', robots: { index: false } };

export default function RecordingsPage() {
  return (
    <div className="container section">
      <ConsoleLinks />
      <span className="eyebrow">Compliance</span>
      <h1>Recording lifecycle</h1>
      <p className="lead">
        When each answer&apos;s audio arrived, was transcribed and was deleted, from the event log. Audio may
        not outlive the policy&apos;s limit; the report below lists every recording that did, and should be
        empty.
      </p>
      <RecordingLifecycle />
    </div>
  );
}
