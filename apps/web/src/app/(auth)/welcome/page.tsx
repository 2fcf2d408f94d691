import type { Metadata } from 'next';
import { POLICY_VERSION } from '@tia/api/version';
import { WelcomeForm } from './welcome-form';

export const metadata: Metadata = { title: 'Finish your profile', robots: { index: false } };

export default function WelcomePage() {
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">One more step</span>
        <h1>Finish your profile</h1>
        <p className="muted">
          You signed in with Google. Before you can practise, we need your date of birth and your privacy
          choices — the same as for everyone who signs up.
        </p>
        <WelcomeForm policyVersion={POLICY_VERSION} />
      </div>
    </div>
  );
}
