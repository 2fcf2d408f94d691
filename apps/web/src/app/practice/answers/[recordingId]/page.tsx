import type { Metadata } from 'next';
import { FeedbackView } from './feedback-view';

export const metadata: Metadata = { title: 'Feedback on your answer', robots: { index: false } };

export default async function AnswerPage({ params }: { params: Promise<{ recordingId: string }> }) {
  const { recordingId } = await params;
  return (
    <div className="container section narrow-page">
      <FeedbackView recordingId={recordingId} />
    </div>
  );
}
