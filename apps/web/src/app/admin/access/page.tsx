import type { Metadata } from 'next';
import { AccessGrants } from './access-grants';

export const metadata: Metadata = { title: 'Access grants', robots: { index: false } };

export default function AccessPage() {
  return (
    <div className="container section">
      <span className="eyebrow">Administration</span>
      <h1>Access grants</h1>
      <p className="lead">Who holds a staff role, who granted it, and when it was last reviewed.</p>
      <AccessGrants />
    </div>
  );
}
