'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/auth/api';
import { nextStepAfterSignIn } from '@/components/auth/next-step';
import { FormShell, formAside, useFormProblems } from '@/components/form-shell';
import { Field, PasswordField } from '@/components/forms';

const IDS = { email: 'signin-email', password: 'signin-password' };

export function SignInForm({ googleError }: { googleError: string | null }) {
  const router = useRouter();
  const utils = api.useUtils();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useFormProblems({ initialMessage: googleError });

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
    onError: form.fail,
  });

  return (
    <FormShell
      label="Sign in"
      layout="stack"
      form={form}
      fieldIds={IDS}
      pending={signIn.isPending}
      submitLabel="Sign in"
      onSubmit={() => {
        if (
          form.check({
            email: !email.trim() && 'Enter your email address.',
            password: !password && 'Enter your password.',
          })
        )
          signIn.mutate({ email: email.trim(), password });
      }}
    >
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
        error={form.fieldError('email')}
      />
      <PasswordField
        id={IDS.password}
        name="password"
        label="Password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        error={form.fieldError('password')}
      />
      <p className={formAside}>
        <Link href="/reset">Forgot your password?</Link>
      </p>
    </FormShell>
  );
}
