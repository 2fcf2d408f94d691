'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/auth/api';
import {
  CONSENT_FIELD_IDS,
  ConsentFieldset,
  NO_CONSENTS,
  type Consents,
} from '@/components/auth/consent-fieldset';
import { FormShell, useFormProblems } from '@/components/form-shell';
import { usePolicyVersionInForce } from '@/components/policy-notice';
import { DateOfBirthField, Field, PasswordField } from '@/components/forms';

/** Server field path → input id. */
const IDS: Record<string, string> = {
  name: 'signup-name',
  email: 'signup-email',
  password: 'signup-password',
  dateOfBirth: 'signup-dob',
  ...CONSENT_FIELD_IDS,
};

export function SignUpForm({ policyVersion: baseline }: { policyVersion: string }) {
  const policyVersion = usePolicyVersionInForce(baseline);
  const router = useRouter();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [dob, setDob] = useState('');
  const [consents, setConsents] = useState<Consents>(NO_CONSENTS);
  const form = useFormProblems();

  const signUp = api.auth.signUp.useMutation({
    onSuccess: (res) => router.push(`/verify?email=${encodeURIComponent(res.email || email.trim())}`),
    onError: form.fail,
  });

  function onSubmit() {
    const mail = email.trim();
    const ok = form.check({
      name: !name.trim() && 'Enter your name.',
      email: !mail
        ? 'Enter your email address.'
        : !/^[^\s@]+@[^\s@]+$/.test(mail) && 'Enter an email address like name@example.com.',
      password: password.length < 8 && 'Your password needs at least 8 characters.',
      dateOfBirth: !dob && 'Enter your date of birth.',
      'consents.recordingFeedback':
        !consents.recordingFeedback &&
        'To give you feedback we have to process your recorded answers. Tick the box to agree, or do not create an account.',
    });
    if (!ok) return;
    signUp.mutate({ name: name.trim(), email: mail, password, dateOfBirth: dob, consents, policyVersion });
  }

  return (
    <FormShell
      label="Create an account"
      layout="stack"
      describedBy="signup-privacy"
      form={form}
      fieldIds={IDS}
      pending={signUp.isPending}
      submitLabel="Create account"
      onSubmit={onSubmit}
    >
      <Field
        id={IDS.name!}
        name="name"
        label="Your name"
        autoComplete="name"
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={form.fieldError('name')}
      />
      <Field
        id={IDS.email!}
        name="email"
        type="email"
        label="Email address"
        hint="We send a 6-digit code to this address to confirm it is yours."
        autoComplete="email"
        inputMode="email"
        spellCheck={false}
        autoCapitalize="none"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={form.fieldError('email')}
      />
      <PasswordField
        id={IDS.password!}
        name="password"
        label="Password"
        autoComplete="new-password"
        showStrength
        value={password}
        onChange={setPassword}
        error={form.fieldError('password')}
      />
      <DateOfBirthField
        id={IDS.dateOfBirth!}
        hint="You must be at least 16 to use TrueInterviewAI."
        value={dob}
        onChange={setDob}
        error={form.fieldError('dateOfBirth')}
      />
      <ConsentFieldset
        policyVersion={policyVersion}
        value={consents}
        onChange={setConsents}
        error={form.fieldError('consents.recordingFeedback') ?? form.fieldError('consents')}
        hintId="signup-privacy"
      />
    </FormShell>
  );
}
