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
} from '../../../components/forms';

const IDS = { email: 'reset-email' };

export function ResetRequestForm() {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const wait = useCountdown(problems.retryAfter, attempt);
  const request = api.auth.requestPasswordReset.useMutation({
    onSuccess: () => router.push(`/reset/confirm?email=${encodeURIComponent(email.trim())}`),
    onError: (err) => {
      setProblems(problemsOf(err));
      setAttempt((a) => a + 1);
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!email.trim()) {
      setProblems({ ...NO_PROBLEMS, fields: { email: 'Enter your email address.' } });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    request.mutate({ email: email.trim() });
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
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
        autoCapitalize="none"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={problems.fields.email}
      />
      <div className="form-actions">
        <Submit pending={request.isPending} disabled={wait > 0}>
          Send code
        </Submit>
      </div>
    </form>
  );
}
