import type { Metadata } from 'next';
import { SecurityAlerts } from './security-alerts';

export const metadata: Metadata = { title: 'Security alerts', robots: { index: false } };

export default function AlertsPage() {
  return (
    <div className="container section">
      <span className="eyebrow">Compliance</span>
      <h1>Security alerts</h1>
      <p className="lead">Repeated failures and other signals raised by the sign-in and code endpoints.</p>
      <SecurityAlerts />
    </div>
  );
}
