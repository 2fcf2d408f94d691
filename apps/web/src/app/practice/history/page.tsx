import type { Metadata } from 'next';
import { HistoryView } from './history-view';

export const metadata: Metadata = { title: 'Your practice history', robots: { index: false } };

export default function HistoryPage() {
  return (
    <div className="container section narrow-page">
      <HistoryView />
    </div>
  );
}
