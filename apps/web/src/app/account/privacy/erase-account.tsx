'use client';

import { useState } from 'react';
import { api } from '@/components/auth/api';
import { FormShell, useFormProblems } from '@/components/form-shell';
import { Field } from '@/components/forms';

const CONFIRM_WORD = 'ERASE';

/**
 * Danger zone: erase my account for good (P19, P28). Asks for the current password (an account made with
 * Google and no password leaves it empty right after signing in again) and the typed word ERASE.
 */
export function EraseAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const form = useFormProblems();
  const erase = api.privacy.erase.useMutation({ onError: form.fail });
  if (erase.isSuccess)
    return (
      <section className="card" aria-labelledby="erase-title">
        <h2 id="erase-title">Your account was erased</h2>
        <p role="status">
          Everything about you is gone and you are signed out everywhere. A last email confirms it.{' '}
          <a href="/">Back to the home page</a>
        </p>
      </section>
    );
  return (
    <section className="card danger-zone" aria-labelledby="erase-title">
      <h2 id="erase-title">Erase my account</h2>
      <p>
        This deletes your profile, practice sessions, transcripts, scores and feedback, ends every session and
        destroys the key that protects what stays in our event log, so it can never be read again. It cannot
        be undone. We keep only a one-way fingerprint of your email address, so a new account with it gets no
        second free trial. You get one last email to confirm.
      </p>
      {!open ? (
        <button type="button" className="button danger" onClick={() => setOpen(true)}>
          Erase my account…
        </button>
      ) : (
        <FormShell
          label="Erase my account"
          form={form}
          fieldIds={{ currentPassword: 'erase-password', confirm: 'erase-confirm' }}
          pending={erase.isPending}
          disabled={confirm.trim() !== CONFIRM_WORD}
          submitLabel="Erase my account for good"
          onSubmit={() => erase.mutate(password === '' ? {} : { currentPassword: password })}
          after={
            <p className="button-row tight">
              <button type="button" className="button secondary" onClick={() => setOpen(false)}>
                Keep my account
              </button>
            </p>
          }
        >
          <Field
            id="erase-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            label="Current password"
            hint="Signed up with Google and never set a password? Leave this empty: it works within 10 minutes of signing in with Google."
            maxLength={1024}
            value={password}
            error={form.fieldError('currentPassword')}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Field
            id="erase-confirm"
            name="confirm"
            label={`Type ${CONFIRM_WORD} to confirm`}
            autoComplete="off"
            maxLength={20}
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        </FormShell>
      )}
    </section>
  );
}
