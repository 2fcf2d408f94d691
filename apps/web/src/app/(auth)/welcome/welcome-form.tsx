'use client';

import Link from 'next/link';
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
  NO_PROBLEMS,
  problemsOf,
  Submit,
  summaryItems,
  type Problems,
  DateOfBirthField,
} from '../../../components/forms';

/** Server field path → input id. */
const IDS: Record<string, string> = {
  dateOfBirth: 'welcome-dob',
  ...CONSENT_FIELD_IDS,
};

/** Date of birth and consents for an account created through Google (`auth.completeProfile`). */
export function WelcomeForm({ policyVersion }: { policyVersion: string }) {
  const router = useRouter();
  const utils = api.useUtils();
  const me = api.auth.me.useQuery(undefined, { retry: false });
  const [dob, setDob] = useState('');
  const [consents, setConsents] = useState<Consents>(NO_CONSENTS);
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [attempt, setAttempt] = useState(0);
  const [erased, setErased] = useState<string | null>(null);

  const complete = api.auth.completeProfile.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push('/account');
    },
    onError: async (err) => {
      const p = problemsOf(err);
      // Under 16: the account is gone and so is the session.
      if (/at least 16/.test(p.fields.dateOfBirth ?? p.message ?? '')) {
        utils.auth.me.setData(undefined, null);
        setErased(p.fields.dateOfBirth ?? p.message ?? '');
        return;
      }
      setProblems(p);
      setAttempt((a) => a + 1);
      await utils.auth.me.invalidate();
    },
  });

  if (erased)
    return (
      <p className="notice bad" role="alert">
        {erased}
      </p>
    );
  if (me.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading…
      </p>
    );
  if (!me.data)
    return (
      <p>
        You are not signed in. <Link href="/signin">Sign in</Link>.
      </p>
    );
  if (me.data.profileComplete)
    return (
      <p>
        Your profile is complete. <Link href="/account">Go to your account</Link>.
      </p>
    );

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    if (!dob) fields.dateOfBirth = 'Enter your date of birth.';
    if (!consents.recordingFeedback)
      fields['consents.recordingFeedback'] =
        'To give you feedback we have to process your recorded answers. Tick the box to agree, or do not use TrueInterviewAI.';
    if (Object.keys(fields).length > 0) {
      setProblems({ ...NO_PROBLEMS, fields });
      setAttempt((a) => a + 1);
      return;
    }
    setProblems(NO_PROBLEMS);
    complete.mutate({
      dateOfBirth: dob,
      consents,
      policyVersion,
    });
  }

  const f = problems.fields;
  const consentError = f['consents.recordingFeedback'] ?? f.consents;
  return (
    <form noValidate onSubmit={onSubmit} className="form" aria-describedby="welcome-privacy">
      <ErrorSummary items={summaryItems(problems, IDS)} version={attempt} />
      <DateOfBirthField
        id={IDS.dateOfBirth!}
        hint="You must be at least 16 to use TrueInterviewAI. If you are younger, we erase the account."
        value={dob}
        onChange={setDob}
        error={f.dateOfBirth}
      />

      <ConsentFieldset
        policyVersion={policyVersion}
        value={consents}
        onChange={setConsents}
        error={consentError}
        hintId="welcome-privacy"
      />

      <div className="form-actions">
        <Submit pending={complete.isPending}>Continue</Submit>
      </div>
    </form>
  );
}
