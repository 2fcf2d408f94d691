'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/auth/api';
import { FormShell, formAside, useFormProblems } from '@/components/form-shell';
import { CodeField, Field, useCountdown, type Problems } from '@/components/forms';

const IDS = { email: 'verify-email', code: 'verify-code' };
const RESEND_COOLDOWN = 60;

/** A wrong or expired code is a form-level message from the server: show it on the code field. */
function onCodeField(p: Problems): Problems {
  return p.message && p.code !== 'TOO_MANY_REQUESTS' && !p.fields.email && !p.fields.code
    ? { ...p, message: null, fields: { ...p.fields, code: p.message } }
    : p;
}

export function VerifyForm({ initialEmail }: { initialEmail: string }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState('');
  const form = useFormProblems({ shape: onCodeField });
  const [resent, setResent] = useState(0);
  const cooldown = useCountdown(resent > 0 ? RESEND_COOLDOWN : null, resent);

  const verify = api.auth.verifyEmail.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push('/account');
    },
    onError: form.fail,
  });
  const resend = api.auth.resendVerification.useMutation({
    onSuccess: () => setResent((n) => n + 1),
    onError: form.fail,
  });

  return (
    <FormShell
      label="Confirm your email address"
      layout="stack"
      intro={
        <p>
          We sent a 6-digit code to {initialEmail ? <strong>{initialEmail}</strong> : 'your email address'}.
          It is valid for 10 minutes.
        </p>
      }
      form={form}
      fieldIds={IDS}
      pending={verify.isPending}
      submitLabel="Confirm email"
      onSubmit={() => {
        const ok = form.check({
          email: !email.trim() && 'Enter the email address you signed up with.',
          code: !/^\d{6}$/.test(code) && 'Enter the 6-digit code from the email.',
        });
        if (ok) verify.mutate({ email: email.trim(), code });
      }}
      after={
        <p className={formAside} aria-live="polite">
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
      }
    >
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
          error={form.fieldError('email')}
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
        error={form.fieldError('code')}
      />
    </FormShell>
  );
}
