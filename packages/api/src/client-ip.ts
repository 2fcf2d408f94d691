import { isIP } from 'node:net';

/**
 * Who is on the other end of a request. The socket's peer is the only address nobody can choose; a forwarded
 * header (`X-Forwarded-For`) is believed only for the hops added by proxies we run (`TRUSTED_PROXIES`, a
 * count: 0 = no proxy, the socket address is the client). With N trusted proxies the client is the rightmost
 * address that none of them added: the N-th entry from the right of `X-Forwarded-For` (the last proxy is the
 * socket peer itself and appended the entry before it). Anything to the left is what the client wrote.
 */

/** The internal header the web server stamps the resolved client address into (any client copy is removed). */
export const CLIENT_IP_HEADER = 'x-tia-client-ip';

/** Headers a client could use to claim an address; dropped when no proxy is trusted. */
export const CLIENT_ADDRESS_HEADERS = ['x-forwarded-for', 'x-real-ip', 'forwarded'] as const;

const clean = (addr: string | undefined | null): string | null => {
  if (!addr) return null;
  let a = addr.trim();
  if (a.startsWith('[') && a.includes(']')) a = a.slice(1, a.indexOf(']'));
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(a);
  if (mapped) a = mapped[1]!;
  return isIP(a) ? a : null;
};

/**
 * The client address: the socket peer when `trustedProxies` is 0 (forwarded headers ignored), otherwise the
 * rightmost entry of `forwardedFor` not added by a trusted proxy. A malformed entry where the client should be
 * falls back to the nearest trusted hop's view (never to an address the client wrote further left).
 */
export const clientAddress = (
  socketAddress: string | undefined | null,
  forwardedFor: string | string[] | undefined | null,
  trustedProxies: number,
): string | null => {
  const peer = clean(socketAddress);
  if (trustedProxies <= 0) return peer;
  const raw = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  // Bounded: a header is at most a few KB; only the last hops matter.
  const hops = raw
    .split(',', 1000)
    .map((h) => h.trim())
    .filter((h) => h !== '');
  // hops[len-1] was appended by the proxy that is our socket peer (trusted proxy #1), and so on leftwards.
  let candidate = peer;
  for (let i = 1; i <= trustedProxies; i++) {
    const hop = hops[hops.length - i];
    if (hop === undefined) return candidate; // fewer hops than proxies: the leftmost one a proxy saw
    const addr = clean(hop);
    if (!addr) return candidate;
    candidate = addr;
  }
  return candidate;
};

/**
 * Rewrites incoming request headers (a Node `IncomingHttpHeaders` object) so that only `CLIENT_IP_HEADER`
 * carries the client address, resolved as above; without trusted proxies the client's own address claims are
 * removed altogether.
 */
export const stampClientAddress = (
  headers: Record<string, string | string[] | undefined>,
  socketAddress: string | undefined,
  trustedProxies: number,
): void => {
  const ip = clientAddress(socketAddress, headers['x-forwarded-for'], trustedProxies);
  delete headers[CLIENT_IP_HEADER];
  if (trustedProxies <= 0) for (const h of CLIENT_ADDRESS_HEADERS) delete headers[h];
  if (ip) headers[CLIENT_IP_HEADER] = ip;
};
