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

export function MfaForm() {
  const router = useRouter();
  const utils = api.useUtils();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const wait = useCountdown(problems.retryAfter, attempt);
  const id = recovery ? 'mfa-recovery' : 'mfa-code';
  const handlers = {
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push('/account');
    },
    onError: (err: unknown) => {
      const p = problemsOf(err);
      // A wrong code comes back as a form-level message: show it on the input.
      setProblems(
        p.message && p.code === 'BAD_REQUEST' && !p.fields.code
          ? { ...p, message: null, fields: { ...p.fields, code: p.message } }
          : p,
      );
      setAttempt((a) => a + 1);
    },
  };
  const verify = api.mfa.verify.useMutation(handlers);
  const useRecovery = api.mfa.useRecoveryCode.useMutation(handlers);
  const pending = verify.isPending || useRecovery.isPending;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const c = code.trim();
    const bad = recovery ? c.length < 6 : !/^\d{6}$/.test(c);
    if (bad) {
      setProblems({
        ...NO_PROBLEMS,
        fields: {
          code: recovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code from your app.',
        },
      });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    if (recovery) useRecovery.mutate({ code: c });
    else verify.mutate({ code: c });
  }

  return (
    <form noValidate onSubmit={onSubmit} className="form">
      <p className="muted">
        {recovery
          ? 'Each recovery code works once. After using one, consider setting up your authenticator again.'
          : 'Open your authenticator app and enter the 6-digit code it shows for TrueInterviewAI.'}
      </p>
      <ErrorSummary items={summaryItems(problems, { code: id })} version={attempt} />
      <RetryNotice seconds={wait} />
      {recovery ? (
        <Field
          key="recovery"
          id={id}
          name="recoveryCode"
          label="Recovery code"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          className="input code wide"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={problems.fields.code}
        />
      ) : (
        <CodeField
          key="totp"
          id={id}
          name="code"
          label="Authentication code"
          value={code}
          onChange={setCode}
          error={problems.fields.code}
        />
      )}
      <div className="form-actions">
        <Submit pending={pending} disabled={wait > 0}>
          Continue
        </Submit>
      </div>
      <p className="form-link">
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setRecovery((r) => !r);
            setCode('');
            setProblems(NO_PROBLEMS);
            window.setTimeout(
              () => document.getElementById(recovery ? 'mfa-code' : 'mfa-recovery')?.focus(),
              0,
            );
          }}
        >
          {recovery
            ? 'Use a code from your authenticator app instead'
            : 'Lost your device? Use a recovery code'}
        </button>
      </p>
    </form>
  );
}
