/**
 * Policy revisions (P35) and the policy-change email (P07) against real PostgreSQL and a real SMTP server:
 * who may publish, the signed-in notice and its acknowledgement, cookie choices naming the revision in force,
 * and the worker's emails — once per active person and revision, after a refused mail and after a crash, never to
 * an erased person or to someone who joined after the change.
 */
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { eraseSubject, type EventStore } from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer, type Mailer } from '../mail/mailer.js';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import { createAuthServices, type AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, TEST_AUTH_SECRET, testClock } from '../testing/identity.js';
import { startSmtp } from '../testing/identity-harness.js';
import { createCallerFactory } from '../trpc.js';
import { mailPolicyNotices, type NoticeMailingDeps } from './notice-mailing.js';

let db: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let a: AuthServices;
let officerCtx: Context;
let officerNoTotpCtx: Context;
let adaCtx: Context;
let newcomerCtx: Context;
const ids: Record<string, string> = {};
const clock = testClock(new Date('2027-01-10T09:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

const revision = (over: Record<string, unknown> = {}) => ({
  revisionId: '2027-01-10',
  summary: 'We now name our email provider and keep security logs 60 days instead of 90.',
  significant: false,
  effectiveOn: '2027-01-10',
  text: 'Privacy notice, revision of 10 January 2027. (Full text.)',
  ...over,
});

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = await startSmtp();
  a = createAuthServices({
    sql: db.sql,
    masterKey: TEST_MASTER_KEY,
    authSecret: TEST_AUTH_SECRET,
    mailer: smtpMailer(smtp.url, 'TrueInterviewAI <no-reply@test.local>'),
    secureCookies: false,
    clock,
  });
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  const officer = await createTestAccount(a, { email: 'officer@example.org' });
  await changeStaffAccess(a, {
    type: 'GrantRole',
    actorId: admin,
    userId: officer,
    role: 'compliance_officer',
    now: clock().toISOString(),
  });
  officerCtx = await sessionContext(a, officer, { mfaPassed: true });
  officerNoTotpCtx = await sessionContext(a, officer, { mfaPassed: false });
  for (const name of ['ada', 'grace', 'hopper', 'linus', 'margaret'])
    ids[name] = await createTestAccount(a, { name, email: `${name}@example.org` });
  adaCtx = await sessionContext(a, ids.ada!);
  clock.advance(3600_000);
});
afterAll(async () => {
  await smtp?.close();
  await db?.drop();
});

describe('publishing a revision (P35)', () => {
  it('is refused to candidates, to officers without their second factor, and to nobody signed in', async () => {
    expect(await codeOf(call(adaCtx).policy.publish(revision()))).toBe('FORBIDDEN');
    expect(await codeOf(call(adaCtx).policy.overview())).toBe('FORBIDDEN');
    expect(await codeOf(call(officerNoTotpCtx).policy.publish(revision()))).toBe('FORBIDDEN');
    expect(await codeOf(call({ ...adaCtx, session: null }).policy.publish(revision()))).toBe('UNAUTHORIZED');
    expect(await codeOf(call({ ...adaCtx, session: null }).policy.status())).toBe('UNAUTHORIZED');
    expect(await call(adaCtx).policy.revisions()).toHaveLength(1); // nothing published: the baseline only
  });

  it('refuses a back-dated revision and bad input with 400, a label used before with 409', async () => {
    const o = call(officerCtx).policy;
    expect(await codeOf(o.publish(revision({ effectiveOn: '2027-01-09' })))).toBe('BAD_REQUEST');
    expect(await codeOf(o.publish(revision({ revisionId: 'no spaces allowed' })))).toBe('BAD_REQUEST');
    expect(await codeOf(o.publish(revision({ text: 'x'.repeat(60_001) })))).toBe('BAD_REQUEST');
    expect(await codeOf(o.publish(revision({ revisionId: '2026-11-30' })))).toBe('CONFLICT');
  });

  it('publishes a minor revision: in force, readable with its text, no acknowledgement asked, cookies name it', async () => {
    expect(await call(officerCtx).policy.publish(revision())).toEqual({ revision: 2 });
    const pub = call({ ...adaCtx, session: null }).policy;
    const { current } = await pub.current();
    expect(current).toMatchObject({ revision: 2, revisionId: '2027-01-10', effectiveOn: '2027-01-10' });
    expect((await pub.revision({ revision: 2 })).text).toContain('revision of 10 January 2027');
    expect((await pub.revision({ revision: 1 })).revisionId).toBe('2026-11-30');
    expect(await codeOf(pub.revision({ revision: 9 }))).toBe('NOT_FOUND');
    expect(await call(adaCtx).policy.status()).toMatchObject({ current: { revision: 2 }, acknowledge: null });
    const cookie = await call({ ...adaCtx, session: null }).privacy.recordCookieConsent({
      performance: false,
      functional: true,
      targeting: false,
    });
    expect(cookie.policyVersion).toBe('2027-01-10');
  });
});

