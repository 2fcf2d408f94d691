import type { Metadata } from 'next';
import Link from 'next/link';
import { RevisionList } from './revision-views';
import styles from '../privacy.module.css';

export const metadata: Metadata = {
  title: 'Privacy notice revisions',
  description: 'Every revision of the TrueInterviewAI privacy notice, what changed and when it took effect.',
};

export default function RevisionsPage() {
  return (
    <div className={`container section ${styles.doc}`}>
      <span className="eyebrow">Privacy notice</span>
      <h1>Revisions of the privacy notice</h1>
      <p className="lead">
        Every version we published, newest first, with what changed in plain language. Each keeps its full
        text, so you can see what applied at any time.
      </p>
      <RevisionList />
      <p>
        <Link href="/privacy">The notice in force</Link>
      </p>
    </div>
  );
}
