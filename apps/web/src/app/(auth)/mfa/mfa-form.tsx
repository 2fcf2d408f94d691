'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/components/auth/api';
import { FormShell, formAside, formMessageOnField, useFormProblems } from '@/components/form-shell';
import { CodeField, Field } from '@/components/forms';

/** A wrong code comes back as a form-level message: show it on the input. */
const onCodeField = formMessageOnField('code');

export function MfaForm() {
  const router = useRouter();
  const utils = api.useUtils();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const form = useFormProblems({ shape: onCodeField });
  const id = recovery ? 'mfa-recovery' : 'mfa-code';
  const handlers = {
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push('/account');
    },
    onError: form.fail,
  };
  const verify = api.mfa.verify.useMutation(handlers);
  const useRecovery = api.mfa.useRecoveryCode.useMutation(handlers);

  return (
    <FormShell
      label="Two-factor authentication"
      layout="stack"
      intro={
        <p className="muted">
          {recovery
            ? 'Each recovery code works once. After using one, consider setting up your authenticator again.'
            : 'Open your authenticator app and enter the 6-digit code it shows for TrueInterviewAI.'}
        </p>
      }
      form={form}
      fieldIds={{ code: id }}
      pending={verify.isPending || useRecovery.isPending}
      submitLabel="Continue"
      onSubmit={() => {
        const c = code.trim();
        const ok = form.check({
          code: recovery
            ? c.length < 6 && 'Enter one of your recovery codes.'
            : !/^\d{6}$/.test(c) && 'Enter the 6-digit code from your app.',
        });
        if (!ok) return;
        if (recovery) useRecovery.mutate({ code: c });
        else verify.mutate({ code: c });
      }}
      after={
        <p className={formAside}>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setRecovery((r) => !r);
              setCode('');
              form.clear();
              window.setTimeout(
                () => document.getElementById(recovery ? 'mfa-code' : 'mfa-recovery')?.focus(),
                0,
              );
            }}
          >
            {recovery
              ? 'Use a code from your authenticator app instead'
              : 'Lost your device? Use a recovery code'}
          </button>
        </p>
      }
    >
      {recovery ? (
        <Field
          key="recovery"
          id={id}
          name="recoveryCode"
          label="Recovery code"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="none"
          className="input code wide"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={form.fieldError('code')}
        />
      ) : (
        <CodeField
          key="totp"
          id={id}
          name="code"
          label="Authentication code"
          value={code}
          onChange={setCode}
          error={form.fieldError('code')}
        />
      )}
    </FormShell>
  );
}
