import type { Metadata } from 'next';
import { ResetRequestForm } from './reset-request-form';

export const metadata: Metadata = { title: 'Reset your password' };

export default function ResetPage() {
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">Password help</span>
        <h1>Reset your password</h1>
        <p className="muted">Enter the email address of your account. We will send you a 6-digit code.</p>
        <ResetRequestForm />
      </div>
    </div>
  );
}
