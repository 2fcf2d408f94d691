'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '../../../components/auth/api';
import {
  CONSENT_FIELD_IDS,
  ConsentFieldset,
  NO_CONSENTS,
  type Consents,
} from '../../../components/auth/consent-fieldset';
import {
  ErrorSummary,
  Field,
  NO_PROBLEMS,
  PasswordField,
  problemsOf,
  RetryNotice,
  Submit,
  summaryItems,
  useCountdown,
  type Problems,
  DateOfBirthField,
} from '../../../components/forms';

/** Server field path → input id. */
const IDS: Record<string, string> = {
  name: 'signup-name',
  email: 'signup-email',
  password: 'signup-password',
  dateOfBirth: 'signup-dob',
  ...CONSENT_FIELD_IDS,
};

function check(v: {
  name: string;
  email: string;
  password: string;
  dob: string;
  recording: boolean;
}): Problems {
  const fields: Record<string, string> = {};
  if (!v.name.trim()) fields.name = 'Enter your name.';
  if (!v.email.trim()) fields.email = 'Enter your email address.';
  else if (!/^[^\s@]+@[^\s@]+$/.test(v.email.trim()))
    fields.email = 'Enter an email address like name@example.com.';
  if (v.password.length < 8) fields.password = 'Your password needs at least 8 characters.';
  if (!v.dob) fields.dateOfBirth = 'Enter your date of birth.';
  if (!v.recording)
    fields['consents.recordingFeedback'] =
      'To give you feedback we have to process your recorded answers. Tick the box to agree, or do not create an account.';
  return { ...NO_PROBLEMS, fields };
}

export function SignUpForm({ policyVersion }: { policyVersion: string }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [dob, setDob] = useState('');
  const [consents, setConsents] = useState<Consents>(NO_CONSENTS);
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const wait = useCountdown(problems.retryAfter, attempt);

  const signUp = api.auth.signUp.useMutation({
    onSuccess: (res) => router.push(`/verify?email=${encodeURIComponent(res.email || email.trim())}`),
    onError: (err) => {
      setProblems(problemsOf(err));
      setAttempt((a) => a + 1);
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const local = check({ name, email, password, dob, recording: consents.recordingFeedback });
    if (Object.keys(local.fields).length > 0) {
      setProblems(local);
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    signUp.mutate({
      name: name.trim(),
      email: email.trim(),
      password,
      dateOfBirth: dob,
      consents,
      policyVersion,
    });
  }

  const f = problems.fields;
  const consentError = f['consents.recordingFeedback'] ?? f.consents;
  return (
    <form noValidate onSubmit={onSubmit} className="form" aria-describedby="signup-privacy">
      <ErrorSummary items={summaryItems(problems, IDS)} version={attempt} />
      <RetryNotice seconds={wait} />
      <Field
        id={IDS.name!}
        name="name"
        label="Your name"
        autoComplete="name"
        required
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={f.name}
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
        error={f.email}
      />
      <PasswordField
        id={IDS.password!}
        name="password"
        label="Password"
        autoComplete="new-password"
        showStrength
        value={password}
        onChange={setPassword}
        error={f.password}
      />
      <DateOfBirthField
        id={IDS.dateOfBirth!}
        hint="You must be at least 16 to use TrueInterviewAI."
        value={dob}
        onChange={setDob}
        error={f.dateOfBirth}
      />

      <ConsentFieldset
        policyVersion={policyVersion}
        value={consents}
        onChange={setConsents}
        error={consentError}
        hintId="signup-privacy"
      />

      <div className="form-actions">
        <Submit pending={signUp.isPending} disabled={wait > 0}>
          Create account
        </Submit>
      </div>
    </form>
  );
}
