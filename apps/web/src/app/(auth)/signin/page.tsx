import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInForm } from './signin-form';
import styles from './signin.module.css';

export const metadata: Metadata = { title: 'Sign in' };

/** Messages for `?error=` codes the Google callback redirects with. Unknown codes get the generic one. */
const GOOGLE_ERRORS: Record<string, string> = {
  access_denied: 'Google sign-in was cancelled.',
  state: 'Google sign-in expired or was started in another tab. Please try again.',
  invalid_state: 'Google sign-in expired or was started in another tab. Please try again.',
  google: 'Google sign-in did not complete. Please try again.',
  email_unverified:
    'Your Google account’s email address is not verified, so we cannot use it to sign you in.',
  underage: 'You must be at least 16 to use TrueInterviewAI.',
  rate_limited: 'Too many sign-in attempts. Please wait a minute and try again.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const code = typeof sp.error === 'string' ? sp.error : null;
  const googleError = code
    ? (GOOGLE_ERRORS[code] ?? 'Google sign-in did not complete. Please try again.')
    : null;
  return (
    <div className="container auth-shell">
      <div className="auth-card">
        <span className="eyebrow">Welcome back</span>
        <h1>Sign in</h1>
        <p className="muted">
          New to TrueInterviewAI? <Link href="/signup">Create an account</Link>.
        </p>
        <SignInForm googleError={googleError} />
        <div className={styles.divider} role="separator">
          <span>or</span>
        </div>
        <a className={`button secondary ${styles.google}`} href="/api/auth/google/start">
          <svg aria-hidden="true" viewBox="0 0 24 24" className={styles.googleMark}>
            <path
              fill="#4285F4"
              d="M22.5 12.3c0-.8-.1-1.5-.2-2.3H12v4.3h5.9a5 5 0 0 1-2.2 3.3v2.7h3.5c2.1-1.9 3.3-4.7 3.3-8z"
            />
            <path
              fill="#34A853"
              d="M12 23c3 0 5.5-1 7.3-2.7l-3.5-2.7c-1 .7-2.3 1.1-3.8 1.1-2.9 0-5.4-2-6.3-4.6H2.1v2.8A11 11 0 0 0 12 23z"
            />
            <path fill="#FBBC05" d="M5.7 14.1a6.6 6.6 0 0 1 0-4.2V7.1H2.1a11 11 0 0 0 0 9.8z" />
            <path
              fill="#EA4335"
              d="M12 5.4c1.6 0 3.1.6 4.2 1.7l3.1-3.1A11 11 0 0 0 2.1 7.1l3.6 2.8C6.6 7.3 9.1 5.4 12 5.4z"
            />
          </svg>
          Sign in with Google
        </a>
      </div>
    </div>
  );
}
