import type { Metadata } from 'next';
import { SessionView } from './session-view';

export const metadata: Metadata = { title: 'Practice session', robots: { index: false } };

export default async function SessionPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  return (
    <div className="container section narrow-page">
      <SessionView sessionId={sessionId} />
    </div>
  );
}
