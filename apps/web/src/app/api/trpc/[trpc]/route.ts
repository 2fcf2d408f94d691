import { appRouter, headerCookies, resolveSession, tRPCResponseMeta, type Context } from '@tia/api';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { serverEnv } from '../../../../env';
import { getAuthServices, isSecureRequest } from '../../../../server/auth';
import { getSql } from '../../../../server/db';
import { requestScope } from '../../../../server/request';

export const dynamic = 'force-dynamic';

async function handler(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/trpc');
  const paths: string[] = [];
  const errors: Array<{ path: string | undefined; code: string }> = [];
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    // The session comes from the cookie; cookies the procedures set go out through `resHeaders`.
    createContext: async ({ resHeaders }): Promise<Context> => {
      const auth = getAuthServices();
      const secure = isSecureRequest(req);
      return {
        sql: getSql(),
        requestId: scope.requestId,
        session: await resolveSession(auth, req.headers.get('cookie'), secure),
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
  const url = new URL(req.url);
  paths.push(...url.pathname.slice('/api/trpc/'.length).split(','));
  scope.done(res.status, { procedures: paths, ...(errors.length ? { errors } : {}) });
  res.headers.set('x-request-id', scope.requestId);
  return res;
}

export { handler as GET, handler as POST };
