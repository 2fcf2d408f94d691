'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { ROLE_LABEL, STAFF_ROLES } from '@/components/auth/access-needed';
import { api } from '@/components/auth/api';
import { FormShell, useFormProblems } from '@/components/form-shell';
import { PasswordField, problemsOf } from '@/components/forms';
import styles from './account.module.css';

export function AccountView() {
  const router = useRouter();
  const utils = api.useUtils();
  const me = api.auth.me.useQuery(undefined, { retry: false });
  const heading = useRef<HTMLHeadingElement>(null);
  const signOut = api.auth.signOut.useMutation({
    onSuccess: async () => {
      utils.auth.me.setData(undefined, null);
      await utils.invalidate();
      router.push('/signin');
    },
  });

  useEffect(() => {
    // After arriving here from a form, move focus to the page heading so screen readers start here.
    if (me.data) heading.current?.focus();
  }, [me.data]);

  if (me.isPending)
    return (
      <p className="muted" aria-live="polite">
        Loading your account…
      </p>
    );
  if (!me.data) {
    return (
      <div className="auth-card">
        <h1>Your account</h1>
        <p>You are not signed in.</p>
        <p className="button-row tight">
          <Link className="button" href="/signin">
            Sign in
          </Link>
          <Link className="button secondary" href="/signup">
            Create an account
          </Link>
        </p>
      </div>
    );
  }

  const u = me.data;
  const staff = u.roles.some((r) => STAFF_ROLES.includes(r));
  const { remaining, total } = u.trial;
  return (
    <>
      <div className="status-head">
        <div>
          <span className="eyebrow">Your account</span>
          <h1 ref={heading} tabIndex={-1}>
            Hello, {u.name}
          </h1>
        </div>
        <button
          type="button"
          className="button secondary"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          {signOut.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
      {signOut.error ? (
        <p className="notice bad" role="alert">
          {problemsOf(signOut.error).message}
        </p>
      ) : null}

      {u.passwordChangeRequired ? (
        <div className="notice warn" role="status">
          <p>
            <strong>Please set a new password first.</strong> You signed in with a one-time password; choose
            your own before doing anything else.
          </p>
          <p>
            <Link className="button" href="/account/password">
              Set a new password
            </Link>
          </p>
        </div>
      ) : null}

      {!u.profileComplete ? (
        <div className="notice warn" role="status">
          <p>
            <strong>Finish your profile.</strong> Before you can practise, tell us your date of birth and make
            your privacy choices. Your free trial starts then.
          </p>
          <p>
            <Link className="button" href="/welcome">
              Finish your profile
            </Link>
          </p>
        </div>
      ) : null}

      {staff && !u.mfaEnrolled ? (
        <div className="notice warn" role="status">
          <p>
            <strong>Set up two-factor authentication.</strong> Your staff role only works once you have added
            an authenticator app.
          </p>
          <p>
            <Link className="button" href="/mfa/enrol">
              Set up two-factor
            </Link>
          </p>
        </div>
      ) : staff && !u.mfaPassed ? (
        <div className="notice warn" role="status">
          <p>
            <strong>Two-factor code needed.</strong> Enter a code from your authenticator app to use your
            staff role in this session.
          </p>
          <p>
            <Link className="button" href="/mfa">
              Enter code
            </Link>
          </p>
        </div>
      ) : null}

      <div className="status-grid">
        <section className="card" aria-labelledby="who-title">
          <h2 id="who-title">Account details</h2>
          <dl className="metric-list">
            <dt>Name</dt>
            <dd>{u.name}</dd>
            <dt>Email</dt>
            <dd className="break">{u.email}</dd>
            <dt>Email confirmed</dt>
            <dd>
              {u.emailVerified ? (
                <span className="badge ok">Confirmed</span>
              ) : (
                <>
                  <span className="badge unknown">Not yet</span>{' '}
                  <Link href={`/verify?email=${encodeURIComponent(u.email)}`}>Confirm now</Link>
                </>
              )}
            </dd>
            <dt>Roles</dt>
            <dd>
              <ul className={styles.roleList}>
                {u.roles.map((r) => (
                  <li key={r} className="track-tag">
                    {ROLE_LABEL[r] ?? r}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>Two-factor</dt>
            <dd>{u.mfaEnrolled ? (u.mfaPassed ? 'On, passed this session' : 'On') : 'Off'}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="trial-title">
          <h2 id="trial-title">Free trial</h2>
          <p className="trial-count">
            <span className="num">{remaining}</span> of {total} free practice answers left
          </p>
          <progress
            className="trial-bar"
            max={Math.max(1, total)}
            value={Math.max(0, remaining)}
            aria-label={`Free practice answers left: ${remaining} of ${total}`}
          />
          {staff ? (
            <p className="fine-print">
              Staff tools: <Link href="/admin/access">Access grants</Link> ·{' '}
              <Link href="/compliance/alerts">Security alerts</Link>
            </p>
          ) : null}
        </section>
      </div>

      {u.roles.includes('candidate') ? (
        <section className="card" aria-labelledby="data-title">
          <h2 id="data-title">My data</h2>
          <p>See and change your consents, pause the processing of your data, or object to statistics.</p>
          <p>
            <Link className="button secondary" href="/account/privacy">
              Manage my data
            </Link>
          </p>
        </section>
      ) : null}
      <ChangePassword />
    </>
  );
}

const PW_IDS = { currentPassword: 'cp-current', newPassword: 'cp-new' };

/** The change-password form; `onChanged` runs after a successful change (the default just says so). */
export function ChangePassword({
  title = 'Change password',
  intro = 'Changing your password signs you out everywhere else.',
  onChanged,
}: {
  title?: string;
  intro?: string;
  onChanged?: () => void | Promise<void>;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const form = useFormProblems();
  const [done, setDone] = useState(false);
  const change = api.auth.changePassword.useMutation({
    onSuccess: async () => {
      setDone(true);
      setCurrent('');
      setNext('');
      await onChanged?.();
    },
    onError: form.fail,
  });

  return (
    <section className="card" aria-labelledby="cp-title">
      <h2 id="cp-title">{title}</h2>
      <p className="muted">{intro}</p>
      <FormShell
        label={title}
        layout="narrow"
        form={form}
        fieldIds={PW_IDS}
        pending={change.isPending}
        submitLabel="Change password"
        onSubmit={() => {
          setDone(false);
          const ok = form.check({
            currentPassword: !current && 'Enter your current password.',
            newPassword: next.length < 8 && 'Your new password needs at least 8 characters.',
          });
          if (ok) change.mutate({ currentPassword: current, newPassword: next });
        }}
      >
        {done ? (
          <p className="notice ok" role="status">
            Your password has been changed.
          </p>
        ) : null}
        <PasswordField
          id={PW_IDS.currentPassword}
          name="currentPassword"
          label="Current password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
          error={form.fieldError('currentPassword')}
        />
        <PasswordField
          id={PW_IDS.newPassword}
          name="newPassword"
          label="New password"
          autoComplete="new-password"
          showStrength
          value={next}
          onChange={setNext}
          error={form.fieldError('newPassword')}
        />
      </FormShell>
    </section>
  );
}
