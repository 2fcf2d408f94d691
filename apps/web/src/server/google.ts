import 'server-only';
import { GoogleSignIn, googleSubLookup, type GoogleDeps } from '@tia/api';
import { serverEnv } from '../env';
import { getAuthServices, isSecureRequest } from './auth';

const holder = globalThis as typeof globalThis & { __tiaGoogle?: Map<string, GoogleSignIn> };

/** Google sign-in for this request's origin (PUBLIC_ORIGIN wins), or null when not configured. */
export function googleDeps(req: Request): (GoogleDeps & { secure: boolean }) | null {
  const env = serverEnv();
  if (!env.GOOGLE_CLIENT_ID || !env.GOOGLE_CLIENT_SECRET) return null;
  const secure = isSecureRequest(req);
  const origin = env.PUBLIC_ORIGIN ?? new URL(req.url).origin;
  const cacheKey = `${origin}|${secure}`;
  holder.__tiaGoogle ??= new Map();
  let google = holder.__tiaGoogle.get(cacheKey);
  if (!google) {
    google = new GoogleSignIn({
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
      issuer: env.GOOGLE_ISSUER,
      redirectUri: `${origin}/api/auth/google/callback`,
      secure,
    });
    holder.__tiaGoogle.set(cacheKey, google);
  }
  return { auth: getAuthServices(), google, subLookup: googleSubLookup(env.AUTH_SECRET), secure };
}
