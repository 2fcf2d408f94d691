import type { Metadata } from 'next';
import { VerifyForm } from './verify-form';

export const metadata: Metadata = { title: 'Confirm your email' };

export default async function VerifyPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const email = typeof sp.email === 'string' ? sp.email : '';
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">One more step</span>
        <h1>Check your email</h1>
        <VerifyForm initialEmail={email} />
      </div>
    </div>
  );
}
