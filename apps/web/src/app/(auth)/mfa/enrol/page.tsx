import type { Metadata } from 'next';
import { Enrolment } from './enrolment';

export const metadata: Metadata = { title: 'Set up two-factor authentication' };

export default function EnrolPage() {
  return (
    <div className="container auth-shell">
      <div className="auth-card wide">
        <span className="eyebrow">Two-factor authentication</span>
        <h1>Set up your authenticator</h1>
        <Enrolment />
      </div>
    </div>
  );
}
