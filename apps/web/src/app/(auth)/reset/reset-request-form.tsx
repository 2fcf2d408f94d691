'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/auth/api';
import { FormShell, useFormProblems } from '@/components/form-shell';
import { Field } from '@/components/forms';

const IDS = { email: 'reset-email' };

export function ResetRequestForm() {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const form = useFormProblems();
  const request = api.auth.requestPasswordReset.useMutation({
    onSuccess: () => router.push(`/reset/confirm?email=${encodeURIComponent(email.trim())}`),
    onError: form.fail,
  });

  return (
    <FormShell
      label="Ask for a password reset code"
      layout="stack"
      form={form}
      fieldIds={IDS}
      pending={request.isPending}
      submitLabel="Send code"
      onSubmit={() => {
        if (form.check({ email: !email.trim() && 'Enter your email address.' }))
          request.mutate({ email: email.trim() });
      }}
    >
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
        error={form.fieldError('email')}
      />
    </FormShell>
  );
}
