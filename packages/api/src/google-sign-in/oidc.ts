import { timingSafeEqual } from 'node:crypto';
import {
  CodeChallengeMethod,
  generateCodeVerifier,
  generateState,
  OAuth2Client,
  type OAuth2Tokens,
} from 'arctic';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/**
 * Sign in with Google (any OpenID Connect provider speaking Google's protocol): authorization code +
 * PKCE (S256) through arctic's generic OAuth2 client, endpoints from the issuer's discovery document,
 * state / code verifier / nonce in short-lived HttpOnly cookies, and the id_token verified with jose
 * (signature from the discovered JWKS, issuer, audience = our client id, expiry, nonce).
 * arctic stays behind this module.
 */
export const GOOGLE_SCOPES = ['openid', 'email', 'profile'];
export const GOOGLE_FLOW_COOKIE_SECONDS = 600;

export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  /** e.g. https://accounts.google.com */
  issuer: string;
  /** Our callback, e.g. https://trueinterview.ai/api/auth/google/callback */
  redirectUri: string;
  /** HTTPS: cookies get `Secure` and the `__Host-` prefix. */
  secure: boolean;
  /** Allowed clock skew when checking `exp` / `iat`, seconds (default 30). */
  clockToleranceSeconds?: number;
}

/** What we keep from the provider: nothing else. */
export interface GoogleProfile {
  sub: string;
  email: string;
  name: string;
  picture?: string;
}

export type GoogleSignInFailure =
  | 'not_configured'
  | 'provider_error'
  | 'state_mismatch'
  | 'missing_code'
  | 'token_exchange_failed'
  | 'invalid_id_token'
  | 'nonce_mismatch'
  | 'email_not_verified';

export class GoogleSignInError extends Error {
  constructor(
    readonly reason: GoogleSignInFailure,
    detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'GoogleSignInError';
  }
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

const discoveryCache = new Map<
  string,
  { at: number; doc: Discovery; jwks: ReturnType<typeof createRemoteJWKSet> }
>();
const DISCOVERY_TTL_MS = 60 * 60 * 1000;

const discover = async (issuer: string) => {
  const hit = discoveryCache.get(issuer);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit;
  const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
    headers: { accept: 'application/json' },
  });
  if (!res.ok) throw new GoogleSignInError('provider_error', `discovery answered ${res.status}`);
  const doc = (await res.json()) as Partial<Discovery>;
  if (
    doc.issuer !== issuer ||
    typeof doc.authorization_endpoint !== 'string' ||
    typeof doc.token_endpoint !== 'string' ||
    typeof doc.jwks_uri !== 'string'
  ) {
    throw new GoogleSignInError('provider_error', 'discovery document is incomplete or names another issuer');
  }
  const entry = { at: Date.now(), doc: doc as Discovery, jwks: createRemoteJWKSet(new URL(doc.jwks_uri)) };
  discoveryCache.set(issuer, entry);
  return entry;
};

const COOKIE = {
  state: 'tia_google_state',
  verifier: 'tia_google_verifier',
  nonce: 'tia_google_nonce',
} as const;
const cookieName = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);
const cookie = (name: string, value: string, maxAge: number, secure: boolean) =>
  `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;

export const parseCookies = (header: string | null): Map<string, string> => {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim());
  }
  return out;
};

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class GoogleSignIn {
  private readonly client: OAuth2Client;

  constructor(private readonly cfg: GoogleConfig) {
    this.client = new OAuth2Client(cfg.clientId, cfg.clientSecret, cfg.redirectUri);
  }

  /** Set-Cookie values that remove the flow cookies (sent with every callback answer). */
  clearCookies(): string[] {
    return Object.values(COOKIE).map((c) => cookie(cookieName(c, this.cfg.secure), '', 0, this.cfg.secure));
  }

  /** Where to send the browser, and the flow cookies to set. */
  async start(): Promise<{ location: string; setCookies: string[] }> {
    const { doc } = await discover(this.cfg.issuer);
    const state = generateState();
    const verifier = generateCodeVerifier();
    const nonce = generateState();
    const url = this.client.createAuthorizationURLWithPKCE(
      doc.authorization_endpoint,
      state,
      CodeChallengeMethod.S256,
      verifier,
      GOOGLE_SCOPES,
    );
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('prompt', 'select_account');
    const s = this.cfg.secure;
    const ttl = GOOGLE_FLOW_COOKIE_SECONDS;
    return {
      location: url.toString(),
      setCookies: [
        cookie(cookieName(COOKIE.state, s), state, ttl, s),
        cookie(cookieName(COOKIE.verifier, s), verifier, ttl, s),
        cookie(cookieName(COOKIE.nonce, s), nonce, ttl, s),
      ],
    };
  }

  /** Checks the provider's answer and returns the verified profile (verified email only). */
  async callback(url: URL, cookieHeader: string | null): Promise<GoogleProfile> {
    const q = url.searchParams;
    if (q.get('error')) throw new GoogleSignInError('provider_error', q.get('error') ?? undefined);
    const cookies = parseCookies(cookieHeader);
    const s = this.cfg.secure;
    const state = cookies.get(cookieName(COOKIE.state, s));
    const verifier = cookies.get(cookieName(COOKIE.verifier, s));
    const nonce = cookies.get(cookieName(COOKIE.nonce, s));
    const returnedState = q.get('state');
    if (!state || !verifier || !nonce || !returnedState || !sameText(state, returnedState)) {
      throw new GoogleSignInError('state_mismatch');
    }
    const code = q.get('code');
    if (!code) throw new GoogleSignInError('missing_code');
    const { doc, jwks } = await discover(this.cfg.issuer);
    let tokens: OAuth2Tokens;
    try {
      tokens = await this.client.validateAuthorizationCode(doc.token_endpoint, code, verifier);
    } catch (e) {
      throw new GoogleSignInError('token_exchange_failed', (e as Error).message);
    }
    let idToken: string;
    try {
      idToken = tokens.idToken();
    } catch {
      throw new GoogleSignInError('invalid_id_token', 'no id_token in the token response');
    }
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(idToken, jwks, {
        issuer: this.cfg.issuer,
        audience: this.cfg.clientId,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: this.cfg.clockToleranceSeconds ?? 30,
      }));
    } catch (e) {
      throw new GoogleSignInError('invalid_id_token', (e as Error).message);
    }
    if (typeof claims.nonce !== 'string' || !sameText(claims.nonce, nonce)) {
      throw new GoogleSignInError('nonce_mismatch');
    }
    if (claims.email_verified !== true || typeof claims.email !== 'string') {
      throw new GoogleSignInError('email_not_verified');
    }
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : claims.email;
    return {
      sub: claims.sub!,
      email: claims.email,
      name: name.slice(0, 200),
      ...(typeof claims.picture === 'string' && /^https:\/\//.test(claims.picture)
        ? { picture: claims.picture.slice(0, 2000) }
        : {}),
    };
  }
}