describe('consents name the revision in force (P24, P35)', () => {
  it('sign-up naming an older revision is told to reload; consents given now name the new one', async () => {
    const anon = call({ ...adaCtx, session: null }).auth;
    const input = {
      name: 'Nia Newcomer',
      email: 'nia@example.org',
      password: 'a long enough password 2027',
      dateOfBirth: '1990-01-01',
      consents: { recordingFeedback: true, productImprovement: true, marketingEmail: false },
    };
    // Revision 2 ('2027-01-10') is in force since the test above: a page still showing the baseline is refused.
    const stale = await anon.signUp({ ...input, policyVersion: '2026-11-30' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TRPCError);
    expect((stale as TRPCError).code).toBe('BAD_REQUEST');
    expect((stale as TRPCError).message).toMatch(/updated while you were signing up/);
    await anon.signUp({ ...input, policyVersion: '2027-01-10' });
    const versions = await db.sql<{ policy_version: string }[]>`
      select distinct c.policy_version from rm_consents c
      join rm_consents x on x.subject_id = c.subject_id
      where c.status = 'given' and c.subject_id not in (${Object.values(ids)})`;
    expect(versions.map((r) => r.policy_version)).toEqual(['2027-01-10']);
    // A consent given later from the privacy center names the revision in force too.
    const after = await call(adaCtx).privacy.setConsent({ purpose: 'product_improvement', given: true });
    expect(after.find((c) => c.purpose === 'product_improvement')).toMatchObject({
      status: 'given',
      policyVersion: '2027-01-10',
    });
    smtp.inbox.splice(0); // Nia's sign-up code: the mailing test below counts only notices
  });
});

describe('a significant revision (P35)', () => {
  it('asks people who joined before it to acknowledge; acknowledging records PolicyRevisionAccepted once', async () => {
    clock.advance(3600_000);
    expect(
      await call(officerCtx).policy.publish(
        revision({
          revisionId: '2027-02-01',
          significant: true,
          effectiveOn: '2027-02-01',
          summary: 'Transcripts are now kept 12 months unless you delete them.',
          text: 'Privacy notice, revision of 1 February 2027.',
        }),
      ),
    ).toEqual({ revision: 3 });
    clock.advance(60_000);
    ids.newcomer = await createTestAccount(a, { name: 'newcomer', email: 'newcomer@example.org' });
    newcomerCtx = await sessionContext(a, ids.newcomer);

    const status = await call(adaCtx).policy.status();
    // Revision 3 takes effect later: revision 2 stays in force until then, but the change is announced now.
    expect(status.current.revision).toBe(2);
    expect(status.acknowledge?.revision).toBe(3);
    expect(status.acknowledge?.summary).toContain('12 months');
    expect((await call(newcomerCtx).policy.status()).acknowledge).toBeNull();

    expect(await call(adaCtx).policy.accept({ revision: 3 })).toEqual({ accepted: true, recorded: true });
    expect(await call(adaCtx).policy.accept({ revision: 3 })).toEqual({ accepted: true, recorded: false });
    expect(await codeOf(call(adaCtx).policy.accept({ revision: 7 }))).toBe('NOT_FOUND');
    expect((await call(adaCtx).policy.status()).acknowledge).toBeNull();
    const events = await a.store.readStream(`policy-acceptance-${ids.ada}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      [
        'PolicyRevisionAccepted',
        { userId: ids.ada, revision: 3, revisionId: '2027-02-01', acceptedAt: clock().toISOString() },
      ],
    ]);
  });
});

describe('emails about a significant revision (P07)', () => {
  const deps = (over: Partial<NoticeMailingDeps> = {}): NoticeMailingDeps => ({
    sql: a.sql,
    store: a.store,
    keys: a.keys,
    inline: a.inline,
    mailer: a.mailer,
    clock,
    newId: randomUUID,
    origin: 'https://trueinterview.example',
    ...over,
  });
  /** Runs batches until nothing is left to claim (errors of a run are tolerated and counted). */
  const drain = async (d: NoticeMailingDeps, batch: number) => {
    let failures = 0;
    for (let i = 0; i < 50; i++) {
      try {
        if ((await mailPolicyNotices(d, batch)).claimed === 0) return failures;
      } catch {
        failures++;
      }
    }
    throw new Error('the mailing never finished');
  };

  it('reach every active person exactly once: not after a refused mail or a crash, never the erased', async () => {
    await eraseSubject(
      { store: a.store, keys: a.keys, inline: a.inline },
      { subjectId: ids.linus!, reason: 'user_request', eventId: randomUUID(), now: clock().toISOString() },
    );
    // The mail server refuses the second message of the first run; its claim (and the rest) are released.
    let sends = 0;
    const flaky: Mailer = {
      send: async (m) => {
        if (++sends === 2) throw new Error('451 try again later');
        await a.mailer.send(m);
      },
    };
    await expect(mailPolicyNotices(deps({ mailer: flaky }), 2)).rejects.toThrow(/refused/);
    expect(smtp.inbox).toHaveLength(1);
    // A crash after the server accepted the next mail, before its event was written (the append fails once).
    let appends = 0;
    const crashing = new Proxy(a.store, {
      get: (t, p, r) =>
        p === 'append'
          ? (...args: Parameters<EventStore['append']>) => {
              if (++appends === 1) return Promise.reject(new Error('worker killed'));
              return t.append(...args);
            }
          : (Reflect.get(t, p, r) as unknown),
    });
    await expect(mailPolicyNotices(deps({ store: crashing }), 1)).rejects.toThrow('worker killed');
    expect(smtp.inbox).toHaveLength(2);
    // Retries and a second worker running at the same time: nothing is sent twice.
    const [f1, f2] = await Promise.all([drain(deps(), 1), drain(deps(), 2)]);
    expect(f1 + f2).toBe(0);
    expect(await mailPolicyNotices(deps(), 10)).toMatchObject({ claimed: 0, sent: 0 });

    const recipients = smtp.inbox.flatMap((m) => m.to).sort();
    // Ada already acknowledged in the app; Linus was erased; the newcomer joined after the change.
    expect(recipients).toEqual(
      ['admin', 'grace', 'hopper', 'margaret', 'officer'].map((n) => `${n}@example.org`),
    );
    const mail = smtp.inbox[0]!.raw;
    expect(mail).toMatch(/Subject: We changed our privacy notice/);
    expect(mail).toContain('12 months');
    expect(mail).toContain('https://trueinterview.example/privacy/revisions/3');

    // Each confirmed email is an event; the one whose event was lost in the crash is shown as unconfirmed.
    const [row] = await a.sql<{ n: number }[]>`
      select count(*)::int as n from events where type = 'PolicyChangeNoticeSent'`;
    expect(row?.n).toBe(4);
    const overview = await call(officerCtx).policy.overview();
    expect(overview.revisions.find((r) => r.revision === 3)).toMatchObject({ emailed: 4, unconfirmed: 1 });
  });
});
