'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/components/auth/api';
import { QrCode } from '@/components/auth/qr-code';
import { FormShell, formMessageOnField, useFormProblems } from '@/components/form-shell';
import { CodeField } from '@/components/forms';
import styles from './enrolment.module.css';

/** A wrong code comes back as a form-level message: show it on the input. */
const onCodeField = formMessageOnField('code');
const IDS = { code: 'enrol-code' };

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
  const form = useFormProblems({ shape: onCodeField });
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const begin = api.mfa.beginEnrolment.useMutation({ onError: form.fail });
  const confirm = api.mfa.confirmEnrolment.useMutation({ onError: form.fail });
  const step = confirm.data ? 3 : begin.data ? 2 : 1;

  useEffect(() => {
    if (step > 1) stepHeading.current?.focus();
  }, [step]);

  if (step === 1) {
    return (
      <FormShell
        label="Start two-factor set-up"
        layout="stack"
        intro={
          <p>
            Staff accounts need a second factor. You will need an authenticator app on your phone, such as one
            from your password manager, Google Authenticator or Microsoft Authenticator.
          </p>
        }
        form={form}
        fieldIds={IDS}
        pending={begin.isPending}
        submitLabel="Start set-up"
        onSubmit={() => begin.mutate()}
      >
        {null}
      </FormShell>
    );
  }

  if (step === 2 && begin.data) {
    return (
      <>
        <h2 ref={stepHeading} tabIndex={-1} className={styles.stepTitle}>
          Step 1 of 2: scan the code
        </h2>
        <div className={styles.enrolGrid}>
          <QrCode value={begin.data.otpauthUri} label="QR code for your authenticator app" />
          <div>
            <p>Scan this QR code with your authenticator app.</p>
            <p className="muted">Can’t scan it? Enter this key in the app instead (time-based, 6 digits):</p>
            <p className={styles.secret}>
              <code
                data-testid="totp-secret"
                aria-label={`Set-up key: ${begin.data.secret.split('').join(' ')}`}
              >
                {groups(begin.data.secret)}
              </code>
            </p>
          </div>
        </div>
        <FormShell
          label="Confirm two-factor set-up"
          layout="stack"
          form={form}
          fieldIds={IDS}
          pending={confirm.isPending}
          submitLabel="Turn on two-factor"
          onSubmit={() => {
            if (form.check({ code: !/^\d{6}$/.test(code) && 'Enter the 6-digit code your app shows.' }))
              confirm.mutate({ code });
          }}
        >
          <CodeField
            id={IDS.code}
            name="code"
            label="Enter the 6-digit code your app now shows"
            value={code}
            onChange={setCode}
            error={form.fieldError('code')}
          />
        </FormShell>
      </>
    );
  }

  const codes = confirm.data?.recoveryCodes ?? [];
  return (
    <>
      <h2 ref={stepHeading} tabIndex={-1} className={styles.stepTitle}>
        Step 2 of 2: save your recovery codes
      </h2>
      <p className="notice ok" role="status">
        Two-factor authentication is on.
      </p>
      <p>
        If you lose your phone, each of these codes lets you sign in once.{' '}
        <strong>We will not show them again.</strong> Store them in your password manager or print them.
      </p>
      <ol className={styles.recoveryCodes} aria-label="Recovery codes">
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
      <div className="button-row tight">
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
