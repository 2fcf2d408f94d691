/**
 * The database cannot be reached right now (restarting, failing over, network): not the caller's fault and
 * not a bug — a 503 with a short Retry-After, never a 500 with a stack trace. Matched by error code so the
 * API stays free of database imports: postgres.js connection errors (`CONNECTION_CLOSED`, `ECONNREFUSED`, …)
 * and PostgreSQL's own SQLSTATEs for a server going away or not ready (class 08, 57P01–57P03, 53300).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
]);

/** Seconds a client should wait before trying again. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const DATABASE_UNAVAILABLE_MESSAGE =
  'We cannot reach our database for a moment. Please try again in a few seconds.';

export const isDatabaseUnavailable = (err: unknown, depth = 0): boolean => {
  if (!(err instanceof Error) || depth > 4) return false;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
};
