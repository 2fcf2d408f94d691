import type { Logger } from '@tia/api/log';

export interface RequestScope {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
  log: Logger;
  /** Emit the one access-log line of this request. */
  done(status: number, extra?: Record<string, unknown>): void;
}

/**
 * A request's id, client facts and request-scoped logger, and its one access-log line. Shared by Next's route
 * handlers (`request.ts`) and server.ts's own `/api/trpc` handler (`trpc-node.ts`), so both log alike. No
 * `server-only` guard here: server.ts runs outside Next's bundler.
 */
export function createRequestScope(
  log: Logger,
  facts: {
    requestId: string;
    ip: string | null;
    userAgent: string | null;
    method: string;
    path: string;
    route: string;
  },
): RequestScope {
  const child = log.child({ requestId: facts.requestId });
  const started = performance.now();
  return {
    requestId: facts.requestId,
    ip: facts.ip,
    userAgent: facts.userAgent,
    log: child,
    done(status, extra) {
      child.info('request', {
        method: facts.method,
        route: facts.route,
        path: facts.path,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...extra,
      });
    },
  };
}
