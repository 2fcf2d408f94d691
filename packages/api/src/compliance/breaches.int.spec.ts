import { TRPCError } from '@trpc/server';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../mail/mailer.js';
import { Conflict } from '../errors.js';
import { noticeMessageId, sendNotices } from './breaches.js';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import { resolveSession } from '../accounts/sign-in.js';
import { createAuthServices, type AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { startSmtp } from '../testing/identity-harness.js';
import { createTestAccount, sessionContext, TEST_AUTH_SECRET, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let a: AuthServices;
let officer: string;
let officerCtx: Context;
let ada: string;
let grace: string;
let linus: string;
let windowFrom: string;
let windowTo: string;
const clock = testClock(new Date('2026-06-01T12:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx).breaches;

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const notice = {
  whatHappened: 'On 1 June a copy of our sign-up records was left readable on a test server for six hours.',
  likelyConsequences: 'Someone may have seen your name and email address. Your recordings were not exposed.',
  measuresTaken: 'We removed the copy, ended all sessions and checked that no one else downloaded it.',
  whatYouCanDo: 'Be careful with emails that ask for your password. We never ask for it by email.',
  contact: 'Write to privacy@trueinterview.example and our data protection officer will answer.',
};
const authorityReport = {
  nature: 'Unauthorised access risk: a database copy readable on a misconfigured test server.',
  subjectCategories: 'Candidates who signed up between 09:00 and 15:00 UTC on 1 June',
  approxSubjects: 2,
  recordCategories: 'Account records: name and email address',
  approxRecords: 4,
  dpoContact: 'dpo@trueinterview.example',
  likelyConsequences: 'Phishing emails to the people concerned.',
  measuresTaken: 'Copy removed, sessions revoked, affected people told.',
  measuresProposed: 'Test servers get no production data; weekly configuration review.',
};

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
  officer = await createTestAccount(a, { email: 'officer@example.org' });
  await changeStaffAccess(a, {
    type: 'GrantRole',
    actorId: admin,
    userId: officer,
    role: 'compliance_officer',
    now: clock().toISOString(),
  });
  officerCtx = await sessionContext(a, officer, { mfaPassed: true });
  // The window is in recorded (database) time: Ada and Grace sign up inside it, Linus after it.
  await sleep(5);
  windowFrom = new Date().toISOString();
  ada = await createTestAccount(a, { name: 'Ada', email: 'ada@example.org' });
  grace = await createTestAccount(a, { name: 'Grace', email: 'grace@example.org' });
  await sleep(5);
  windowTo = new Date().toISOString();
  await sleep(5);
  linus = await createTestAccount(a, { name: 'Linus', email: 'linus@example.org' });
});
afterAll(async () => {
  await smtp?.close();
  await db?.drop();
});

const register = async (awareAt = '2026-06-01T09:30:00.000Z') =>
  (
    await call(officerCtx).register({
      title: 'Test server exposed sign-up records',
      description: 'A copy of rm_accounts was readable on staging.',
      awareAt,
    })
  ).breachId;

const officerEvents = async (breachId: string) =>
  db.sql<{ type: string; actor: string }[]>`
    select type, metadata->'actor'->>'id' as actor from events where stream_id = ${`breach-${breachId}`}
     order by stream_version`;

describe('breach response', () => {
  it('is for compliance officers with a passed second factor only', async () => {
    expect(await codeOf(call({ ...officerCtx, session: null }).list())).toBe('UNAUTHORIZED');
    const candidate = await sessionContext(a, ada, { mfaPassed: true });
    expect(await codeOf(call(candidate).list())).toBe('FORBIDDEN');
    expect(await codeOf(call(await sessionContext(a, officer)).list())).toBe('FORBIDDEN');
    expect(await codeOf(call(officerCtx).list())).toBe('OK');
  });

  it('registers an incident with its 72-hour authority deadline, as an event', async () => {
    const id = await register();
    const b = await call(officerCtx).get({ breachId: id });
    expect(b.status).toBe('open');
    expect(b.deadlineAt).toBe('2026-06-04T09:30:00.000Z');
    expect((await call(officerCtx).list()).breaches.map((x) => x.breachId)).toContain(id);
    expect(await officerEvents(id)).toEqual([{ type: 'BreachRegistered', actor: officer }]);
    // Awareness in the future, malformed input, unknown incident: the caller's mistake, never a 500.
    expect(await codeOf(register('2026-06-02T00:00:00.000Z'))).toBe('CONFLICT');
    expect(
      await codeOf(call(officerCtx).register({ title: '', description: 'x', awareAt: 'yesterday' })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(call(officerCtx).get({ breachId: crypto.randomUUID() }))).toBe('NOT_FOUND');
  });

  it('suspends an account for real: its sessions end, a new one does not resolve, until lifted', async () => {
    const id = await register();
    const { token } = await a.sessions.create(ada, { mfaPassed: false });
    expect(await resolveSession(a, `tia_session=${token}`, false)).not.toBeNull();
    const r = await call(officerCtx).contain({ breachId: id, action: 'suspend_account', userId: ada });
    expect(r.sessionsEnded).toBeGreaterThanOrEqual(1);
    expect(await resolveSession(a, `tia_session=${token}`, false)).toBeNull();
    expect(await db.sql`select 1 from auth_sessions where user_id = ${ada}`).toHaveLength(0);
    const later = await a.sessions.create(ada, { mfaPassed: false });
    expect(await resolveSession(a, `tia_session=${later.token}`, false)).toBeNull();
    expect(
      await codeOf(call(officerCtx).contain({ breachId: id, action: 'suspend_account', userId: ada })),
    ).toBe('CONFLICT');
    expect((await call(officerCtx).get({ breachId: id })).suspended.map((s) => s.userId)).toEqual([ada]);

    await call(officerCtx).contain({ breachId: id, action: 'lift_suspension', userId: ada });
    const after = await a.sessions.create(ada, { mfaPassed: false });
    expect(await resolveSession(a, `tia_session=${after.token}`, false)).not.toBeNull();
    expect((await officerEvents(id)).map((e) => e.type)).toEqual([
      'BreachRegistered',
      'BreachContained',
      'BreachContained',
    ]);
    const suspension = await db.sql<
      { type: string }[]
    >`select type from events where stream_id = ${`suspension-${ada}`} order by stream_version`;
    expect(suspension.map((e) => e.type)).toEqual(['AccountSuspended', 'AccountSuspensionLifted']);
    expect(
      await codeOf(call(officerCtx).contain({ breachId: id, action: 'suspend_account', userId: 'nobody' })),
    ).toBe('NOT_FOUND');
  });

  it('revokes every session of an account', async () => {
    const id = await register();
    const s1 = await a.sessions.create(grace, { mfaPassed: false });
    await a.sessions.create(grace, { mfaPassed: false });
    const r = await call(officerCtx).contain({ breachId: id, action: 'revoke_sessions', userId: grace });
    expect(r.sessionsEnded).toBe(2);
    expect(await resolveSession(a, `tia_session=${s1.token}`, false)).toBeNull();
    expect(await db.sql`select 1 from auth_sessions where user_id = ${grace}`).toHaveLength(0);
  });

  it('computes the affected people from the event log, notifies them over SMTP, reports, remediates and closes', async () => {
    const id = await register();
    const o = call(officerCtx);
    expect(await codeOf(o.notify({ breachId: id, ...notice }))).toBe('CONFLICT'); // nothing computed yet

    const found = await o.assess({ breachId: id, windowFrom, windowTo, category: 'identity' });
    // Each account: AccountRegistered, EmailVerificationSent, EmailVerified in the window; Linus came after it.
    expect(found).toEqual({ subjects: 2, records: 6 });
    const b = await o.get({ breachId: id });
    expect(b.affected.map((x) => x.userId).sort()).toEqual([ada, grace].sort());
    expect(b.affected.map((x) => x.userId)).not.toContain(linus);
    expect(await o.assess({ breachId: id, windowFrom, windowTo, category: 'recording' })).toEqual({
      subjects: 0,
      records: 0,
    });
    await o.assess({ breachId: id, windowFrom, windowTo, category: 'identity' });

    const before = smtp.inbox.length;
    expect(await o.notify({ breachId: id, ...notice })).toEqual({
      sent: 2,
      unreachable: 0,
      alreadyNotified: 0,
      remaining: 0,
    });
    const mails = smtp.inbox.slice(before);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['ada@example.org', 'grace@example.org']);
    const toAda = mails.find((m) => m.to[0] === 'ada@example.org')!.raw.replace(/=\r?\n/g, '');
    expect(toAda).toContain('Hello Ada,');
    expect(toAda).toContain('What this may mean for you');
    expect(toAda).toContain('Be careful with emails that ask for your password');
    // Sending again writes to no one twice.
    expect(await o.notify({ breachId: id, ...notice })).toEqual({
      sent: 0,
      unreachable: 0,
      alreadyNotified: 2,
      remaining: 0,
    });
    expect(smtp.inbox.length).toBe(before + 2);
    expect((await o.get({ breachId: id })).affected.every((x) => x.notifiedAt !== null)).toBe(true);

    await o.report({ breachId: id, ...authorityReport });
    await o.remediate({ breachId: id, note: 'Staging now loads synthetic data only.' });
    await o.close({ breachId: id, summary: 'Contained within six hours; two people told; authority told.' });
    const done = await o.get({ breachId: id });
    expect(done.status).toBe('closed');
    expect(done.authorityReport).toMatchObject({
      approxSubjects: 2,
      dpoContact: 'dpo@trueinterview.example',
    });
    expect(done.steps.map((s) => s.kind)).toEqual([
      'registered',
      'assessed',
      'assessed',
      'assessed',
      'worded',
      'notice',
      'notice',
      'reported',
      'remediation',
      'closed',
    ]);
    const events = await officerEvents(id);
    expect(events.every((e) => e.actor === officer)).toBe(true);
    expect(events.filter((e) => e.type === 'BreachNoticeSent')).toHaveLength(2);
    // A closed incident takes no more steps.
    expect(await codeOf(o.remediate({ breachId: id, note: 'late' }))).toBe('CONFLICT');
  });

  it('sends notices in bounded batches that resume after a failure, one event per notice, no one told twice', async () => {
    // Five people sign up in a window of their own.
    await sleep(5);
    const from = new Date().toISOString();
    const people: string[] = [];
    for (const n of ['Barbara', 'Edsger', 'Frances', 'Niklaus', 'Radia'])
      people.push(await createTestAccount(a, { name: n, email: `${n.toLowerCase()}@example.org` }));
    await sleep(5);
    const to = new Date().toISOString();
    const id = await register();
    await call(officerCtx).assess({ breachId: id, windowFrom: from, windowTo: to, category: 'identity' });
    const before = smtp.inbox.length;
    const received = () => smtp.inbox.slice(before);

    // The real SMTP server behind a mailer that fails on its 2nd message of the next call (a crash mid-batch).
    let calls = 0;
    let failAt = 0;
    const flaky: AuthServices = {
      ...a,
      mailer: {
        send: async (m) => {
          calls++;
          if (calls === failAt) throw new Error('connection reset');
          await a.mailer.send(m);
        },
      },
    };
    const o = { a: flaky, ctx: { requestId: 'batch-test' }, officerId: officer };
    const first = await sendNotices(o, { breachId: id, ...notice }, { batchSize: 2 });
    expect(first).toEqual({ sent: 2, unreachable: 0, alreadyNotified: 0, remaining: 3 });
    expect(received()).toHaveLength(2);

    failAt = calls + 2;
    await expect(sendNotices(o, { breachId: id, ...notice }, { batchSize: 2 })).rejects.toThrow(
      /1 sent before it failed/,
    );
    expect(received()).toHaveLength(3);

    // Resumes: the two not yet told, then nothing left.
    expect(await sendNotices(o, { breachId: id, ...notice }, { batchSize: 2 })).toEqual({
      sent: 2,
      unreachable: 0,
      alreadyNotified: 3,
      remaining: 0,
    });
    expect(await sendNotices(o, { breachId: id, ...notice }, { batchSize: 2 })).toEqual({
      sent: 0,
      unreachable: 0,
      alreadyNotified: 5,
      remaining: 0,
    });
    const mails = received();
    expect(mails.map((m) => m.to[0]).sort()).toEqual(
      ['barbara', 'edsger', 'frances', 'niklaus', 'radia'].map((n) => `${n}@example.org`),
    );
    // Each message carries the fixed Message-ID of (incident, person).
    const names = ['barbara', 'edsger', 'frances', 'niklaus', 'radia'];
    for (const [i, userId] of people.entries()) {
      const mail = mails.find((m) => m.to[0] === `${names[i]}@example.org`)!;
      expect(mail.raw.replace(/\r?\n[ \t]+/g, ' ')).toContain(`Message-ID: ${noticeMessageId(id, userId)}`);
    }
    const sentEvents = await db.sql<{ user_id: string }[]>`
      select data->>'userId' as user_id from events
       where stream_id = ${`breach-${id}`} and type = 'BreachNoticeSent'`;
    expect(sentEvents.map((e) => e.user_id).sort()).toEqual([...people].sort());
  });

  it('lets one batch of notices per incident run at a time', async () => {
    await sleep(5);
    const from = new Date().toISOString();
    const people: string[] = [];
    for (const n of ['Alan', 'Kathleen', 'Tony'])
      people.push(await createTestAccount(a, { name: n, email: `${n.toLowerCase()}@example.org` }));
    await sleep(5);
    const to = new Date().toISOString();
    const id = await register();
    await call(officerCtx).assess({ breachId: id, windowFrom: from, windowTo: to, category: 'identity' });
    const before = smtp.inbox.length;
    const slow: AuthServices = {
      ...a,
      mailer: {
        send: async (m) => {
          await sleep(150);
          await a.mailer.send(m);
        },
      },
    };
    const o = { a: slow, ctx: { requestId: 'batch-race' }, officerId: officer };
    const [x, y] = await Promise.allSettled([
      sendNotices(o, { breachId: id, ...notice }),
      sleep(50).then(() => sendNotices(o, { breachId: id, ...notice })),
    ]);
    expect(x.status).toBe('fulfilled');
    expect(y.status).toBe('rejected');
    expect((y as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    expect(
      smtp.inbox
        .slice(before)
        .map((m) => m.to[0])
        .sort(),
    ).toEqual(['alan', 'kathleen', 'tony'].map((n) => `${n}@example.org`));
    // The lock is released: a later call runs (nothing left to send).
    expect((await sendNotices(o, { breachId: id, ...notice })).alreadyNotified).toBe(3);
  });

  it('asks why when the report comes after 72 hours, and why when closing without a report', async () => {
    const id = await register('2026-05-28T09:00:00.000Z'); // more than 72 h before the clock
    const o = call(officerCtx);
    expect(await codeOf(o.report({ breachId: id, ...authorityReport }))).toBe('CONFLICT');
    await o.report({
      breachId: id,
      ...authorityReport,
      delayReason: 'The scope took four days to establish.',
    });
    const other = await register();
    expect(await codeOf(o.close({ breachId: other, summary: 'False alarm.' }))).toBe('CONFLICT');
    await o.close({
      breachId: other,
      summary: 'False alarm.',
      notReportedReason: 'The file was encrypted and the key was not exposed.',
    });
    expect((await o.get({ breachId: other })).notReportedReason).toContain('encrypted');
  });
});
