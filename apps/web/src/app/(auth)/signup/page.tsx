import type { Metadata } from 'next';
import Link from 'next/link';
import { POLICY_VERSION } from '@tia/api/version';
import { SignUpForm } from './signup-form';

export const metadata: Metadata = {
  title: 'Create an account',
  description: 'Create a TrueInterviewAI account to practise interviews out loud.',
};

export default function SignUpPage() {
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">New here</span>
        <h1>Create your account</h1>
        <p className="muted">
          Already have one? <Link href="/signin">Sign in</Link>.
        </p>
        <SignUpForm policyVersion={POLICY_VERSION} />
      </div>
    </div>
  );
}
