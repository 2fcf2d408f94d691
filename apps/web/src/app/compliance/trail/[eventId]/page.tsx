import type { Metadata } from 'next';
import { EventView } from './event-view';

export const metadata: Metadata = { title: 'Audit trail: one event', robots: { index: false } };

export default async function TrailEventPage({ params }: { params: Promise<{ eventId: string }> }) {
  const { eventId } = await params;
  return (
    <div className="container section narrow-page">
      <EventView eventId={eventId} />
    </div>
  );
}
