/**
 * Every cookie and browser-storage key the app sets (P34), each with its category. All are essential today:
 * the app sets no performance, functional or targeting cookie, so nothing non-essential exists to load before
 * consent. `scripts/cookie-inventory.unit.spec.ts` fails when code sets a cookie or storage key not listed here.
 */
export interface CookieEntry {
  /** Over HTTPS the name gets the `__Host-` prefix where noted. */
  name: string;
  hostPrefixOnHttps: boolean;
  category: 'essential' | 'performance' | 'functional' | 'targeting';
  purpose: string;
  lifetime: string;
}

export const COOKIE_INVENTORY: readonly CookieEntry[] = [
  {
    name: 'tia_session',
    hostPrefixOnHttps: true,
    category: 'essential',
    purpose: 'keeps you signed in (random token; the server stores only its SHA-256)',
    lifetime: '7 days idle (12 h for staff), 30 days at most',
  },
  {
    name: 'tia_google_state',
    hostPrefixOnHttps: true,
    category: 'essential',
    purpose: 'Sign in with Google: ties the answer to the request (anti-forgery)',
    lifetime: '10 minutes',
  },
  {
    name: 'tia_google_verifier',
    hostPrefixOnHttps: true,
    category: 'essential',
    purpose: 'Sign in with Google: PKCE code verifier',
    lifetime: '10 minutes',
  },
  {
    name: 'tia_google_nonce',
    hostPrefixOnHttps: true,
    category: 'essential',
    purpose: 'Sign in with Google: binds the ID token to this sign-in',
    lifetime: '10 minutes',
  },
  {
    name: 'tia_cookie_consent',
    hostPrefixOnHttps: false,
    category: 'essential',
    purpose: 'remembers your cookie choice (a random consent id and three on/off flags)',
    lifetime: '180 days',
  },
];

/** Keys the app writes to browser storage (local, session, IndexedDB): none. */
export const STORAGE_INVENTORY: readonly string[] = [];
