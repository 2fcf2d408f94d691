import type { Metadata } from 'next';
import { SetPassword } from './set-password';

export const metadata: Metadata = { title: 'Set a new password', robots: { index: false } };

export default function SetPasswordPage() {
  return (
    <div className="container section narrow-page">
      <span className="eyebrow">Your account</span>
      <h1>Set a new password</h1>
      <SetPassword />
    </div>
  );
}
