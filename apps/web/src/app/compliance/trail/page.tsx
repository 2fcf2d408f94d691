import { eventRegistry } from '@tia/domain';
import type { Metadata } from 'next';
import { AuditTrail } from './audit-trail';

export const metadata: Metadata = { title: 'Audit trail', robots: { index: false } };

export default function TrailPage() {
  const types = [...eventRegistry.types()].sort();
  return (
    <div className="container section">
      <span className="eyebrow">Compliance</span>
      <h1>Audit trail</h1>
      <p className="lead">
        Every recorded action, newest first. Only what happened, when, and who did it is shown here: personal
        values stay encrypted and appear by field name only. Open an event (its number) to see it in full.
        Each search and each event you open is itself recorded.
      </p>
      <AuditTrail types={types} />
    </div>
  );
}
