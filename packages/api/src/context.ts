import type { Sql } from 'postgres';
import type { Logger } from './log.js';
import type { AuthServices } from './services.js';
import type { AuditSettings } from './compliance/verify.js';

export const ROLES = ['candidate', 'compliance_officer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles see other people's data; acting as one always requires a passed MFA challenge. */
export const STAFF_ROLES: readonly Role[] = ['compliance_officer', 'analyst', 'admin'];

export interface Session {
  /** SHA-256 of the cookie token (set for every real session; optional only for hand-made test sessions). */
  sessionId?: string;
  userId: string;
  roles: readonly Role[];
  mfaPassed: boolean;
  /**
   * The account has an enabled second factor: until `mfaPassed`, the session is "second factor
   * pending" and only the MFA procedures, sign-out and `auth.me` answer.
   */
  mfaRequired?: boolean;
  /** Signed in with a one-time password (bootstrap admin): nothing but changing it is allowed until then. */
  passwordChangeRequired?: boolean;
}

export interface Context {
  sql: Sql;
  requestId: string;
  /** Resolved from the session cookie by the HTTP route (null: anonymous). */
  session: Session | null;
  ip: string | null;
  userAgent: string | null;
  log: Logger;
  /** Response cookies (written to the fetch adapter's `resHeaders`). */
  cookies: CookieJar;
  /** Identity services (event store, sessions, mailer, codes, rate limits); absent in tests that need none. */
  auth?: AuthServices;
  /** Staff settings (ACCESS_REVIEW_DAYS); defaults apply when absent. */
  staff?: { accessReviewDays: number };
  /** Analyst workspace settings (ANALYTICS_K, ANALYTICS_EPSILON, ANALYTICS_BUDGET); defaults apply when absent. */
  analytics?: { k: number; epsilon: number | null; budget: number };
  /** Audit log settings (AUDIT_ANCHOR_DIR or the S3 bucket, AUDIT_PUBLIC_KEY); absent: the log cannot be verified here. */
  audit?: AuditSettings;
  /** Where `npm run sbom` wrote the CycloneDX bill of materials (`<DATA_DIR>/sbom/sbom.cdx.json`). */
  sbomPath?: string;
}

/**
 * What a procedure's use case receives: the request context plus its services, set by the `provideServices`
 * middleware of every procedure builder (`trpc.ts`). Code outside tRPC (scripts, browser-test set-up) builds
 * one with `withServices(ctx)`.
 */
export interface ServiceContext extends Context {
  services: AuthServices;
}

/** Stands in when a context has no services (tests that need none): any use is a wiring error, not a 500 waiting to happen unseen. */
const NO_SERVICES = new Proxy({} as AuthServices, {
  get(_target, prop) {
    if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
    throw new Error(`Services are not configured in this context (asked for "${prop}")`);
  },
});

/** The context's services (a throwing stand-in when it has none). Used once, by the middleware. */
export const servicesOf = (ctx: Pick<Context, 'auth'>): AuthServices => ctx.auth ?? NO_SERVICES;

/** `ctx` with its `services`, as the middleware gives them to procedures. */
export const withServices = <C extends Context>(ctx: C): C & { services: AuthServices } => ({
  ...ctx,
  services: servicesOf(ctx),
});

export interface CookieJar {
  /** Whether this request came over HTTPS (cookies then get `Secure` and the `__Host-` prefix). */
  readonly secure: boolean;
  /** `attrs`: the attribute string after `name=value; `, e.g. `HttpOnly; SameSite=Lax; Path=/`. */
  set(name: string, value: string, attrs: string): void;
  clear(name: string): void;
}

/** A jar that only remembers what was set: for tests and callers without an HTTP response. */
export const memoryCookies = (
  secure = false,
): CookieJar & { jar: Map<string, { value: string; attrs: string }> } => {
  const jar = new Map<string, { value: string; attrs: string }>();
  return {
    secure,
    jar,
    set: (name, value, attrs) => void jar.set(name, { value, attrs }),
    clear: (name) => void jar.set(name, { value: '', attrs: 'Max-Age=0' }),
  };
};

/**
 * Writes cookies as `Set-Cookie` headers: the tRPC fetch adapter's `resHeaders`, or anything with an `append`
 * (server.ts passes a Node response's `appendHeader`).
 */
export const headerCookies = (headers: Pick<Headers, 'append'>, secure: boolean): CookieJar => ({
  secure,
  set: (name, value, attrs) => headers.append('set-cookie', `${name}=${value}; ${attrs}`),
  clear: (name) =>
    headers.append(
      'set-cookie',
      `${name}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0${secure || name.startsWith('__Host-') ? '; Secure' : ''}`,
    ),
});
