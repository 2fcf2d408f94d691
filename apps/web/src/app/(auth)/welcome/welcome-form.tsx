'use client';

import Link from 'next/link';
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
import { DateOfBirthField, problemsOf } from '@/components/forms';

/** Server field path → input id. */
const IDS: Record<string, string> = {
  dateOfBirth: 'welcome-dob',
  ...CONSENT_FIELD_IDS,
};

/** Date of birth and consents for an account created through Google (`auth.completeProfile`). */
export function WelcomeForm({ policyVersion: baseline }: { policyVersion: string }) {
  const policyVersion = usePolicyVersionInForce(baseline);
  const router = useRouter();
  const utils = api.useUtils();
  const me = api.auth.me.useQuery(undefined, { retry: false });
  const [dob, setDob] = useState('');
  const [consents, setConsents] = useState<Consents>(NO_CONSENTS);
  const form = useFormProblems();
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
      form.fail(err);
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

  return (
    <FormShell
      label="Finish your profile"
      layout="stack"
      describedBy="welcome-privacy"
      form={form}
      fieldIds={IDS}
      pending={complete.isPending}
      submitLabel="Continue"
      onSubmit={() => {
        const ok = form.check({
          dateOfBirth: !dob && 'Enter your date of birth.',
          'consents.recordingFeedback':
            !consents.recordingFeedback &&
            'To give you feedback we have to process your recorded answers. Tick the box to agree, or do not use TrueInterviewAI.',
        });
        if (ok) complete.mutate({ dateOfBirth: dob, consents, policyVersion });
      }}
    >
      <DateOfBirthField
        id={IDS.dateOfBirth!}
        hint="You must be at least 16 to use TrueInterviewAI. If you are younger, we erase the account."
        value={dob}
        onChange={setDob}
        error={form.fieldError('dateOfBirth')}
      />
      <ConsentFieldset
        policyVersion={policyVersion}
        value={consents}
        onChange={setConsents}
        error={form.fieldError('consents.recordingFeedback') ?? form.fieldError('consents')}
        hintId="welcome-privacy"
      />
    </FormShell>
  );
}
