import type { Metadata } from 'next';
import { ConsoleLinks } from '../console-links';
import { PolicyView } from './policy-view';

export const metadata: Metadata = { title: 'Privacy notice revisions', robots: { index: false } };

export default function PolicyPage() {
  return (
    <div className="container section">
      <ConsoleLinks />
      <span className="eyebrow">Compliance</span>
      <h1>Privacy notice revisions</h1>
      <p className="lead">
        Publish a new revision of the privacy notice. Every revision stays readable with its full text. A
        significant change is shown to signed-in people until they acknowledge it, and emailed once to
        everyone with an account.
      </p>
      <PolicyView />
    </div>
  );
}
