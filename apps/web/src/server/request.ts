import 'server-only';
import { CLIENT_IP_HEADER } from '@tia/api/client-ip';
import type { Logger } from '@tia/api/log';
import { log } from './log';

export interface RequestScope {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  log: Logger;
  /** Emit the one access-log line of this request. */
  done(status: number, extra?: Record<string, unknown>): void;
}

/** Request id from the proxy (always set there), client facts (address from server.ts), and a request-scoped logger. */
export function requestScope(req: Request, route: string): RequestScope {
  const requestId = req.headers.get('x-request-id') ?? crypto.randomUUID();
  // Stamped by server.ts from the socket (or the rightmost untrusted forwarded hop), never the client's claim.
  const ip = req.headers.get(CLIENT_IP_HEADER);
  const userAgent = req.headers.get('user-agent');
  const child = log.child({ requestId });
  const started = performance.now();
  const path = new URL(req.url).pathname;
  return {
    requestId,
    ip,
    userAgent,
    log: child,
    done(status, extra) {
      child.info('request', {
        method: req.method,
        route,
        path,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...extra,
      });
    },
  };
}
