/**
 * `/api/trpc` inside Next. In production server.ts answers `/api/trpc/*` itself (`src/server/trpc-node.ts`:
 * same router, context, checks and headers, without Next's per-request pipeline); this route serves it under
 * `next dev`, behind the proxy (`src/proxy.ts`).
 */
import { appRouter, headerCookies, tRPCResponseMeta } from '@tia/api';
import { MAX_BATCH_SIZE } from '@tia/api/batching';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { getAuthServices, isSecureRequest } from '../../../../server/auth';
import { requestScope } from '../../../../server/request';
import { createTrpcContext, trpcErrorLog, trpcRefusal } from '../../../../server/trpc-context';

export const dynamic = 'force-dynamic';

async function handler(req: Request): Promise<Response> {
  const scope = requestScope(req, '/api/trpc');
  const url = new URL(req.url);
  const refusal = trpcRefusal(url.pathname.slice('/api/trpc/'.length), url.searchParams.get('batch') === '1');
  if (refusal) {
    // Before any procedure runs: a batch multiplies per-call limits, so these calls go one per request.
    scope.done(400, { refused: refusal.reason, calls: refusal.calls });
    return Response.json(
      { error: { code: 'BAD_REQUEST', message: refusal.message } },
      { status: 400, headers: { 'cache-control': 'no-store', 'x-request-id': scope.requestId } },
    );
  }
  const { errors, onError } = trpcErrorLog(scope);
  const res = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: ({ resHeaders }) =>
      createTrpcContext(
        getAuthServices(),
        scope,
        req.headers.get('cookie'),
        headerCookies(resHeaders, isSecureRequest(req)),
      ),
    responseMeta: tRPCResponseMeta,
    onError,
  });
  const paths = url.pathname.slice('/api/trpc/'.length).split(',');
  scope.done(res.status, { procedures: paths, ...(errors.length ? { errors } : {}) });
  res.headers.set('x-request-id', scope.requestId);
  return res;
}

export { handler as GET, handler as POST };
