/**
 * The retention job's use case (P18) against real PostgreSQL and a real SMTP server, with the clock passed in:
 * an expired practice session is deleted (with its answers) and recorded, a recent one kept; an inactive
 * account is warned by email, then — only after the warning period — erased with reason `retention` through
 * the person's own erasure (key destroyed, read models purged, last email, dev mailbox cleaned, nothing of
 * them in a dump of the database); activity after the warning cancels it; staff are never expired; a second
 * run at the same time does nothing; nothing happens to accounts while the activity projection lags.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { accountActivityBehind, accountActivityProjection, rebuildProjection, silentLogger } from '@tia/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAccountById } from '../accounts/common.js';
import { givenAnsweredSession } from '../testing/answered-session.js';
import { createHarness, waitForMails, type Harness } from '../testing/identity-harness.js';
import { createTestAccount } from '../testing/identity.js';
import { runRetention } from './retention.js';

const run = promisify(execFile);
const tag = randomUUID().slice(0, 8);
const who = (name: string) => ({
  name: `${name} Thistlewood`,
  email: `${name.toLowerCase()}-${tag}@example.org`,
});
const ALICE = who('Alice');
const BOB = who('Bobbington');
const CAROL = who('Carol');
const DAVE = who('Dave');
const EVE = who('Evangeline');

let h: Harness;
let mailbox: string;
const ids: Record<string, string> = {};
let oldSession: { sessionId: string; recordingIds: string[] };
let newSession: { sessionId: string; recordingIds: string[] };

const at = (iso: string) => void (h.clock.now = new Date(iso));
const signIn = (userId: string, when: string) =>
  h.auth.store.append(`user-${userId}`, 'any', [
    {
      eventId: randomUUID(),
      type: 'SignedIn',
      data: {
        userId,
        method: 'password',
        ipPrefix: '203.0.113.0/24',
        uaFamily: 'Firefox on Linux',
        signedInAt: when,
      },
      metadata: { occurredAt: when },
    },
  ]);

/** One run of the job as the worker does it (the asynchronous activity projection caught up first). */
const runJob = async () => {
  // `inline`: everything committed (the live runner reads below the cluster's oldest open transaction, which
  // other tests on the same server may hold back).
  await rebuildProjection(accountActivityProjection, {
    sql: h.db.sql,
    store: h.auth.store,
    log: silentLogger,
    inline: true,
  });
  const { runId: _, ...counts } = await runRetention(h.auth, { log: silentLogger, batch: 50 });
  return counts;
};
const nothing = { sessionsExpired: 0, accountsWarned: 0, accountsErased: 0, deferred: 0, requestsExpired: 0 };

/** A mail's text with quoted-printable soft breaks and folded headers undone. */
const plain = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ');
const readMailbox = async () => {
  const names = await readdir(mailbox).catch(() => [] as string[]);
  return (await Promise.all(names.map((n) => readFile(path.join(mailbox, n), 'utf8')))).join('\n');
};
const rowsOf = async (userId: string) => ({
  sessions: (
    await h.db.sql`select session_id from rm_practice_sessions where user_id = ${userId} order by started_at`
  ).map((r) => r.session_id as string),
  answers: (await h.db.sql`select 1 from rm_recordings where user_id = ${userId}`).length,
});

beforeAll(async () => {
  mailbox = path.join(await mkdtemp(path.join(tmpdir(), 'tia-retention-mailbox-')), 'mailbox');
  h = await createHarness({ mailboxDir: mailbox });
  // 2026-11-30: five accounts; Alice answers one session. Carol is staff.
  at('2026-11-30T10:00:00.000Z');
  for (const [k, p] of Object.entries({ ALICE, BOB, CAROL, DAVE, EVE }))
    ids[k] = await createTestAccount(h.auth, p);
  await h.db.sql`insert into rm_role_grants (user_id, role, granted_by, granted_at)
                 values (${ids.CAROL!}, 'analyst', 'test', ${h.clock.now})`;
  oldSession = await givenAnsweredSession(h.auth, ids.ALICE!, [
    'when i led the lighthouse migration we cut costs',
  ]);
  // 2028-10-30: Alice practises again, Dave signs in; Bob, Carol and Eve do nothing.
  at('2028-10-30T10:00:00.000Z');
  newSession = await givenAnsweredSession(h.auth, ids.ALICE!, ['the budget spreadsheet answer']);
  await signIn(ids.DAVE!, h.clock.now.toISOString());
}, 120_000);

