'use client';

import Link from 'next/link';
import { api } from './auth/api';
import { problemsOf } from './forms';

/**
 * The revision of the privacy notice in force, as consents must name it; `fallback` (the build's baseline) until
 * the server has answered. The server refuses any other, so a page opened before a change asks to reload.
 */
export function usePolicyVersionInForce(fallback: string): string {
  const q = api.policy.current.useQuery(undefined, { retry: 1, staleTime: 60_000 });
  return q.data?.current.revisionId ?? fallback;
}

/** “Revision 3 (2027-01-15), in force since 2027-01-15”: the privacy notice revision in force now (P35). */
export function PolicyRevisionLine({ prefix = 'Privacy notice' }: { prefix?: string }) {
  const q = api.policy.current.useQuery(undefined, { retry: 1, staleTime: 60_000 });
  if (!q.data) return <span>{prefix}</span>;
  const { current, latest } = q.data;
  return (
    <span data-testid="policy-revision">
      {prefix} revision {current.revision} ({current.revisionId}), in force since {current.effectiveOn}
      {latest.revision !== current.revision
        ? `; revision ${latest.revision} takes effect on ${latest.effectiveOn}`
        : ''}
    </span>
  );
}

/**
 * Shown to a signed-in person while a significant revision of the privacy notice waits for their
 * acknowledgement (P35): what changed, a link to the whole text, and one button that records
 * `PolicyRevisionAccepted`. It does not come back once acknowledged.
 */
export function PolicyChangeNotice() {
  const me = api.auth.me.useQuery(undefined, { retry: false, staleTime: 30_000 });
  // Not while a second factor or a new password is still due: those pages come first (and refuse other calls).
  const signedIn = Boolean(
    me.data && !(me.data.mfaEnrolled && !me.data.mfaPassed) && !me.data.passwordChangeRequired,
  );
  const status = api.policy.status.useQuery(undefined, { enabled: signedIn, retry: false });
  const utils = api.useUtils();
  const accept = api.policy.accept.useMutation({ onSuccess: () => utils.policy.status.invalidate() });
  const pending = signedIn ? status.data?.acknowledge : null;
  if (!pending) return null;
  return (
    <div className="container">
      <section className="callout" aria-labelledby="policy-change-title">
        <h2 id="policy-change-title">We changed our privacy notice</h2>
        <p>
          Revision {pending.revision} ({pending.revisionId}) applies from {pending.effectiveOn}. What changed:
        </p>
        <p data-testid="policy-change-summary">{pending.summary}</p>
        <p className="button-row tight">
          <Link href={`/privacy/revisions/${pending.revision}`}>Read the whole notice</Link>
          <button
            type="button"
            className="button"
            disabled={accept.isPending}
            onClick={() => accept.mutate({ revision: pending.revision })}
          >
            I have read the change
          </button>
        </p>
        {accept.error ? (
          <p className="notice bad" role="alert">
            {problemsOf(accept.error).message}
          </p>
        ) : null}
      </section>
    </div>
  );
}
