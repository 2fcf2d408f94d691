import type { Metadata } from 'next';
import { MfaForm } from './mfa-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default function MfaPage() {
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">Two-factor authentication</span>
        <h1>Enter your code</h1>
        <MfaForm />
      </div>
    </div>
  );
}
