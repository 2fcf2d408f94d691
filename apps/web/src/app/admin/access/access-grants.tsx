'use client';

import { useState } from 'react';
import { AccessNeeded, ROLE_LABEL } from '@/components/auth/access-needed';
import { api } from '@/components/auth/api';
import { FormShell, useFormProblems } from '@/components/form-shell';
import { Field, problemsOf } from '@/components/forms';
import styles from './access.module.css';

const GRANTABLE = ['compliance_officer', 'analyst', 'admin'] as const;
type StaffRole = (typeof GRANTABLE)[number];

function day(d: string | Date | null): string {
  if (!d) return 'never';
  const date = new Date(d);
  return Number.isNaN(date.getTime()) ? String(d) : date.toISOString().slice(0, 10);
}

export function AccessGrants() {
  const utils = api.useUtils();
  const grants = api.admin.listGrants.useQuery(undefined, { retry: false });
  const [status, setStatus] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const refresh = () => utils.admin.listGrants.invalidate();
  const review = api.admin.reviewGrant.useMutation();
  const revoke = api.admin.revokeRole.useMutation();

  async function act(kind: 'review' | 'revoke', userId: string, role: StaffRole, who: string) {
    setActionError(null);
    setStatus(null);
    if (kind === 'revoke' && !window.confirm(`Revoke the ${ROLE_LABEL[role] ?? role} role from ${who}?`))
      return;
    try {
      if (kind === 'review') await review.mutateAsync({ userId, role });
      else await revoke.mutateAsync({ userId, role });
      setStatus(
        kind === 'review'
          ? `Marked ${who}’s ${ROLE_LABEL[role] ?? role} grant as reviewed.`
          : `Revoked ${ROLE_LABEL[role] ?? role} from ${who}.`,
      );
      await refresh();
    } catch (err) {
      setActionError(problemsOf(err).message ?? 'That did not work.');
    }
  }

  if (grants.isPending) return <p className="muted">Loading grants…</p>;
  if (grants.error) {
    const p = problemsOf(grants.error);
    if (p.code === 'UNAUTHORIZED' || p.code === 'FORBIDDEN')
      return <AccessNeeded code={p.code} role="an administrator" message={p.message} />;
    return (
      <p className="notice bad" role="alert">
        Could not load the grants: {p.message}
      </p>
    );
  }

  const rows = grants.data;
  const overdue = rows.filter((g) => g.overdue).length;
  return (
    <>
      <p aria-live="polite" className="live-note">
        {rows.length} grant{rows.length === 1 ? '' : 's'}
        {overdue ? `, ${overdue} overdue for review` : ', all reviewed in time'}.
      </p>
      {status ? (
        <p className="notice ok" role="status">
          {status}
        </p>
      ) : null}
      {actionError ? (
        <p className="notice bad" role="alert">
          {actionError}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="stack">
          <caption className="visually-hidden">Staff role grants</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Role</th>
              <th scope="col">Granted</th>
              <th scope="col">Last reviewed</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5}>No staff grants yet.</td>
              </tr>
            ) : (
              rows.map((g) => {
                const who = g.name || g.email;
                return (
                  <tr key={`${g.userId}:${g.role}`}>
                    <th scope="row">
                      {g.name}
                      <span className={`muted ${styles.block} break`}>{g.email}</span>
                    </th>
                    <td data-label="Role">{ROLE_LABEL[g.role] ?? g.role}</td>
                    <td data-label="Granted">
                      <span className="num">{day(g.grantedAt)}</span>
                      <span className={`muted ${styles.block}`}>by {g.grantedBy}</span>
                    </td>
                    <td data-label="Last reviewed">
                      <span className="num">{day(g.lastReviewedAt)}</span>{' '}
                      {g.overdue ? <span className="badge bad">Overdue</span> : null}
                    </td>
                    <td data-label="Actions">
                      <span className={styles.actionRow}>
                        <button
                          type="button"
                          className="button secondary small"
                          onClick={() => void act('review', g.userId, g.role, who)}
                          disabled={review.isPending}
                        >
                          Reviewed
                          <span className="visually-hidden">
                            : keep {ROLE_LABEL[g.role] ?? g.role} for {who}
                          </span>
                        </button>
                        <button
                          type="button"
                          className="button danger small"
                          onClick={() => void act('revoke', g.userId, g.role, who)}
                          disabled={revoke.isPending}
                        >
                          Revoke
                          <span className="visually-hidden">
                            {' '}
                            {ROLE_LABEL[g.role] ?? g.role} from {who}
                          </span>
                        </button>
                      </span>
                    </td>
                  </tr>
                );
              })
            )}
          </tbody>
        </table>
      </div>
      <GrantForm onDone={refresh} />
    </>
  );
}

function GrantForm({ onDone }: { onDone: () => Promise<void> }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('analyst');
  const form = useFormProblems();
  const grant = api.admin.grantRole.useMutation({
    onSuccess: async () => {
      setEmail('');
      await onDone();
    },
    onError: form.fail,
  });
  const roleError = form.fieldError('role');

  return (
    <section className="card" aria-labelledby="grant-title">
      <h2 id="grant-title">Grant a role</h2>
      <FormShell
        label="Grant a role"
        layout="narrow"
        form={form}
        fieldIds={{ email: 'grant-email', role: 'grant-role' }}
        pending={grant.isPending}
        submitLabel="Grant role"
        onSubmit={() => {
          if (form.check({ email: !email.trim() && 'Enter the email address the person signed up with.' }))
            grant.mutate({ email: email.trim(), role });
        }}
      >
        {grant.isSuccess ? (
          <p className="notice ok" role="status">
            Role granted.
          </p>
        ) : null}
        <Field
          id="grant-email"
          name="email"
          type="email"
          label="Email address"
          hint="The address the person signed up with. They need an account first."
          spellCheck={false}
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={form.fieldError('email')}
        />
        <div className={`field${roleError ? ' has-error' : ''}`}>
          <label htmlFor="grant-role">Role</label>
          {roleError ? (
            <p className="field-error" id="grant-role-error">
              {roleError}
            </p>
          ) : null}
          <select
            id="grant-role"
            name="role"
            className="input narrow"
            value={role}
            onChange={(e) => setRole(e.target.value as StaffRole)}
            aria-describedby={roleError ? 'grant-role-error' : undefined}
          >
            {GRANTABLE.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </div>
      </FormShell>
    </section>
  );
}
