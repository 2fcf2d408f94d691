import {
  openAccountFields,
  retryOnConflict,
  type Queryable,
  type SealedAccountRow,
  type TxSql,
} from '@tia/db';
import { identity } from '@tia/domain';
import type { Context } from '../context.js';
import { STAFF_ROLES } from '../context.js';
import { rolesFor } from '../sessions/roles.js';
import { sessionCookieName } from '../sessions/sessions.js';
import { truncateIp, uaFamily } from './technical-data.js';
import type { AuthServices } from '../services.js';
import { isSuspended, SUSPENDED_MESSAGE } from '../compliance/suspension.js';
import { Forbidden } from '../errors.js';

export const userStream = (userId: string) => `user-${userId}`;

export const technical = (ctx: Pick<Context, 'ip' | 'userAgent'>) => ({
  ipPrefix: truncateIp(ctx.ip),
  uaFamily: uaFamily(ctx.userAgent),
});

export interface AccountRow {
  userId: string;
  name: string;
  email: string;
  emailVerifiedAt: Date | null;
  trialRemaining: number;
  trialTotal: number;
  /** False for a Google sign-up until its date of birth and required consent are given. */
  profileComplete: boolean;
}

type AccountDbRow = SealedAccountRow & {
  email_verified_at: Date | null;
  trial_remaining: number;
  trial_total: number;
  profile_complete: boolean | null;
};

/** Opens the sealed name and email; null when the subject's key is gone (erased meanwhile). */
const accountOf = async (
  a: AuthServices,
  db: Queryable,
  r: AccountDbRow | undefined,
): Promise<AccountRow | null> => {
  if (!r) return null;
  const personal = (await openAccountFields(a.keys, db, [r])).get(r.user_id);
  if (!personal) return null;
  return {
    userId: r.user_id,
    name: personal.name,
    email: personal.email,
    emailVerifiedAt: r.email_verified_at,
    trialRemaining: r.trial_remaining,
    trialTotal: r.trial_total,
    profileComplete: r.profile_complete ?? true,
  };
};

export const findAccountByEmail = async (
  a: AuthServices,
  email: string,
  db: Queryable = a.sql,
): Promise<AccountRow | null> => {
  const rows = await db<AccountDbRow[]>`
    select r.user_id, r.name_enc, r.email_enc, r.email_verified_at, r.trial_total, u.profile_complete,
           greatest(r.trial_total - coalesce(t.used, 0), 0)::int as trial_remaining
      from rm_accounts r left join auth_users u on u.id = r.user_id
      left join rm_trial_usage t on t.user_id = r.user_id
     where r.email_lookup = ${a.emailLookup(email)}`;
  return accountOf(a, db, rows[0]);
};

export const findAccountById = async (
  a: AuthServices,
  userId: string,
  db: Queryable = a.sql,
): Promise<AccountRow | null> => {
  const rows = await db<AccountDbRow[]>`
    select r.user_id, r.name_enc, r.email_enc, r.email_verified_at, r.trial_total, u.profile_complete,
           greatest(r.trial_total - coalesce(t.used, 0), 0)::int as trial_remaining
      from rm_accounts r left join auth_users u on u.id = r.user_id
      left join rm_trial_usage t on t.user_id = r.user_id
     where r.user_id = ${userId}`;
  return accountOf(a, db, rows[0]);
};

/** Folds the account stream and appends what the decider decides for `cmds`, in `tx` (the command handler). */
export const runAccountCommand = async (
  a: AuthServices,
  tx: TxSql,
  ctx: Pick<Context, 'requestId'>,
  userId: string,
  cmds: readonly identity.AccountCommand[],
): Promise<identity.AccountEvent[]> => {
  // Commands on one account queue here (until the transaction ends) instead of racing to a ConcurrencyError.
  await tx`select pg_advisory_xact_lock(hashtext(${`tia:account-stream:${userId}`}))`;
  const { events } = await a.commands.handle(
    identity.accountDecider,
    userStream(userId),
    cmds,
    { actor: { kind: 'user', id: userId }, requestId: ctx.requestId },
    { tx },
  );
  return events;
};

export const loadAccountState = async (a: AuthServices, userId: string, db?: Queryable) =>
  (await a.store.load(userStream(userId), identity.accountDecider, db)).state;

export const mfaEnrolled = async (db: Queryable, userId: string): Promise<boolean> =>
  (await db`select 1 from mfa_factors where user_id = ${userId} and enabled_at is not null`).length > 0;

/** Roles and whether a second factor is needed before the session counts as fully signed in. */
export const accessOf = async (a: AuthServices, userId: string) => {
  const roles = await rolesFor(a.sql, userId);
  const staff = roles.some((r) => STAFF_ROLES.includes(r));
  const enrolled = await mfaEnrolled(a.sql, userId);
  return { roles, staff, mfaEnrolled: enrolled, mfaRequired: staff || enrolled };
};

/** Starts a session (a new token every time) and sets its cookie. */
export const startSession = async (a: AuthServices, ctx: Context, userId: string) => {
  if (await isSuspended(a.sql, userId)) throw new Forbidden(SUSPENDED_MESSAGE);
  if (ctx.session?.sessionId) await a.sessions.invalidate(ctx.session.sessionId); // no session fixation
  const access = await accessOf(a, userId);
  const { token, info } = await a.sessions.create(userId, { mfaPassed: false, staff: access.staff });
  ctx.cookies.set(
    sessionCookieName(ctx.cookies.secure),
    token,
    a.sessions.cookieAttributes(ctx.cookies.secure),
  );
  return { info, ...access };
};

export const clearSessionCookie = (ctx: Context) => ctx.cookies.clear(sessionCookieName(ctx.cookies.secure));

/** Sends a mail after the transaction committed; a failure is logged, never shown (the answer is the same). */
export const sendQuietly = async (
  a: AuthServices,
  ctx: Pick<Context, 'log'>,
  message: Parameters<AuthServices['mailer']['send']>[0],
  what: string,
) => {
  try {
    await a.mailer.send(message);
  } catch (e) {
    ctx.log.error('sending mail failed', { what, error: e });
  }
};

/** A unique violation on `table` (by table: a rebuild renames constraints, not tables). */
export const isUniqueViolation = (e: unknown, table: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: string }).code === '23505' &&
  (e as { table_name?: string }).table_name === table;

/**
 * Runs `work` (a whole transaction) again when another request appended to the same stream first: the
 * command is decided afresh on the new state. After a few lost races the conflict surfaces (mapped to 409).
 */
export const withConcurrencyRetry = <T>(work: () => Promise<T>, attempts = 5): Promise<T> =>
  retryOnConflict(work, attempts);
