import type { Metadata } from 'next';
import { ResetConfirmForm } from './reset-confirm-form';

export const metadata: Metadata = { title: 'Choose a new password' };

export default async function ResetConfirmPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const email = typeof sp.email === 'string' ? sp.email : '';
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">Password help</span>
        <h1>Choose a new password</h1>
        <p className="muted">
          If an account exists for that address, we have emailed it a 6-digit code. It is valid for 10
          minutes.
        </p>
        <ResetConfirmForm initialEmail={email} />
      </div>
    </div>
  );
}
