'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api } from '../../../../components/auth/api';
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
  CodeField,
} from '../../../../components/forms';

const IDS = { email: 'rc-email', code: 'rc-code', newPassword: 'rc-password' };

export function ResetConfirmForm({ initialEmail }: { initialEmail: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const wait = useCountdown(problems.retryAfter, attempt);
  const reset = api.auth.resetPassword.useMutation({
    onError: (err) => {
      setProblems(problemsOf(err));
      setAttempt((a) => a + 1);
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!email.trim()) fields.email = 'Enter your email address.';
    if (!/^\d{6}$/.test(code)) fields.code = 'Enter the 6-digit code from the email.';
    if (password.length < 8) fields.newPassword = 'Your new password needs at least 8 characters.';
    if (Object.keys(fields).length) {
      setProblems({ ...NO_PROBLEMS, fields });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    reset.mutate({ email: email.trim(), code, newPassword: password });
  }

  if (reset.isSuccess) {
    return (
      <div className="notice ok" role="status">
        <p>Your password has been changed and every session was signed out.</p>
        <p>
          <Link className="button" href="/signin">
            Sign in
          </Link>
        </p>
      </div>
    );
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
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={problems.fields.email}
      />
      <CodeField
        id={IDS.code}
        name="code"
        label="Code from the email"
        required
        value={code}
        onChange={setCode}
        error={problems.fields.code}
      />
      <PasswordField
        id={IDS.newPassword}
        name="newPassword"
        label="New password"
        autoComplete="new-password"
        showStrength
        value={password}
        onChange={setPassword}
        error={problems.fields.newPassword}
      />
      <div className="form-actions">
        <Submit pending={reset.isPending} disabled={wait > 0}>
          Change password
        </Submit>
      </div>
      <p className="form-link">
        No code? <Link href="/reset">Ask for a new one</Link>.
      </p>
    </form>
  );
}
