import { initTRPC, TRPCError } from '@trpc/server';
import type { Context, Role } from './context.js';
import { servicesOf, STAFF_ROLES } from './context.js';
import {
  fieldIssuesOf,
  Forbidden,
  INTERNAL_ERROR_MESSAGE,
  retryAfterOf,
  toTRPCError,
  Unauthenticated,
} from './errors.js';

export type PublicAccess = { kind: 'public' };
export type AuthenticatedAccess = { kind: 'authenticated' };
export type RoleAccess = { kind: 'role'; roles: Role[]; mfa: boolean };
export type Access = PublicAccess | AuthenticatedAccess | RoleAccess;
export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      // Never ship stack traces to clients; the server log has them.
      const { stack: _stack, ...data } = shape.data;
      const fields = fieldIssuesOf(error);
      const retryAfterSeconds = retryAfterOf(error);
      return {
        ...shape,
        // Errors raised outside procedures (e.g. while creating the context) bypass the mapping
        // middleware; never let their text reach the client.
        message: shape.data.code === 'INTERNAL_SERVER_ERROR' ? INTERNAL_ERROR_MESSAGE : shape.message,
        data: {
          ...data,
          ...(fields ? { fields } : {}),
          ...(retryAfterSeconds !== null ? { retryAfterSeconds } : {}),
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The single place where thrown errors become tRPC errors. tRPC hands a thrown AppError to the
 * next middleware up wrapped as INTERNAL_SERVER_ERROR with the AppError as `cause`; unwrap it here.
 */
const errorMapping = t.middleware(async ({ ctx, path, type, next }) => {
  const result = await next();
  if (result.ok) return result;
  const original =
    result.error.code === 'INTERNAL_SERVER_ERROR' && result.error.cause ? result.error.cause : result.error;
  throw toTRPCError(original, (detail) =>
    ctx.log.error('procedure failed unexpectedly', { path, type, error: detail }),
  );
});

export const PASSWORD_CHANGE_REQUIRED_MESSAGE = 'Please set a new password first';
/** What a session with a one-time password may still do: change it, or leave. */
export const ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED: readonly string[] = [
  'auth.changePassword',
  'auth.signOut',
];

export const MFA_PENDING_MESSAGE = 'Please complete two-factor authentication first.';
/** What a session whose second factor is still pending may do: pass it, or leave (`auth.me` is public). */
export const isAllowedWhileMfaPending = (path: string | undefined): boolean =>
  (path ?? '').startsWith('mfa.') || path === 'auth.signOut' || path === 'auth.me';

/**
 * Decides whether `session` may call the procedure at `path` guarded by `access`. Throws AppErrors.
 * Exported for tests.
 */
export function authorize(access: Access | undefined, session: Context['session'], path?: string): void {
  if (!access) throw new Forbidden('This operation has no access rule.'); // deny by default
  if (access.kind === 'public') return;
  if (!session) throw new Unauthenticated();
  if (session.mfaRequired && !session.mfaPassed && !isAllowedWhileMfaPending(path))
    throw new Forbidden(MFA_PENDING_MESSAGE);
  if (session.passwordChangeRequired && !ALLOWED_WHILE_PASSWORD_CHANGE_REQUIRED.includes(path ?? ''))
    throw new Forbidden(PASSWORD_CHANGE_REQUIRED_MESSAGE);
  if (access.kind === 'authenticated') return;
  const granted = session.roles.filter((r) => access.roles.includes(r));
  if (granted.length === 0) throw new Forbidden();
  // Acting only through staff roles always needs MFA, whatever the rule says.
  const needsMfa = access.mfa || granted.every((r) => STAFF_ROLES.includes(r));
  if (needsMfa && !session.mfaPassed) throw new Forbidden(MFA_PENDING_MESSAGE);
}

const accessGuard = t.middleware(({ ctx, meta, path, next }) => {
  authorize(meta?.access, ctx.session, path);
  return next();
});

/**
 * Gives every procedure its services as a typed `ctx.services` (event store, command handler, sessions, mail,
 * limits, clock): procedures and their use cases never look them up themselves.
 */
const provideServices = t.middleware(({ ctx, next }) => next({ ctx: { services: servicesOf(ctx) } }));

const requireSession = t.middleware(({ ctx, next }) => {
  if (!ctx.session) throw new Unauthenticated(); // already enforced by accessGuard; narrows the type
  // Who is acting, built in one place for every signed-in procedure (use cases take it as their `Actor`).
  return next({
    ctx: {
      session: ctx.session,
      actor: { userId: ctx.session.userId, requestId: ctx.requestId, ip: ctx.ip },
    },
  });
});

const guarded = t.procedure.use(errorMapping).use(accessGuard).use(provideServices);
const withSession = guarded.use(requireSession);

function checkRule(access: Access): void {
  if (access.kind === 'role' && access.roles.length === 0) {
    throw new Error('Access rule of kind "role" must name at least one role.');
  }
}

/**
 * The only way to build a procedure: an access rule is mandatory, stored as meta (so tooling
 * and tests can inspect it) and enforced by the guard middleware before input parsing.
 */
export function procedure(access: PublicAccess): typeof guarded;
export function procedure(access: AuthenticatedAccess | RoleAccess): typeof withSession;
export function procedure(access: Access): typeof guarded | typeof withSession {
  checkRule(access);
  return access.kind === 'public' ? guarded.meta({ access }) : withSession.meta({ access });
}

export const PUBLIC: PublicAccess = { kind: 'public' };
export const AUTHENTICATED: AuthenticatedAccess = { kind: 'authenticated' };

export { TRPCError };
