/**
 * What every practice use case shares: the access rule, who is acting, the preconditions (a proven email
 * address, per-account and per-network budgets, the speech engine being up) and the messages people see.
 */
import { readCapability, lockSubject, type Queryable, type TxSql } from '@tia/db';
import { Forbidden } from '../errors.js';
import type { AuthServices } from '../services.js';
import type { RoleAccess } from '../trpc.js';
import { type LimitPolicy } from '../rate-limit.js';
import { truncateIp } from '../accounts/technical-data.js';

/** The access rule of every practice operation (tRPC procedures and the upload route). */
export const CANDIDATE: RoleAccess = { kind: 'role', roles: ['candidate'], mfa: false };

export const MAX_RECORDING_BYTES = 10 * 1024 * 1024;
/** Grace over the session's answer time limit (the recorder stops a little late). */
export const DURATION_GRACE_SECONDS = 5;
export const MIN_DURATION_SECONDS = 0.5;

/** Who is acting: the signed-in candidate and the request (for correlation). */
export interface Actor {
  userId: string;
  requestId: string;
  /** The caller's address (for per-network limits); null when unknown. */
  ip?: string | null;
}

export const VERIFY_FIRST_MESSAGE =
  'Please confirm your email address first: enter the code we sent you, then start practising.';

/** Practising writes lasting records: only an account whose email address is proven may do it. */
export const requireVerifiedEmail = async (db: Queryable, userId: string): Promise<void> => {
  const rows = await db<{ verified: boolean }[]>`
    select email_verified_at is not null as verified from rm_accounts where user_id = ${userId}`;
  // No row: an erased account — the later checks refuse it with their own answer.
  if (rows[0] && !rows[0].verified) throw new Forbidden(VERIFY_FIRST_MESSAGE);
};

/** Reserves one attempt per account and per network (refused with 429 once the budget is used). */
export const reservePerAccountAndNetwork = async (
  a: AuthServices,
  action: string,
  userId: string,
  ip: string | null | undefined,
  policies: { account: LimitPolicy; network: LimitPolicy },
): Promise<void> => {
  await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key(`${action}-acct`, userId), policy: policies.account },
      { key: a.limiter.key(`${action}-ip`, truncateIp(ip) ?? 'unknown'), policy: policies.network },
    ],
    a.clock(),
  );
};

export const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const CONSENT_REQUIRED_MESSAGE =
  'Getting feedback on recorded answers needs your consent to process the recordings. Turn on "Recording feedback" under Account → My data (/account/privacy), then record again.';
export const RESTRICTED_MESSAGE =
  'You have restricted the processing of your data, so answers cannot be analysed. Lift the restriction under Account → My data (/account/privacy) to practise again.';

export const TRANSCRIPTION_UNAVAILABLE_MESSAGE =
  'Answers cannot be transcribed at the moment, so new recordings are not accepted. Nothing was uploaded. Please try again later.';

/**
 * Whether recordings can be transcribed now, as the worker last checked (`service_capabilities`). No row
 * yet (the worker has not started since the table was made) counts as available: the worker refuses to
 * start without an engine unless it runs in degrade mode, and then it writes the row first.
 */
export const speechStatus = async (db: Queryable): Promise<{ available: boolean }> => {
  const c = await readCapability(db, 'transcription');
  return { available: c?.available ?? true };
};

/**
 * Serialises one user's uploads and privacy changes (trial counting, restriction checks) — with erasure
 * too, which takes the same per-subject lock.
 */
export const lockUser = (tx: TxSql, userId: string) => lockSubject(tx, userId);