afterAll(async () => {
  await h?.close();
  if (mailbox) await rm(path.dirname(mailbox), { recursive: true, force: true });
});

describe('retention job (P18)', () => {
  it('warns accounts inactive for 24 months minus 30 days, by email, once; staff and active accounts are left alone', async () => {
    at('2028-11-04T10:00:00.000Z');
    expect(await runJob()).toEqual({ ...nothing, accountsWarned: 2 });
    for (const p of [BOB, EVE]) {
      const [mail] = await waitForMails(h, p.email, 1);
      const text = plain(mail!.raw);
      expect(text).toContain('will be erased unless you sign in');
      // Due 24 months after the last activity (2028-11-30), but never sooner than 30 days after the warning.
      expect(text).toContain('Unless you sign in before 2028-12-04');
      expect(text).toContain(p.name);
    }
    for (const p of [ALICE, CAROL, DAVE]) expect(h.mailsTo(p.email)).toEqual([]);
    const [warned] = await h.auth.store.readStream(`retention-account-${ids.BOB!}`);
    expect(warned).toMatchObject({
      type: 'InactivityWarningSent',
      data: {
        userId: ids.BOB,
        lastActiveAt: '2026-11-30T10:00:00.000Z',
        eraseAfter: '2028-12-04T10:00:00.000Z',
      },
      metadata: { actor: { kind: 'system', id: 'retention' } },
    });
    expect(JSON.stringify(warned)).not.toContain(BOB.email);
    // Nothing expired yet: the old session is not 24 months old.
    expect((await rowsOf(ids.ALICE!)).sessions).toEqual([oldSession.sessionId, newSession.sessionId]);

    // A second run at the same time does nothing: no mail, no event.
    expect(await runJob()).toEqual(nothing);
    expect(h.mailsTo(BOB.email)).toHaveLength(1);
    expect(await h.auth.store.readStream(`retention-account-${ids.BOB!}`)).toHaveLength(1);
    expect(await h.auth.store.readStream('retention-runs')).toHaveLength(1);
  });

  it('deletes a practice session 24 months after it started, with its answers, and records it; the recent one stays', async () => {
    // Eve signs in after her warning: that cancels it.
    await signIn(ids.EVE!, '2028-11-10T09:00:00.000Z');
    at('2028-12-01T10:00:00.000Z');
    expect(await runJob()).toEqual({ ...nothing, sessionsExpired: 1 });
    expect(await rowsOf(ids.ALICE!)).toEqual({ sessions: [newSession.sessionId], answers: 1 });
    // Through the candidate's own deletion: PracticeSessionDeleted, by the retention job.
    const deleted = (await h.auth.store.readStream(`practice-${oldSession.sessionId}`)).at(-1);
    expect(deleted).toMatchObject({
      type: 'PracticeSessionDeleted',
      data: { sessionId: oldSession.sessionId, recordingIds: oldSession.recordingIds },
      metadata: { actor: { kind: 'system', id: 'retention' } },
    });
    const log = await h.auth.store.readStream('retention-log');
    expect(log.map((e) => e.data)).toEqual([
      {
        runId: expect.any(String) as unknown,
        category: 'practice_session',
        itemId: oldSession.sessionId,
        limitMonths: 24,
        since: '2026-11-30T10:00:00.000Z',
        expiredAt: '2028-12-01T10:00:00.000Z',
      },
    ]);
    // Bob is past 24 months but his warning is not 30 days old: not yet.
    expect(await findAccountById(h.auth, ids.BOB!)).not.toBeNull();
    // Again at the same time: nothing.
    expect(await runJob()).toEqual(nothing);
    expect(await h.auth.store.readStream('retention-log')).toHaveLength(1);
  });

  it('erases a warned, still inactive account after the warning period as its own erasure would: key, rows, mail, mailbox', async () => {
    expect(await readMailbox()).toContain(BOB.email); // the warning is in the dev mailbox
    at('2028-12-05T10:00:00.000Z');
    expect(await runJob()).toEqual({ ...nothing, accountsErased: 1 });
    const bob = ids.BOB!;
    expect(await h.auth.keys.isErased(h.db.sql, bob)).toBe(true);
    expect(await findAccountById(h.auth, bob)).toBeNull();
    expect(await h.db.sql`select 1 from rm_retention_warnings where user_id = ${bob}`).toHaveLength(0);
    const [erased] = await h.auth.store.readStream(`privacy-${bob}`);
    expect(erased).toMatchObject({
      type: 'SubjectErased',
      data: { subjectId: bob, reason: 'retention' },
      metadata: { actor: { kind: 'system', id: 'retention' } },
    });
    const last = await waitForMails(h, BOB.email, 2);
    expect(plain(last[1]!.raw)).toContain('after 24 months without activity');
    // The dev mailbox forgot him; a dump of the whole database holds neither his name nor his address.
    expect(await readMailbox()).not.toContain(BOB.email);
    const dump = (
      await run('pg_dump', ['--data-only', '--no-owner', '--dbname', h.db.url], { maxBuffer: 1 << 28 })
    ).stdout;
    expect(dump).toContain(bob);
    for (const needle of [BOB.email, 'Bobbington', Buffer.from('Bobbington').toString('hex')])
      expect(dump.toLowerCase()).not.toContain(needle.toLowerCase());
    expect((await h.auth.store.readStream('retention-log')).at(-1)!.data).toMatchObject({
      category: 'inactive_account',
      itemId: bob,
      since: '2026-11-30T10:00:00.000Z',
    });
    // Eve came back after her warning, Carol is staff, Dave and Alice are active: all kept.
    for (const k of ['EVE', 'CAROL', 'DAVE', 'ALICE'])
      expect(await findAccountById(h.auth, ids[k]!)).not.toBeNull();
    // The console's projection of the runs: the three that did something, newest first.
    const runs = await h.db.sql<
      { accounts_warned: number; sessions_expired: number; accounts_erased: number }[]
    >`select accounts_warned, sessions_expired, accounts_erased from rm_retention_runs
                                order by finished_at desc`;
    expect(runs.map((r) => [r.accounts_warned, r.sessions_expired, r.accounts_erased])).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [2, 0, 0],
    ]);
    // And a second run does nothing (the asynchronous activity projection forgot him meanwhile).
    expect(await runJob()).toEqual(nothing);
    expect(await h.db.sql`select 1 from rm_account_activity where user_id = ${bob}`).toHaveLength(0);
    expect(h.mailsTo(BOB.email)).toHaveLength(2);
  });

  it('judges no account while the activity projection has not applied an activity event older than the limit', async () => {
    await h.db.sql`
      insert into consumer_checkpoints (consumer, transaction_id, global_position)
      select 'projection:account_activity', transaction_id, global_position from events
       order by transaction_id desc, global_position desc limit 1
      on conflict (consumer) do update set transaction_id = excluded.transaction_id,
        global_position = excluded.global_position`;
    expect(await accountActivityBehind(h.db.sql, 0)).toBe(false);
    await signIn(ids.DAVE!, h.clock.now.toISOString());
    await new Promise((r) => setTimeout(r, 20));
    expect(await accountActivityBehind(h.db.sql, 0)).toBe(true);
    expect(await accountActivityBehind(h.db.sql, 5)).toBe(false);
  });
});
