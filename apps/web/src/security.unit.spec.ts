import { describe, expect, it } from 'vitest';
import {
  baseSecurityHeaders,
  createNonce,
  csrfRejection,
  ownOrigin,
  pageCsp,
  permissionsPolicy,
} from './security';

const req = (
  method: string,
  headers: Record<string, string>,
  pathname = '/api/trpc/x',
  protocol = 'http:',
) => ({
  method,
  protocol,
  pathname,
  headers: new Headers({ host: 'app.test:3000', ...headers }),
});

describe('CSP', () => {
  it('uses a fresh, unguessable nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it('is strict in production and allows eval only in development', () => {
    const prod = pageCsp('abc', { dev: false });
    expect(prod).toContain("script-src 'self' 'nonce-abc' 'strict-dynamic'");
    expect(prod).toContain("style-src 'self' 'nonce-abc'");
    for (const d of [
      "default-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
      'report-uri /api/csp-report',
    ]) {
      expect(prod).toContain(d);
    }
    expect(prod).not.toContain('unsafe');
    // Replaying a recorded answer (an in-memory Blob) needs blob: media, and nothing wider.
    expect(prod).toContain("media-src 'self' blob:");
    expect(prod).not.toMatch(/media-src[^;]*(\*|https?:|data:)/);
    const dev = pageCsp('abc', { dev: true });
    expect(dev).toContain("'unsafe-eval'");
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
  });
});

describe('Permissions-Policy', () => {
  it('allows camera and microphone for this origin only, on every page (client-side navigation keeps the first policy)', () => {
    for (const p of ['/', '/account', '/practice', '/practice/abc', '/practice/answers/x']) {
      const policy = permissionsPolicy(p);
      expect(policy).toContain('camera=(self), microphone=(self)');
      expect(policy).not.toMatch(/camera=\*|microphone=\*/);
      expect(policy).toContain('geolocation=()');
      expect(policy).toContain('display-capture=()');
    }
  });
});

describe('HSTS', () => {
  it('only over HTTPS (direct or via a TLS-terminating proxy)', () => {
    expect(baseSecurityHeaders(req('GET', {}, '/'))['Strict-Transport-Security']).toBeUndefined();
    expect(baseSecurityHeaders(req('GET', {}, '/', 'https:'))['Strict-Transport-Security']).toMatch(
      /max-age/,
    );
    expect(
      baseSecurityHeaders(req('GET', { 'x-forwarded-proto': 'https' }, '/'))['Strict-Transport-Security'],
    ).toMatch(/max-age/);
  });
});

describe('CSRF check', () => {
  it('lets safe methods through', () => {
    for (const m of ['GET', 'HEAD', 'OPTIONS'])
      expect(csrfRejection(req(m, { origin: 'https://evil.test' }), undefined)).toBeNull();
  });

  it('requires a matching Origin on state-changing methods', () => {
    expect(csrfRejection(req('POST', {}), undefined)).toBe('missing Origin header');
    expect(csrfRejection(req('POST', { origin: 'null' }), undefined)).toBe('missing Origin header');
    expect(csrfRejection(req('POST', { origin: 'http://evil.test' }), undefined)).toMatch(/does not match/);
    expect(csrfRejection(req('PUT', { origin: 'https://app.test:3000' }), undefined)).toMatch(
      /does not match/,
    ); // scheme differs
    expect(csrfRejection(req('DELETE', { origin: 'http://app.test:3000' }), undefined)).toBeNull();
    expect(csrfRejection(req('POST', { origin: 'http://APP.test:3000' }), undefined)).toBeNull();
  });

  it('refuses Sec-Fetch-Site: cross-site even with a plausible Origin', () => {
    expect(
      csrfRejection(
        req('POST', { origin: 'http://app.test:3000', 'sec-fetch-site': 'cross-site' }),
        undefined,
      ),
    ).toBe('cross-site request');
  });

  it('uses the configured public origin when there is one', () => {
    expect(
      csrfRejection(req('POST', { origin: 'http://app.test:3000' }), 'https://trueinterview.test'),
    ).toMatch(/does not match/);
    expect(
      csrfRejection(req('POST', { origin: 'https://trueinterview.test' }), 'https://trueinterview.test'),
    ).toBeNull();
    expect(ownOrigin(req('POST', {}), undefined)).toBe('http://app.test:3000');
  });

  it('guards the recording upload (POST /api/recordings) like every other state-changing API call', () => {
    const upload = (headers: Record<string, string>) => req('POST', headers, '/api/recordings');
    expect(csrfRejection(upload({}), undefined)).toBe('missing Origin header');
    expect(csrfRejection(upload({ origin: 'https://evil.test' }), undefined)).toMatch(/does not match/);
    expect(
      csrfRejection(upload({ origin: 'http://app.test:3000', 'sec-fetch-site': 'cross-site' }), undefined),
    ).toBe('cross-site request');
    expect(
      csrfRejection(upload({ origin: 'http://app.test:3000', 'sec-fetch-site': 'same-origin' }), undefined),
    ).toBeNull();
  });

  it('exempts only the CSP report endpoint (it just logs)', () => {
    expect(csrfRejection(req('POST', {}, '/api/csp-report'), undefined)).toBeNull();
    expect(csrfRejection(req('POST', {}, '/api/csp-report/x'), undefined)).not.toBeNull();
  });
});
