'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../../../../components/auth/api';
import { QrCode } from '../../../../components/auth/qr-code';
import {
  ErrorSummary,
  NO_PROBLEMS,
  problemsOf,
  RetryNotice,
  Submit,
  summaryItems,
  useCountdown,
  type Problems,
  CodeField,
} from '../../../../components/forms';

function groups(secret: string): string {
  return secret
    .replace(/\s+/g, '')
    .replace(/(.{4})/g, '$1 ')
    .trim();
}

export function Enrolment() {
  const router = useRouter();
  const utils = api.useUtils();
  const [code, setCode] = useState('');
  const [saved, setSaved] = useState(false);
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const wait = useCountdown(problems.retryAfter, attempt);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const fail = (err: unknown) => {
    const p = problemsOf(err);
    setProblems(
      p.message && p.code === 'BAD_REQUEST' && !p.fields.code
        ? { ...p, message: null, fields: { ...p.fields, code: p.message } }
        : p,
    );
    setAttempt((a) => a + 1);
  };
  const begin = api.mfa.beginEnrolment.useMutation({ onError: fail });
  const confirm = api.mfa.confirmEnrolment.useMutation({ onError: fail });
  const step = confirm.data ? 3 : begin.data ? 2 : 1;

  useEffect(() => {
    if (step > 1) stepHeading.current?.focus();
  }, [step]);

  function onConfirm(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setProblems({ ...NO_PROBLEMS, fields: { code: 'Enter the 6-digit code your app shows.' } });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    confirm.mutate({ code });
  }

  const summary = <ErrorSummary items={summaryItems(problems, { code: 'enrol-code' })} version={attempt} />;

  if (step === 1) {
    return (
      <div className="form">
        <p>
          Staff accounts need a second factor. You will need an authenticator app on your phone, such as one
          from your password manager, Google Authenticator or Microsoft Authenticator.
        </p>
        {summary}
        <RetryNotice seconds={wait} />
        <div className="form-actions">
          <button
            type="button"
            className="button"
            onClick={() => {
              setProblems(NO_PROBLEMS);
              begin.mutate();
            }}
            disabled={begin.isPending || wait > 0}
          >
            {begin.isPending ? 'Please wait…' : 'Start set-up'}
          </button>
        </div>
      </div>
    );
  }

  if (step === 2 && begin.data) {
    return (
      <>
        <h2 ref={stepHeading} tabIndex={-1} className="step-title">
          Step 1 of 2: scan the code
        </h2>
        <div className="enrol-grid">
          <QrCode value={begin.data.otpauthUri} label="QR code for your authenticator app" />
          <div>
            <p>Scan this QR code with your authenticator app.</p>
            <p className="muted">Can’t scan it? Enter this key in the app instead (time-based, 6 digits):</p>
            <p className="secret">
              <code aria-label={`Set-up key: ${begin.data.secret.split('').join(' ')}`}>
                {groups(begin.data.secret)}
              </code>
            </p>
          </div>
        </div>
        <form noValidate onSubmit={onConfirm} className="form">
          {summary}
          <RetryNotice seconds={wait} />
          <CodeField
            id="enrol-code"
            name="code"
            label="Enter the 6-digit code your app now shows"
            value={code}
            onChange={setCode}
            error={problems.fields.code}
          />
          <div className="form-actions">
            <Submit pending={confirm.isPending} disabled={wait > 0}>
              Turn on two-factor
            </Submit>
          </div>
        </form>
      </>
    );
  }

  const codes = confirm.data?.recoveryCodes ?? [];
  return (
    <>
      <h2 ref={stepHeading} tabIndex={-1} className="step-title">
        Step 2 of 2: save your recovery codes
      </h2>
      <p className="notice ok" role="status">
        Two-factor authentication is on.
      </p>
      <p>
        If you lose your phone, each of these codes lets you sign in once.{' '}
        <strong>We will not show them again.</strong> Store them in your password manager or print them.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="checkbox">
        <input
          type="checkbox"
          id="codes-saved"
          checked={saved}
          onChange={(e) => setSaved(e.target.checked)}
        />
        <label htmlFor="codes-saved">I have saved my recovery codes somewhere safe.</label>
      </div>
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={!saved}
          aria-disabled={!saved}
          onClick={() => {
            void utils.auth.me.invalidate().then(() => router.push('/account'));
          }}
        >
          Continue to your account
        </button>
      </div>
      <p className="fine-print">
        <Link href="/privacy#security">How we protect your account</Link>
      </p>
    </>
  );
}
