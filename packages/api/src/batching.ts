/**
 * How tRPC batching is allowed (server route and browser client share this module; it imports nothing).
 * A batch runs its calls concurrently, so a limit that is checked per call must not be multiplied by one
 * request: batches are small, and the procedures that guard secrets or report health never run in one.
 */
export const MAX_BATCH_SIZE = 10;

/** Sign-up/in, codes, passwords, the second factor and health: one call per HTTP request. */
export const mustNotBatch = (path: string): boolean =>
  path.startsWith('auth.') || path.startsWith('mfa.') || path.startsWith('system.');

export const BATCH_REFUSED_MESSAGE =
  'This request bundles calls that must be sent one at a time (sign-in, codes, second factor, health).';

/**
 * Why a tRPC HTTP request is refused before any procedure runs (null: it may run). `pathname` is the part after
 * the endpoint (`auth.signIn,auth.signIn`), `batch` whether `?batch=1` was given.
 */
export const batchRefusal = (pathname: string, batch: boolean): string | null => {
  if (!batch) return null;
  const paths = pathname.split(',');
  if (paths.length > MAX_BATCH_SIZE) return `At most ${MAX_BATCH_SIZE} calls fit in one request.`;
  if (paths.length > 1 && paths.some(mustNotBatch)) return BATCH_REFUSED_MESSAGE;
  return null;
};
