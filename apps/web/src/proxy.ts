import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { createJsonLogger } from '@tia/api/log';
import { proxyEnv } from './env';
import {
  API_CSP,
  apiResponseHeaders,
  baseSecurityHeaders,
  createNonce,
  CSRF_REFUSAL,
  csrfRejection,
  newRequestId,
  pageCsp,
} from './security';

const log = createJsonLogger({ service: 'web', component: 'proxy' });

/**
 * Next 16 "proxy" (formerly middleware): runs before every route except static assets. (`/api/trpc/*` is served
 * by server.ts itself, with the same checks and headers — `src/server/trpc-node.ts`; this still covers it under
 * `next dev`.)
 * - CSRF: state-changing requests must come from our own origin.
 * - A fresh CSP nonce per page response (Next reads it from the request's CSP header and puts it
 *   on its own scripts), plus the other security headers.
 * - A server-generated request id, passed on to route handlers as `x-request-id`.
 */
export function proxy(request: NextRequest): NextResponse {
  const env = proxyEnv();
  const { pathname, protocol } = request.nextUrl;
  const facts = { method: request.method, protocol, headers: request.headers, pathname };
  const requestId = newRequestId();
  const security = baseSecurityHeaders(facts);

  const rejection = csrfRejection(facts, env.PUBLIC_ORIGIN);
  if (rejection) {
    log.warn('request refused by CSRF check', {
      requestId,
      method: request.method,
      path: pathname,
      reason: rejection,
      origin: request.headers.get('origin'),
      secFetchSite: request.headers.get('sec-fetch-site'),
    });
    const res = NextResponse.json(CSRF_REFUSAL, { status: 403, headers: { 'cache-control': 'no-store' } });
    for (const [k, v] of Object.entries(apiResponseHeaders(facts, requestId))) res.headers.set(k, v);
    return res;
  }

  const isApi = pathname === '/api' || pathname.startsWith('/api/');
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-request-id', requestId);

  let csp = API_CSP;
  if (!isApi) {
    const nonce = createNonce();
    csp = pageCsp(nonce, { dev: env.NODE_ENV === 'development' });
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('Content-Security-Policy', csp);
  } else {
    requestHeaders.delete('x-nonce');
  }

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  response.headers.set('x-request-id', requestId);
  for (const [k, v] of Object.entries(security)) response.headers.set(k, v);
  return response;
}

export const config = {
  matcher: [
    // Everything but build assets (hashed, immutable, served with their own headers).
    '/((?!_next/static|_next/image|favicon.ico).*)',
  ],
};
