import Link from 'next/link';

export const STAFF_ROLES = ['compliance_officer', 'analyst', 'admin'];

export const ROLE_LABEL: Record<string, string> = {
  candidate: 'Candidate',
  compliance_officer: 'Compliance officer',
  analyst: 'Analyst',
  admin: 'Administrator',
};

/** Shown when a staff page answers UNAUTHORIZED or FORBIDDEN. */
export function AccessNeeded({
  code,
  role,
  message,
}: {
  code: string | null;
  role: string;
  message?: string | null;
}) {
  const signedOut = code === 'UNAUTHORIZED';
  return (
    <div className="notice warn access-needed" role="alert">
      <h2>{signedOut ? 'Please sign in' : 'You do not have access to this page'}</h2>
      <p>
        You need to be signed in as {role}, with two-factor authentication completed in this session.
        {!signedOut && message ? <> The server said: “{message}”</> : null}
      </p>
      <p className="button-row tight">
        {signedOut ? (
          <Link className="button" href="/signin">
            Sign in
          </Link>
        ) : (
          <>
            <Link className="button" href="/mfa">
              Enter a two-factor code
            </Link>
            <Link className="button secondary" href="/account">
              Your account
            </Link>
          </>
        )}
      </p>
    </div>
  );
}
