import type { Metadata } from 'next';
import Link from 'next/link';
import { PrivacyView } from './privacy-view';

export const metadata: Metadata = { title: 'My data', robots: { index: false } };

export default function PrivacyPage() {
  return (
    <div className="container section narrow-page">
      <span className="eyebrow">
        <Link href="/account">Your account</Link>
      </span>
      <h1>My data</h1>
      <PrivacyView />
    </div>
  );
}
