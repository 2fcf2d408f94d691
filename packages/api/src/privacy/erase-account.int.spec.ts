/**
 * `privacy.erase` for an account without a password (made with Google): a sign-in less than 10 minutes old
 * stands in for the password. The full "nothing left in plaintext" scan is `scripts/erasure.int.spec.ts`.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../context.js';
import { startSession } from '../accounts/common.js';
import { silentLogger } from '../log.js';
import {
  createHarness,
  signUpInput,
  waitForMails,
  type Browser,
  type Harness,
} from '../testing/identity-harness.js';
import { RECENT_SIGN_IN_NEEDED_MESSAGE, RECENT_SIGN_IN_SECONDS } from './erase-account.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

/** A verified account whose password row is gone, as for an account made with Google. */
const passwordless = async () => {
  const email = `g-${randomUUID().slice(0, 8)}@example.org`;
  const b = await h.browser();
  const { userId } = await (await b.call()).auth.signUp(signUpInput({ email }));
  await waitForMails(h, email, 1);
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  await h.db.sql`delete from credentials where user_id = ${userId}`;
  return { b, userId, email };
};

/** A new sign-in for this browser now (what the Google callback does once the IdP answered). */
const signInAgain = async (b: Browser, userId: string) => {
  const ctx: Context = {
    sql: h.db.sql,
    requestId: `req-${randomUUID()}`,
    session: null,
    ip: '10.1.2.3',
    userAgent: 'test',
    log: silentLogger,
    cookies: b.cookies,
    auth: h.auth,
  };
  await startSession(h.auth, ctx, userId);
};

describe('privacy.erase without a password', () => {
  it('refuses when the sign-in is older than 10 minutes, erases after a fresh sign-in', async () => {
    const { b, userId, email } = await passwordless();
    h.clock.advance(RECENT_SIGN_IN_SECONDS + 60);
    await expect((await b.call()).privacy.erase({})).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: RECENT_SIGN_IN_NEEDED_MESSAGE,
    });
    expect(await h.auth.keys.isErased(h.db.sql, userId)).toBe(false);

    await signInAgain(b, userId);
    h.clock.advance(60);
    await expect((await b.call()).privacy.erase({})).resolves.toMatchObject({ ok: true });
    expect(await h.auth.keys.isErased(h.db.sql, userId)).toBe(true);
    expect(await b.session()).toBeNull();
    // On record for compliance: an erasure request, received and completed, with ids and times only.
    const requests = await h.db.sql<{ kind: string; status: string }[]>`
      select kind, status from rm_privacy_requests where subject_id = ${userId}`;
    expect(requests).toEqual([{ kind: 'erasure', status: 'completed' }]);
    const mails = await waitForMails(h, email, 2);
    expect(mails.at(-1)!.raw).toContain('was erased');
  });

  it('a second call after erasure is refused as signed out, never a 500', async () => {
    const { b, userId } = await passwordless();
    await signInAgain(b, userId);
    const stale = await b.call(); // holds the session resolved before the erasure
    await (await b.call()).privacy.erase({});
    await expect(stale.privacy.erase({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
