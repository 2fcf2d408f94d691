'use client';

import Link from 'next/link';
import { useState } from 'react';
import { api } from '@/components/auth/api';
import { FormShell, formAside, useFormProblems } from '@/components/form-shell';
import { CodeField, Field, PasswordField } from '@/components/forms';

const IDS = { email: 'rc-email', code: 'rc-code', newPassword: 'rc-password' };

export function ResetConfirmForm({ initialEmail }: { initialEmail: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const form = useFormProblems();
  const reset = api.auth.resetPassword.useMutation({ onError: form.fail });

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
    <FormShell
      label="Choose a new password"
      layout="stack"
      form={form}
      fieldIds={IDS}
      pending={reset.isPending}
      submitLabel="Change password"
      onSubmit={() => {
        if (
          form.check({
            email: !email.trim() && 'Enter your email address.',
            code: !/^\d{6}$/.test(code) && 'Enter the 6-digit code from the email.',
            newPassword: password.length < 8 && 'Your new password needs at least 8 characters.',
          })
        )
          reset.mutate({ email: email.trim(), code, newPassword: password });
      }}
      after={
        <p className={formAside}>
          No code? <Link href="/reset">Ask for a new one</Link>.
        </p>
      }
    >
      <Field
        id={IDS.email}
        name="email"
        type="email"
        label="Email address"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={form.fieldError('email')}
      />
      <CodeField
        id={IDS.code}
        name="code"
        label="Code from the email"
        required
        value={code}
        onChange={setCode}
        error={form.fieldError('code')}
      />
      <PasswordField
        id={IDS.newPassword}
        name="newPassword"
        label="New password"
        autoComplete="new-password"
        showStrength
        value={password}
        onChange={setPassword}
        error={form.fieldError('newPassword')}
      />
    </FormShell>
  );
}
