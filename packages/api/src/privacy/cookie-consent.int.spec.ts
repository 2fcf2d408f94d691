/**
 * Cookie choices (P34, P38): a signed-out visitor's choice is an event with consent id, categories (essential
 * always on, the rest off unless chosen), policy version and UTC time, and the one essential cookie remembers
 * it; a later change keeps the consent id; a signed-in visitor's choice names the account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COOKIE_CONSENT_COOKIE } from './cookie-consent.js';
import { only } from '@tia/db/testing';
import { createHarness, signUpInput, waitForMails, type Harness } from '../testing/identity-harness.js';
import { POLICY_VERSION } from '../version.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const eventsOf = async (consentId: string) =>
  (await h.auth.store.readStream(`cookie-consent-${consentId}`)).map((e) => only('CookieConsentRecorded', e));

describe('privacy.recordCookieConsent', () => {
  it('records a signed-out visitor’s choice as an event and remembers it in one essential cookie', async () => {
    const b = await h.browser();
    expect(await b.session()).toBeNull();
    const first = await (
      await b.call()
    ).privacy.recordCookieConsent({
      performance: false,
      functional: false,
      targeting: false,
    });
    expect(first.categories).toEqual({
      essential: true,
      performance: false,
      functional: false,
      targeting: false,
    });
    const cookie = b.cookies.jar.get(COOKIE_CONSENT_COOKIE)!;
    expect(cookie.value).toBe(`${first.consentId}.000`);
    expect(cookie.attrs).toMatch(/SameSite=Lax; Path=\/; Max-Age=15552000/);

    const [e] = await eventsOf(first.consentId);
    expect(e!.type).toBe('CookieConsentRecorded');
    expect(e!.data).toEqual({
      consentId: first.consentId,
      subjectId: null,
      categories: { essential: true, performance: false, functional: false, targeting: false },
      policyVersion: POLICY_VERSION,
      recordedAt: h.clock.now.toISOString(),
    });
    expect(e!.data.recordedAt).toMatch(/Z$/); // UTC
    // Nothing about the visitor beyond the choice: no address, no browser.
    expect(JSON.stringify(e)).not.toMatch(/10\.\d+\.\d+|Firefox|Mozilla/);

    // Changing the mind later: same consent id, a second event.
    const again = await (
      await b.call()
    ).privacy.recordCookieConsent({
      consentId: first.consentId,
      performance: true,
      functional: false,
      targeting: false,
    });
    expect(again.consentId).toBe(first.consentId);
    expect(b.cookies.jar.get(COOKIE_CONSENT_COOKIE)!.value).toBe(`${first.consentId}.100`);
    expect((await eventsOf(first.consentId)).map((x) => x.data.categories)).toEqual([
      { essential: true, performance: false, functional: false, targeting: false },
      { essential: true, performance: true, functional: false, targeting: false },
    ]);
  });

  it('a signed-in visitor’s choice names the account', async () => {
    const email = 'cookies@example.org';
    const b = await h.browser();
    const { userId } = await (await b.call()).auth.signUp(signUpInput({ email }));
    await waitForMails(h, email, 1);
    await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
    const v = await (
      await b.call()
    ).privacy.recordCookieConsent({
      performance: true,
      functional: true,
      targeting: true,
    });
    const [e] = await eventsOf(v.consentId);
    expect(e!.data.subjectId).toBe(userId);
    expect(e!.metadata.actor).toEqual({ kind: 'user', id: userId });
  });

  it('refuses a consent id that is not a UUID (400, nothing recorded)', async () => {
    const b = await h.browser();
    await expect(
      (await b.call()).privacy.recordCookieConsent({
        consentId: 'x'.repeat(5000),
        performance: false,
        functional: false,
        targeting: false,
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
