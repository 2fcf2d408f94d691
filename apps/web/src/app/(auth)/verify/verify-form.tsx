'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '../../../components/auth/api';
import {
  ErrorSummary,
  Field,
  NO_PROBLEMS,
  problemsOf,
  RetryNotice,
  Submit,
  summaryItems,
  useCountdown,
  type Problems,
  CodeField,
} from '../../../components/forms';

const IDS = { email: 'verify-email', code: 'verify-code' };
const RESEND_COOLDOWN = 60;

export function VerifyForm({ initialEmail }: { initialEmail: string }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const [resent, setResent] = useState(0);
  const wait = useCountdown(problems.retryAfter, attempt);
  const cooldown = useCountdown(resent > 0 ? RESEND_COOLDOWN : null, resent);

  const fail = (err: unknown) => {
    setProblems(problemsOf(err));
    setAttempt((a) => a + 1);
  };
  const verify = api.auth.verifyEmail.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push('/account');
    },
    onError: fail,
  });
  const resend = api.auth.resendVerification.useMutation({
    onSuccess: () => setResent((n) => n + 1),
    onError: fail,
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!email.trim()) fields.email = 'Enter the email address you signed up with.';
    if (!/^\d{6}$/.test(code)) fields.code = 'Enter the 6-digit code from the email.';
    if (Object.keys(fields).length) {
      setProblems({ ...NO_PROBLEMS, fields });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    verify.mutate({ email: email.trim(), code });
  }

  // A wrong or expired code is a form-level message from the server; show it on the code field.
  const codeError =
    problems.fields.code ??
    (problems.message && problems.code !== 'TOO_MANY_REQUESTS' && !problems.fields.email
      ? problems.message
      : undefined);
  const shown: Problems =
    codeError && !problems.fields.code
      ? { ...problems, message: null, fields: { ...problems.fields, code: codeError } }
      : problems;

  return (
    <form noValidate onSubmit={onSubmit} className="form">
      <p>
        We sent a 6-digit code to {initialEmail ? <strong>{initialEmail}</strong> : 'your email address'}. It
        is valid for 10 minutes.
      </p>
      <ErrorSummary items={summaryItems(shown, IDS)} version={attempt} />
      <RetryNotice seconds={wait} />
      {initialEmail ? null : (
        <Field
          id={IDS.email}
          name="email"
          type="email"
          label="Email address"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={shown.fields.email}
        />
      )}
      <CodeField
        id={IDS.code}
        name="code"
        label="Confirmation code"
        hint="6 digits, for example 123456."
        required
        value={code}
        onChange={setCode}
        error={shown.fields.code}
      />
      <div className="form-actions">
        <Submit pending={verify.isPending} disabled={wait > 0}>
          Confirm email
        </Submit>
      </div>
      <p className="resend" aria-live="polite">
        {cooldown > 0 ? (
          <>We sent a new code. You can ask for another in {cooldown} s.</>
        ) : (
          <>
            No email?{' '}
            <button
              type="button"
              className="link-button"
              disabled={resend.isPending || !email.trim()}
              onClick={() => resend.mutate({ email: email.trim() })}
            >
              Send a new code
            </button>{' '}
            (check your spam folder first).
          </>
        )}
      </p>
    </form>
  );
}
