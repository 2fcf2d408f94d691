'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '../../../components/auth/api';
import { nextStepAfterSignIn } from '../../../components/auth/next-step';
import {
  ErrorSummary,
  Field,
  NO_PROBLEMS,
  PasswordField,
  problemsOf,
  RetryNotice,
  Submit,
  summaryItems,
  useCountdown,
  type Problems,
} from '../../../components/forms';

const IDS = { email: 'signin-email', password: 'signin-password' };

export function SignInForm({ googleError }: { googleError: string | null }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<Problems>(
    googleError ? { ...NO_PROBLEMS, message: googleError } : NO_PROBLEMS,
  );
  const [attempt, setAttempt] = useState(googleError ? 1 : 0);
  const wait = useCountdown(problems.retryAfter, attempt);

  const signIn = api.auth.signIn.useMutation({
    onSuccess: async (res) => {
      await utils.auth.me.invalidate();
      // A one-time password (bootstrap admin) must be replaced before anything else.
      if (res.passwordChangeRequired) return router.push('/account/password');
      if (!res.emailVerified && !res.mfaRequired)
        return router.push(`/verify?email=${encodeURIComponent(email.trim())}`);
      // Staff without an authenticator go to set one up; others with a second factor enter a code.
      const me = await utils.auth.me.fetch();
      router.push(me ? nextStepAfterSignIn(me) : res.mfaRequired ? '/mfa' : '/account');
    },
    onError: (err) => {
      setProblems(problemsOf(err));
      setAttempt((a) => a + 1);
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!email.trim()) fields.email = 'Enter your email address.';
    if (!password) fields.password = 'Enter your password.';
    if (Object.keys(fields).length) {
      setProblems({ ...NO_PROBLEMS, fields });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    signIn.mutate({ email: email.trim(), password });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="form">
      <ErrorSummary items={summaryItems(problems, IDS)} version={attempt} />
      <RetryNotice seconds={wait} />
      <Field
        id={IDS.email}
        name="email"
        type="email"
        label="Email address"
        autoComplete="username"
        inputMode="email"
        spellCheck={false}
        autoCapitalize="none"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={problems.fields.email}
      />
      <PasswordField
        id={IDS.password}
        name="password"
        label="Password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        error={problems.fields.password}
      />
      <p className="form-link">
        <Link href="/reset">Forgot your password?</Link>
      </p>
      <div className="form-actions">
        <Submit pending={signIn.isPending} disabled={wait > 0}>
          Sign in
        </Submit>
      </div>
    </form>
  );
}
