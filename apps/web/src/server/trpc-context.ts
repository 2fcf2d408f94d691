import path from 'node:path';
import {
  resolveSession,
  rethrowUnavailable,
  type AuthServices,
  type Context,
  type CookieJar,
} from '@tia/api';
import type { TRPCError } from '@trpc/server';
import { batchRefusal } from '@tia/api/batching';
import { serverEnv } from '../env';
import { auditSettings } from './audit';
import type { RequestScope } from './request-scope';

type Settings = Pick<Context, 'staff' | 'analytics' | 'audit' | 'sbomPath'>;
let settings: Settings | undefined;

/** What every request's context carries from the configuration (read once per process). */
function contextSettings(): Settings {
  if (settings) return settings;
  const env = serverEnv();
  settings = {
    staff: { accessReviewDays: env.ACCESS_REVIEW_DAYS },
    analytics: { k: env.ANALYTICS_K, epsilon: env.ANALYTICS_EPSILON ?? null, budget: env.ANALYTICS_BUDGET },
    audit: auditSettings(),
    sbomPath: path.resolve(env.DATA_DIR, 'sbom', 'sbom.cdx.json'),
  };
  return settings;
}

/**
 * The tRPC context of one HTTP request, for both ways `/api/trpc` is served (server.ts's Node handler,
 * `trpc-node.ts`; Next's route under `next dev`). The session comes from the cookie (no cookie: no query);
 * cookies the procedures set go out through `cookies`.
 */
export async function createTrpcContext(
  auth: AuthServices,
  scope: RequestScope,
  cookieHeader: string | null,
  cookies: CookieJar,
): Promise<Context> {
  return {
    sql: auth.sql,
    requestId: scope.requestId,
    // database unreachable: 503 with Retry-After, not a 500
    session: await resolveSession(auth, cookieHeader, cookies.secure).catch(rethrowUnavailable),
    ip: scope.ip,
    userAgent: scope.userAgent,
    log: scope.log,
    cookies,
    auth,
    ...contextSettings(),
  };
}

/** The `onError` of both handlers: remembers each error for the access-log line. */
export function trpcErrorLog(scope: RequestScope) {
  const errors: Array<{ path: string | undefined; code: string }> = [];
  return {
    errors,
    onError: ({ path, error }: { path: string | undefined; error: TRPCError }) => {
      errors.push({ path, code: error.code });
      // Unexpected errors inside procedures were already logged (with detail) by the mapping
      // middleware, which drops their cause; one still carrying a cause happened outside a procedure.
      if (error.code === 'INTERNAL_SERVER_ERROR' && error.cause) {
        scope.log.error('tRPC request failed outside a procedure', { path, error: error.cause });
      }
    },
  };
}

/** What a request whose path is not valid percent-encoding is told (tRPC itself would answer a 500). */
export const MALFORMED_PATH_MESSAGE = 'The address of this request is malformed.';

/**
 * Why a request is refused before any procedure runs (null: it may run): `rawPath` is the URL path after
 * `/api/trpc/`, still percent-encoded.
 */
export function trpcRefusal(
  rawPath: string,
  batch: boolean,
): { reason: 'batch' | 'malformed'; message: string; calls: number } | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(rawPath);
  } catch {
    return { reason: 'malformed', message: MALFORMED_PATH_MESSAGE, calls: rawPath.split(',').length };
  }
  const message = batchRefusal(pathname, batch);
  return message ? { reason: 'batch', message, calls: pathname.split(',').length } : null;
}
