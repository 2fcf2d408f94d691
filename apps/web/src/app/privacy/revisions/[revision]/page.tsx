import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RevisionText } from '../revision-views';
import styles from '../../privacy.module.css';

export const metadata: Metadata = { title: 'Privacy notice revision' };

export default async function RevisionPage({ params }: { params: Promise<{ revision: string }> }) {
  const { revision } = await params;
  if (!/^[1-9][0-9]{0,5}$/.test(revision)) notFound();
  return (
    <div className={`container section ${styles.doc}`}>
      <RevisionText revision={Number(revision)} />
      <p>
        <Link href="/privacy/revisions">Every revision</Link> ·{' '}
        <Link href="/privacy">The notice in force</Link>
      </p>
    </div>
  );
}
