import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codeOf,
  createHarness,
  signUpInput,
  waitForMails,
  type Browser,
  type Harness,
} from '../testing/identity-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, 60_000);
afterAll(async () => h?.close());

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TRPCError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
};

const candidate = async (name = 'Rita Rectify'): Promise<{ b: Browser; userId: string; email: string }> => {
  const email = `rect-${randomUUID().slice(0, 8)}@example.org`;
  const b = await h.browser();
  const r = await (await b.call()).auth.signUp(signUpInput({ email, name }));
  await waitForMails(h, email, 1);
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  return { b, userId: r.userId, email };
};

describe('rectification (P27)', () => {
  it('corrects the name at once; the history stays as events; a completed request is recorded', async () => {
    const c = await candidate('Rita Rectfy');
    const call = await c.b.call();
    expect(await call.privacy.correctName({ name: '  Rita Rectify  ' })).toEqual({ name: 'Rita Rectify' });
    expect((await (await c.b.call()).auth.me())?.name).toBe('Rita Rectify');
    const events = await h.auth.store.readStream(`user-${c.userId}`);
    expect(events.filter((e) => e.type === 'AccountRegistered')[0]!.data.name).toBe('Rita Rectfy');
    expect(events.filter((e) => e.type === 'NameCorrected').map((e) => e.data.name)).toEqual([
      'Rita Rectify',
    ]);
    // Encrypted at rest.
    const plain = await h.db.sql`select 1 from events where data::text like '%Rita Rectify%'`;
    expect(plain.length).toBe(0);
    expect(await call.privacy.requests()).toMatchObject([{ kind: 'rectification', status: 'completed' }]);
    expect((await failure(call.privacy.correctName({ name: '   ' }))).code).toBe('BAD_REQUEST');
    expect((await failure(call.privacy.correctName({ name: 'x'.repeat(201) }))).code).toBe('BAD_REQUEST');
  });

  it('changes the email only after the code mailed to the new address; sign-in follows; the old address is told', async () => {
    const c = await candidate();
    const call = await c.b.call();
    const next = `new-${randomUUID().slice(0, 8)}@example.org`;
    expect(await call.privacy.changeEmail({ email: next })).toEqual({ sentTo: next, minutes: 10 });
    const [mail] = await waitForMails(h, next, 1);
    expect(mail!.raw).toContain('Confirm your new email address');
    // Not changed yet; the request is open with its due date.
    expect((await (await c.b.call()).auth.me())?.email).toBe(c.email);
    expect(await call.privacy.requests()).toMatchObject([{ kind: 'rectification', status: 'received' }]);

    // A wrong code is a field error and changes nothing.
    const wrong = await failure(
      call.privacy.confirmEmailChange({ code: '000000' === codeOf(mail!.raw) ? '111111' : '000000' }),
    );
    expect(wrong.code).toBe('BAD_REQUEST');
    expect((await (await c.b.call()).auth.me())?.email).toBe(c.email);

    expect(await call.privacy.confirmEmailChange({ code: codeOf(mail!.raw) })).toEqual({ email: next });
    expect((await (await c.b.call()).auth.me())?.email).toBe(next);
    expect(await call.privacy.requests()).toMatchObject([{ kind: 'rectification', status: 'completed' }]);
    const told = await waitForMails(h, c.email, 2);
    expect(told.at(-1)!.raw).toContain('email address of your TrueInterviewAI account changed');
    const types = (await h.auth.store.readStream(`user-${c.userId}`)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['EmailChangeRequested', 'EmailChanged']));
    // The code works once.
    expect((await failure(call.privacy.confirmEmailChange({ code: codeOf(mail!.raw) }))).code).toBe(
      'BAD_REQUEST',
    );

    // Signing in with the new address works; the old one no longer finds the account.
    const fresh = await h.browser();
    const signedIn = await (
      await fresh.call()
    ).auth.signIn({ email: next, password: signUpInput().password });
    expect(signedIn).toBeTruthy();
    const old = await h.browser();
    expect(
      (await failure((await old.call()).auth.signIn({ email: c.email, password: signUpInput().password })))
        .code,
    ).toBe('UNAUTHORIZED');
  });

  it("never reveals another account's address: that address gets a notice, no code", async () => {
    const c = await candidate();
    const other = await candidate('Oscar Other');
    const before = h.mailsTo(other.email).length;
    expect(await (await c.b.call()).privacy.changeEmail({ email: other.email })).toEqual({
      sentTo: other.email,
      minutes: 10,
    });
    const mails = await waitForMails(h, other.email, before + 1);
    expect(mails.at(-1)!.raw).toContain('already belongs to an account');
    expect((await failure((await c.b.call()).privacy.confirmEmailChange({ code: '123456' }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await (await c.b.call()).auth.me())?.email).toBe(c.email);
    // Its own address, or not an address: field errors.
    expect((await failure((await c.b.call()).privacy.changeEmail({ email: c.email }))).code).toBe(
      'BAD_REQUEST',
    );
    expect((await failure((await c.b.call()).privacy.changeEmail({ email: 'nope' }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('limits code mails: every send counts, per account and per address (429 with a wait)', async () => {
    const c = await candidate();
    for (let i = 0; i < 3; i++)
      await (
        await c.b.call()
      ).privacy.changeEmail({ email: `limit-${i}-${randomUUID().slice(0, 6)}@example.org` });
    const limited = await failure(
      (await c.b.call()).privacy.changeEmail({ email: `limit-x-${randomUUID().slice(0, 6)}@example.org` }),
    );
    expect(limited.code).toBe('TOO_MANY_REQUESTS');
    // Another account cannot flood one address either.
    const target = `target-${randomUUID().slice(0, 6)}@example.org`;
    for (let i = 0; i < 3; i++) {
      const other = await candidate();
      await (await other.b.call()).privacy.changeEmail({ email: target });
    }
    const fourth = await candidate();
    expect((await failure((await fourth.b.call()).privacy.changeEmail({ email: target }))).code).toBe(
      'TOO_MANY_REQUESTS',
    );
  });
});
