/**
 * Pure helpers for the request proxy: CSP with a per-response nonce, the other security headers,
 * and the CSRF (origin) check. No Next.js imports here so they are unit-testable.
 */

/** 128 random bits, base64 — a fresh one for every HTML response. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export const CSP_REPORT_PATH = '/api/csp-report';

export function pageCsp(nonce: string, opts: { dev: boolean }): string {
  return [
    `default-src 'self'`,
    // 'unsafe-eval' only in development: React uses eval there for better error stacks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? ` 'unsafe-eval'` : ''}`,
    // Development only: webpack's style-loader and the dev overlay inject <style> tags without a nonce
    // (and a nonce would make browsers ignore 'unsafe-inline').
    opts.dev ? `style-src 'self' 'unsafe-inline'` : `style-src 'self' 'nonce-${nonce}'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${opts.dev ? ' ws: wss:' : ''}`,
    `media-src 'self' blob:`,
    `object-src 'none'`,
    `base-uri 'none'`,
    `frame-ancestors 'none'`,
    `form-action 'self'`,
    `report-uri ${CSP_REPORT_PATH}`,
  ].join('; ');
}

/** API answers are never rendered as documents. */
export const API_CSP = `default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/**
 * Camera and microphone: this origin only (never embedded third parties). Not narrowed to the practice pages:
 * a Permissions-Policy belongs to the document, and the app navigates client-side, so a page first loaded at
 * e.g. /account keeps that document's policy when the user then opens /practice — a per-path `camera=()` would
 * block getUserMedia there. `pathname` is kept for callers and future per-path rules.
 */
export function permissionsPolicy(_pathname: string): string {
  return [
    'camera=(self)',
    'microphone=(self)',
    'geolocation=()',
    'payment=()',
    'usb=()',
    'display-capture=()',
  ].join(', ');
}

export interface RequestFacts {
  method: string;
  /** Protocol of the URL the server saw, e.g. 'http:'. */
  protocol: string;
  /** A fetch `Headers`, or anything that reads request headers the same way (server.ts's Node requests). */
  headers: Pick<Headers, 'get'>;
}

/** Whether the client reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function isHttps(req: RequestFacts): boolean {
  if (req.protocol === 'https:') return true;
  return req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/** The origin this app answers on: the configured public origin, else derived from Host. */
export function ownOrigin(req: RequestFacts, publicOrigin: string | undefined): string | null {
  if (publicOrigin) return publicOrigin;
  const host = req.headers.get('host');
  if (!host) return null;
  return `${isHttps(req) ? 'https' : 'http'}://${host}`.toLowerCase();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Paths exempt from the origin check: browsers send CSP reports without a reliable Origin; the endpoint only logs. */
const CSRF_EXEMPT = new Set([CSP_REPORT_PATH]);

/**
 * CSRF defence for state-changing methods: the request must carry an `Origin` equal to our own,
 * and must not be flagged `Sec-Fetch-Site: cross-site`. Returns the reason to refuse, or null.
 */
export function csrfRejection(
  req: RequestFacts & { pathname: string },
  publicOrigin: string | undefined,
): string | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  if (CSRF_EXEMPT.has(req.pathname)) return null;
  if (req.headers.get('sec-fetch-site')?.toLowerCase() === 'cross-site') return 'cross-site request';
  const origin = req.headers.get('origin');
  if (!origin || origin === 'null') return 'missing Origin header';
  const expected = ownOrigin(req, publicOrigin);
  let actual: string;
  try {
    actual = new URL(origin).origin.toLowerCase();
  } catch {
    return 'malformed Origin header';
  }
  if (!expected || actual !== expected) return 'Origin does not match this site';
  return null;
}

export const HSTS = 'max-age=63072000; includeSubDomains';

/** Headers every response from the proxy carries (CSP is added separately). */
export function baseSecurityHeaders(req: RequestFacts & { pathname: string }): Record<string, string> {
  const h: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': permissionsPolicy(req.pathname),
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  if (isHttps(req)) h['Strict-Transport-Security'] = HSTS;
  return h;
}

/**
 * Every header an API answer carries besides its own (the proxy sets them on Next's API routes, server.ts on
 * `/api/trpc`, which it serves itself): the base security headers, the API CSP and the request id.
 */
export function apiResponseHeaders(
  req: RequestFacts & { pathname: string },
  requestId: string,
): Record<string, string> {
  return { ...baseSecurityHeaders(req), 'Content-Security-Policy': API_CSP, 'x-request-id': requestId };
}

/** The body of a request refused by the CSRF check (403). */
export const CSRF_REFUSAL = {
  error: { code: 'FORBIDDEN', message: 'This request did not come from this site and was refused.' },
} as const;

/** A request id we generate ourselves (client-supplied ids are not trusted). */
export function newRequestId(): string {
  return crypto.randomUUID();
}
