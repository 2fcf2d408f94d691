import type { Metadata } from 'next';
import { StatusBoard } from './status-board';

export const metadata: Metadata = {
  title: 'System status',
  description: 'Live health of the TrueInterviewAI database and event processing.',
};

export default function StatusPage() {
  return (
    <div className="container section">
      <StatusBoard />
      <noscript>
        <p>
          This page updates itself with JavaScript. Without it, the raw report is at{' '}
          <a href="/api/health">/api/health</a>.
        </p>
      </noscript>
    </div>
  );
}
