import type { Metadata } from 'next';
import { ReportMinor } from '../../../components/report-minor';

export const metadata: Metadata = { title: 'Report a user under 16' };

export default function ReportMinorPage() {
  return (
    <div className="container section">
      <span className="eyebrow">Privacy</span>
      <h1>Report a user under 16</h1>
      <p className="lead">You do not need an account to send a report.</p>
      <ReportMinor />
    </div>
  );
}
