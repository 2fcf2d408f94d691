import 'server-only';
import { CLIENT_IP_HEADER } from '@tia/api/client-ip';
import { log } from './log';
import { createRequestScope, type RequestScope } from './request-scope';

export type { RequestScope } from './request-scope';

/** Request id from the proxy (always set there), client facts (address from server.ts), and a request-scoped logger. */
export function requestScope(req: Request, route: string): RequestScope {
  return createRequestScope(log, {
    requestId: req.headers.get('x-request-id') ?? crypto.randomUUID(),
    // Stamped by server.ts from the socket (or the rightmost untrusted forwarded hop), never the client's claim.
    ip: req.headers.get(CLIENT_IP_HEADER),
    userAgent: req.headers.get('user-agent'),
    method: req.method,
    path: new URL(req.url).pathname,
    route,
  });
}
