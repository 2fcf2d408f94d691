import path from 'node:path';
import {
  appRouter,
  headerCookies,
  resolveSession,
  rethrowUnavailable,
  tRPCResponseMeta,
  type Context,
} from '@tia/api';
import { batchRefusal, MAX_BATCH_SIZE } from '@tia/api/batching';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { serverEnv } from '../../../../env';
import { auditSettings } from '../../../../server/audit';
import { getAuthServices, isSecureRequest } from '../../../../server/auth';
import { getSql } from '../../../../server/db';
import { requestScope } from '../../../../server/request';

export const dynamic = 'force-dynamic';

async function handler(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/trpc');
  const url = new URL(req.url);
  const pathname = decodeURIComponent(url.pathname.slice('/api/trpc/'.length));
  const refusal = batchRefusal(pathname, url.searchParams.get('batch') === '1');
  if (refusal) {
    // Before any procedure runs: a batch multiplies per-call limits, so these calls go one per request.
    scope.done(400, { refused: 'batch', calls: pathname.split(',').length });
    return Response.json(
      { error: { code: 'BAD_REQUEST', message: refusal } },
      { status: 400, headers: { 'cache-control': 'no-store', 'x-request-id': scope.requestId } },
    );
  }
  const paths: string[] = [];
  const errors: Array<{ path: string | undefined; code: string }> = [];
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    // The session comes from the cookie; cookies the procedures set go out through `resHeaders`.
    createContext: async ({ resHeaders }): Promise<Context> => {
      const auth = getAuthServices();
      const secure = isSecureRequest(req);
      return {
        sql: getSql(),
        requestId: scope.requestId,
        // database unreachable: 503 with Retry-After, not a 500
        session: await resolveSession(auth, req.headers.get('cookie'), secure).catch(rethrowUnavailable),
        ip: scope.ip,
        userAgent: scope.userAgent,
        log: scope.log,
        cookies: headerCookies(resHeaders, secure),
        auth,
        staff: { accessReviewDays: serverEnv().ACCESS_REVIEW_DAYS },
        analytics: {
          k: serverEnv().ANALYTICS_K,
          epsilon: serverEnv().ANALYTICS_EPSILON ?? null,
          budget: serverEnv().ANALYTICS_BUDGET,
        },
        audit: auditSettings(),
        sbomPath: path.resolve(serverEnv().DATA_DIR, 'sbom', 'sbom.cdx.json'),
      };
    },
    responseMeta: tRPCResponseMeta,
    onError: ({ path, error }) => {
      errors.push({ path, code: error.code });
      // Unexpected errors inside procedures were already logged (with detail) by the mapping
      // middleware, which drops their cause; one still carrying a cause happened outside a procedure.
      if (error.code === 'INTERNAL_SERVER_ERROR' && error.cause) {
        scope.log.error('tRPC request failed outside a procedure', { path, error: error.cause });
      }
    },
  });
  paths.push(...url.pathname.slice('/api/trpc/'.length).split(','));
  scope.done(res.status, { procedures: paths, ...(errors.length ? { errors } : {}) });
  res.headers.set('x-request-id', scope.requestId);
  return res;
}

export { handler as GET, handler as POST };
