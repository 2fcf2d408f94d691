/**
 * Every cookie and storage key the app can set is in `COOKIE_INVENTORY` / `STORAGE_INVENTORY`, each with its
 * category (P34): a scan of the web app's and API's source finds every place that sets a cookie or writes
 * browser storage, and every cookie name those places use. A new cookie, setter or storage key fails here until
 * it is listed (and, if not essential, gated by the consent banner).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COOKIE_INVENTORY, STORAGE_INVENTORY } from '@tia/api';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['apps/web/src', 'apps/web/server.ts', 'packages/api/src'];

const files = (p: string): string[] => {
  const abs = path.join(ROOT, p);
  if (statSync(abs).isFile()) return [p];
  return readdirSync(abs).flatMap((n) => files(path.join(p, n)));
};
const source = SOURCES.flatMap(files)
  .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.spec\.ts$/.test(f) && !f.includes('/testing/'))
  .map((f) => ({ f, text: readFileSync(path.join(ROOT, f), 'utf8') }));

const where = (re: RegExp) =>
  source
    .filter((s) => re.test(s.text))
    .map((s) => s.f)
    .sort();

describe('cookie and storage inventory', () => {
  it('lists only the places we know set cookies', () => {
    expect(where(/cookies\.set\(|append\('set-cookie'/)).toEqual([
      'packages/api/src/accounts/common.ts', // the session cookie
      'packages/api/src/context.ts', // the Set-Cookie writer behind ctx.cookies
      'packages/api/src/google-sign-in/flow.ts', // the Google flow cookies (names from google-sign-in/oidc.ts)
      'packages/api/src/privacy/cookie-consent.ts', // the cookie choice
      'packages/api/src/routers/mfa.ts', // the session cookie, rotated when the second factor passes
    ]);
    // The browser never writes a cookie itself (it only reads the choice).
    expect(where(/document\.cookie\s*=[^=]/)).toEqual([]);
  });

  it('every cookie name in the source is in the inventory, and all of them are essential', () => {
    const names = new Set<string>();
    for (const { text } of source)
      for (const m of text.matchAll(/['"`](tia_[a-z_]+)['"`]/g)) names.add(m[1]!);
    const listed = COOKIE_INVENTORY.map((c) => c.name);
    // tia_* literals that are not cookies (advisory-lock keys, role names, …) are told apart by where they are used.
    const cookieNames = [...names].filter((n) => !/^tia_(app|analyst|append|seal)/.test(n));
    for (const n of cookieNames) expect(listed, `cookie ${n} is not in COOKIE_INVENTORY`).toContain(n);
    expect(new Set(COOKIE_INVENTORY.map((c) => c.category))).toEqual(new Set(['essential']));
  });

  it('writes no localStorage, sessionStorage or IndexedDB key', () => {
    expect(where(/localStorage|sessionStorage|indexedDB/)).toEqual([]);
    expect(STORAGE_INVENTORY).toEqual([]);
  });
});
