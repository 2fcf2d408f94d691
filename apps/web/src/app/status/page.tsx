import type { Metadata } from 'next';
import { StatusBoard } from './status-board';
import { SupervisionCard } from './supervision-card';

export const metadata: Metadata = {
  title: 'System status',
  description: 'Live health of the TrueInterviewAI database and event processing.',
};

export default function StatusPage() {
  return (
    <div className="container section">
      <StatusBoard />
      <SupervisionCard />
      <noscript>
        <p>
          This page updates itself with JavaScript. Without it, the raw report is at{' '}
          <a href="/api/health">/api/health</a>.
        </p>
      </noscript>
    </div>
  );
}
