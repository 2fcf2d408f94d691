import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** The person the provider signs in (it auto-approves). */
export interface FakeOidcUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  picture?: string;
}

/** Deliberate faults for negative tests, applied to the next id_token(s) issued. */
export interface IdTokenTamper {
  aud?: string;
  iss?: string;
  nonce?: string;
  /** Seconds relative to now for `exp` (negative: already expired). */
  expiresIn?: number;
  /** Sign with a key that is not in the JWKS. */
  foreignKey?: boolean;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
  user: FakeOidcUser;
}

/**
 * A local OpenID Connect provider speaking Google's protocol, for tests: discovery, an authorization
 * endpoint that approves at once (302 to redirect_uri with code and state), a token endpoint that checks
 * the client secret (HTTP Basic) and the PKCE S256 verifier, and a JWKS with a fresh RS256 key.
 */
export class FakeOidcProvider {
  issuer = '';
  user: FakeOidcUser = {
    sub: '1000001',
    email: 'ada@example.org',
    email_verified: true,
    name: 'Ada Lovelace',
    picture: 'https://example.org/ada.png',
  };
  tamper: IdTokenTamper = {};
  /** Requests seen by the token endpoint (for assertions). */
  readonly tokenRequests: { ok: boolean; error?: string }[] = [];
  private server!: Server;
  private readonly codes = new Map<string, PendingCode>();
  private keys!: { privateKey: CryptoKey; jwk: JWK };
  private foreign!: CryptoKey;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  async start(): Promise<this> {
    const kp = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(kp.publicKey)), kid: 'fake-1', alg: 'RS256', use: 'sig' };
    this.keys = { privateKey: kp.privateKey, jwk };
    this.foreign = (await generateKeyPair('RS256')).privateKey;
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return this.json(res, 200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'email', 'profile'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      });
    }
    if (url.pathname === '/jwks') return this.json(res, 200, { keys: [this.keys.jwk] });
    if (url.pathname === '/authorize') return this.authorize(url, res);
    if (url.pathname === '/token' && req.method === 'POST') return this.token(req, res);
    res.writeHead(404).end();
  }

  private authorize(url: URL, res: ServerResponse) {
    const p = url.searchParams;
    const redirectUri = p.get('redirect_uri');
    const bad = (error: string) => this.json(res, 400, { error });
    if (p.get('client_id') !== this.clientId) return bad('invalid_client');
    if (!redirectUri) return bad('invalid_request');
    if (p.get('response_type') !== 'code') return bad('unsupported_response_type');
    const scopes = (p.get('scope') ?? '').split(' ');
    if (!scopes.includes('openid')) return bad('invalid_scope');
    if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) return bad('invalid_request');
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      codeChallenge: p.get('code_challenge')!,
      nonce: p.get('nonce'),
      user: { ...this.user },
    });
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    if (p.get('state') !== null) to.searchParams.set('state', p.get('state')!);
    res.writeHead(302, { location: to.toString() }).end();
  }

  private async token(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const fail = (status: number, error: string) => {
      this.tokenRequests.push({ ok: false, error });
      this.json(res, status, { error });
    };
    let clientId = body.get('client_id');
    let secret = body.get('client_secret');
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [id, pw] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(pw ?? '');
    }
    if (clientId !== this.clientId || secret !== this.clientSecret) return fail(401, 'invalid_client');
    if (body.get('grant_type') !== 'authorization_code') return fail(400, 'unsupported_grant_type');
    const code = body.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code); // single use
    if (!pending) return fail(400, 'invalid_grant');
    if (body.get('redirect_uri') !== pending.redirectUri) return fail(400, 'invalid_grant');
    const verifier = body.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (challenge !== pending.codeChallenge) return fail(400, 'invalid_grant');

    const t = this.tamper;
    const now = Math.floor(Date.now() / 1000);
    const u = pending.user;
    const idToken = await new SignJWT({
      email: u.email,
      email_verified: u.email_verified,
      name: u.name,
      ...(u.picture ? { picture: u.picture } : {}),
      ...(t.nonce !== undefined ? { nonce: t.nonce } : pending.nonce ? { nonce: pending.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'fake-1', typ: 'JWT' })
      .setIssuer(t.iss ?? this.issuer)
      .setAudience(t.aud ?? pending.clientId)
      .setSubject(u.sub)
      .setIssuedAt(now + Math.min(0, (t.expiresIn ?? 3600) - 3600))
      .setExpirationTime(now + (t.expiresIn ?? 3600))
      .sign(t.foreignKey ? this.foreign : this.keys.privateKey);
    this.tokenRequests.push({ ok: true });
    this.json(res, 200, {
      access_token: randomBytes(16).toString('hex'),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'openid email profile',
      id_token: idToken,
    });
  }
}

export const startFakeOidc = (clientId = 'test-client', clientSecret = 'test-secret') =>
  new FakeOidcProvider(clientId, clientSecret).start();
