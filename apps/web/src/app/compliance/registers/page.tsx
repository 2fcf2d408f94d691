import type { Metadata } from 'next';
import Link from 'next/link';
import { PolicyRevisionLine } from '../../../components/policy-notice';
import { ConsoleLinks } from '../console-links';
import { RegistersView } from './registers-view';
import { RetentionView } from './retention-view';

export const metadata: Metadata = { title: 'Registers', robots: { index: false } };

export default function RegistersPage() {
  return (
    <div className="container section">
      <ConsoleLinks />
      <span className="eyebrow">Compliance</span>
      <h1>Registers</h1>
      <p className="lead">
        Records of processing, impact assessments, processors, disclosures and retention: one source, kept
        here. The worker sends data to a remote service only while an active processor entry lists its
        address. Every change is recorded.
      </p>
      <p className="fine-print">
        <PolicyRevisionLine prefix="Privacy notice in force:" /> (
        <Link href="/compliance/policy">revisions</Link>)
      </p>
      <RegistersView />
      <RetentionView />
    </div>
  );
}
