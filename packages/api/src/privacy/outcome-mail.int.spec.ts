/**
 * Emails about the outcome of a right (P07), against real PostgreSQL and a real SMTP server: the export-ready
 * email says the copy is waiting in the privacy center (no link to the file, no id, no name, nothing of the
 * data); a complaint answered by compliance (handled or refused) is emailed; each email goes out once, however
 * often the event is handled, and is recorded as `PrivacyOutcomeEmailSent`; nothing for a request the system
 * closed itself, for a stale outcome, or for an erased person; a mail server refusing the email releases its
 * claim so it is tried again.
 */
import { randomUUID } from 'node:crypto';
import { buildExportArchive, eraseSubject, storeExportArchive, type RecordedEvent } from '@tia/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../mail/mailer.js';
import { appRouter } from '../root.js';
import { createCallerFactory } from '../trpc.js';
import type { Context } from '../context.js';
import { givenAnsweredSession } from '../testing/answered-session.js';
import { createHarness, waitForMails, type Harness } from '../testing/identity-harness.js';
import { createTestAccount, sessionContext } from '../testing/identity.js';
import { handleRequest } from './requests.js';
import type { OUTCOME_MAIL_TRIGGERS } from './outcome-mail.js';
import {
  recordOutcomeMail,
  sendOutcomeMail,
  type OutcomeMailDeps,
  type OutcomeMailTrigger,
} from './outcome-mail.js';

let h: Harness;
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);
const ORIGIN = 'https://trueinterview.test';
const TRANSCRIPT = 'the lighthouse keeper rewrote the ferry timetable with quince spreadsheets';

const deps = (over: Partial<OutcomeMailDeps> = {}): OutcomeMailDeps => ({
  sql: h.db.sql,
  store: h.auth.store,
  keys: h.auth.keys,
  inline: h.auth.inline,
  mailer: smtpMailer(h.smtp.url, 'TrueInterviewAI <no-reply@test.local>'),
  clock: () => h.clock.now,
  newId: randomUUID,
  origin: ORIGIN,
  ...over,
});

/** What the worker's handler does with one event: prepare (send), then handle (record) in a transaction. */
const handleEvent = async (
  e: OutcomeMailTrigger,
  d = deps(),
  opts: Parameters<typeof sendOutcomeMail>[2] = {},
) => {
  const sent = await sendOutcomeMail(d, e, opts);
  if (sent) await h.db.sql.begin((tx) => recordOutcomeMail(d, tx, sent, e.eventId));
  return sent;
};

const lastOf = async (stream: string, type: (typeof OUTCOME_MAIL_TRIGGERS)[number]) => {
  const e = (await h.auth.store.readStream(stream)).filter((x) => x.type === type).at(-1);
  expect(e).toBeDefined();
  return e as unknown as OutcomeMailTrigger;
};

/** A mail's text with quoted-printable soft breaks and folded headers undone. */
const plain = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=3D/g, '=')
    .replace(/\r?\n[ \t]+/g, ' ');
const bodyOf = (raw: string) => plain(raw.slice(raw.search(/\r?\n\r?\n/)));

beforeAll(async () => {
  h = await createHarness();
  h.clock.now = new Date('2026-12-07T10:00:00.000Z');
}, 60_000);
afterAll(async () => h?.close());

describe('outcome emails (P07)', () => {
  it('export ready: says so and points to the privacy center, with no link to the file and nothing personal; once', async () => {
    const me = await createTestAccount(h.auth, { name: 'Quentin Quincebury', email: 'quentin@example.org' });
    await givenAnsweredSession(h.auth, me, [TRANSCRIPT]);
    const ctx = await sessionContext(h.auth, me);
    const { exportId } = await call(ctx).privacy.requestExport();
    const d = { sql: h.db.sql, store: h.auth.store, keys: h.auth.keys, inline: h.auth.inline };
    const archive = await buildExportArchive(d, exportId, h.clock.now);
    await h.db.sql.begin((tx) => storeExportArchive(d, tx, exportId, archive!, h.clock.now));
    const prepared = await lastOf(`export-${exportId}`, 'DataExportPrepared');

    expect(await handleEvent(prepared)).toEqual({ subjectId: me, topic: 'export_ready', refId: exportId });
    const [mail] = await waitForMails(h, 'quentin@example.org', 1);
    const body = bodyOf(mail!.raw);
    expect(plain(mail!.raw)).toContain('Subject: Your copy of your data is ready');
    expect(body).toContain(`${ORIGIN}/account/privacy`);
    expect(body).toContain('until 2026-12-08 10:00 UTC');
    for (const never of [exportId, '/api/exports', 'Quentin', 'Quincebury', 'quince spreadsheets', me])
      expect(body).not.toContain(never);
    const [recorded] = await h.auth.store.readStream(`outcome-mail-export_ready-${exportId}`);
    expect(recorded).toMatchObject({
      type: 'PrivacyOutcomeEmailSent',
      data: { subjectId: me, topic: 'export_ready', refId: exportId, sentAt: '2026-12-07T10:00:00.000Z' },
      metadata: { actor: { kind: 'system', id: 'privacy-outcome-mail' }, causationId: prepared.eventId },
    });

    // Handled again (redelivery, a second worker): no second email, no second event.
    expect(await handleEvent(prepared)).toEqual({ subjectId: me, topic: 'export_ready', refId: exportId });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.mailsTo('quentin@example.org')).toHaveLength(1);
    expect(await h.auth.store.readStream(`outcome-mail-export_ready-${exportId}`)).toHaveLength(1);
    // The request the worker closed itself is no news of its own (the ready email said it all).
    const closed = await lastOf(
      (await h.db.sql`select request_id from privacy_exports where export_id = ${exportId}`).map(
        (r) => `privacy-request-${r.request_id as string}`,
      )[0]!,
      'PrivacyRequestCompleted',
    );
    expect(await handleEvent(closed)).toBeNull();
  });

  it('an export no longer downloadable (expired) is not announced', async () => {
    const me = await createTestAccount(h.auth, { email: 'late@example.org' });
    const ctx = await sessionContext(h.auth, me);
    const { exportId } = await call(ctx).privacy.requestExport();
    const d = { sql: h.db.sql, store: h.auth.store, keys: h.auth.keys, inline: h.auth.inline };
    const archive = await buildExportArchive(d, exportId, h.clock.now);
    await h.db.sql.begin((tx) => storeExportArchive(d, tx, exportId, archive!, h.clock.now));
    const prepared = await lastOf(`export-${exportId}`, 'DataExportPrepared');
    const later = new Date(h.clock.now.getTime() + 25 * 3600_000);
    expect(await handleEvent(prepared, deps({ clock: () => later }))).toBeNull();
    expect(h.mailsTo('late@example.org')).toEqual([]);
  });

  it('a complaint handled or refused by compliance is emailed once; nothing stale, nothing for the erased', async () => {
    const officer = await createTestAccount(h.auth, { name: 'Olga Officer' });
    const people = await Promise.all(
      ['handled', 'refused', 'stale', 'erased'].map(async (k) => {
        const userId = await createTestAccount(h.auth, { email: `${k}-complainer@example.org` });
        const ctx = await sessionContext(h.auth, userId);
        const { requestId } = await call(ctx).privacy.complain({
          text: `Please look into how my ${k} data was handled, thank you.`,
        });
        return { k, userId, requestId, email: `${k}-complainer@example.org` };
      }),
    );
    const [handled, refused, stale, erased] = people as [
      (typeof people)[0],
      (typeof people)[0],
      (typeof people)[0],
      (typeof people)[0],
    ];
    const decide = (requestId: string, outcome: 'completed' | 'refused') =>
      handleRequest(
        h.auth,
        { userId: officer, requestId: `req-${randomUUID()}` },
        {
          requestId,
          outcome,
          ...(outcome === 'refused' ? { reason: 'manifestly_unfounded' as const } : {}),
        },
      );
    await decide(handled.requestId, 'completed');
    await decide(refused.requestId, 'refused');
    await decide(stale.requestId, 'completed');
    await decide(erased.requestId, 'completed');
    const closing = async (p: { requestId: string }) => {
      const e = (await h.auth.store.readStream(`privacy-request-${p.requestId}`)).at(-1)!;
      return e as unknown as RecordedEvent & OutcomeMailTrigger;
    };

    expect(await handleEvent(await closing(handled))).toMatchObject({ topic: 'complaint_answered' });
    expect(bodyOf((await waitForMails(h, handled.email, 1))[0]!.raw)).toContain(
      'Our compliance team has handled the complaint you made on 2026-12-07.',
    );
    expect(await handleEvent(await closing(refused))).toMatchObject({ topic: 'complaint_answered' });
    const refusedBody = bodyOf((await waitForMails(h, refused.email, 1))[0]!.raw);
    expect(refusedBody).toContain('closed it without further action');
    expect(refusedBody).toContain('supervisory authority');
    expect(refusedBody).not.toContain('Please look into');
    // Again: nothing more (the email was sent: reported, not sent again).
    const again = h.mailsTo(handled.email).length;
    expect(await handleEvent(await closing(handled))).toMatchObject({ topic: 'complaint_answered' });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.mailsTo(handled.email)).toHaveLength(again);

    // Replayed 15 days later (a handler deployed on an old log): not sent.
    const in15days = new Date(h.clock.now.getTime() + 15 * 86_400_000);
    expect(await handleEvent(await closing(stale), deps({ clock: () => in15days }))).toBeNull();
    // Erased meanwhile: nobody to write to.
    await eraseSubject(
      { store: h.auth.store, keys: h.auth.keys, inline: h.auth.inline },
      {
        subjectId: erased.userId,
        reason: 'user_request',
        eventId: randomUUID(),
        now: h.clock.now.toISOString(),
      },
    );
    expect(await handleEvent(await closing(erased))).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(h.mailsTo(stale.email)).toEqual([]);
    expect(h.mailsTo(erased.email)).toEqual([]);
    expect(h.mailsTo(handled.email)).toHaveLength(1);
  });

  it('a mail server refusing the email releases its claim: the next attempt sends it', async () => {
    const me = await createTestAccount(h.auth, { email: 'retry@example.org' });
    const officer = await createTestAccount(h.auth);
    const ctx = await sessionContext(h.auth, me);
    const { requestId } = await call(ctx).privacy.complain({ text: 'The retry complaint, long enough.' });
    await handleRequest(h.auth, { userId: officer, requestId: 'req-x' }, { requestId, outcome: 'completed' });
    const e = (await h.auth.store.readStream(`privacy-request-${requestId}`)).at(
      -1,
    ) as unknown as OutcomeMailTrigger;
    // A real SMTP client against a port nobody listens on.
    const down = deps({ mailer: smtpMailer('smtp://127.0.0.1:9', 'TrueInterviewAI <no-reply@test.local>') });
    await expect(handleEvent(e, down)).rejects.toThrow(/refused an outcome email/);
    expect(
      await h.db.sql`select 1 from outcome_mail_claims where mail_key = ${`complaint_answered:${requestId}`}`,
    ).toHaveLength(0);
    expect(await handleEvent(e)).toMatchObject({ refId: requestId });
    expect(await waitForMails(h, 'retry@example.org', 1)).toHaveLength(1);
  });

  it('a worker that died between claiming and sending does not lose the email; a sent one is only recorded', async () => {
    const answered = async (email: string) => {
      const me = await createTestAccount(h.auth, { email });
      const officer = await createTestAccount(h.auth);
      const { requestId } = await call(await sessionContext(h.auth, me)).privacy.complain({
        text: 'A complaint about a crash, long enough.',
      });
      await handleRequest(
        h.auth,
        { userId: officer, requestId: 'req-c' },
        { requestId, outcome: 'completed' },
      );
      const e = (await h.auth.store.readStream(`privacy-request-${requestId}`)).at(
        -1,
      ) as unknown as OutcomeMailTrigger;
      return { requestId, e, key: `complaint_answered:${requestId}` };
    };
    const lease = 60_000;
    const now = h.clock.now.getTime();

    // Claimed, never sent (the worker died), lease run out: the next delivery claims it and sends it, once.
    const crashed = await answered('crashed@example.org');
    await h.db.sql`insert into outcome_mail_claims (mail_key, claimed_at)
      values (${crashed.key}, ${new Date(now - lease - 1000)})`;
    expect(await handleEvent(crashed.e, deps(), { leaseMs: lease })).toMatchObject({
      refId: crashed.requestId,
    });
    expect(await waitForMails(h, 'crashed@example.org', 1)).toHaveLength(1);
    const [mark] = await h.db.sql<{ sent_at: Date | null }[]>`
      select sent_at from outcome_mail_claims where mail_key = ${crashed.key}`;
    expect(mark!.sent_at).not.toBeNull();

    // Claimed moments ago by an attempt still sending: not sent beside it; after a whole lease, a retryable error.
    const busy = await answered('busy@example.org');
    await h.db
      .sql`insert into outcome_mail_claims (mail_key, claimed_at) values (${busy.key}, ${new Date(now)})`;
    await expect(handleEvent(busy.e, deps(), { leaseMs: 300, pollMs: 50 })).rejects.toThrow(/still claimed/);
    await new Promise((r) => setTimeout(r, 200));
    expect(h.mailsTo('busy@example.org')).toHaveLength(0);

    // Sent, then the worker died before recording it: the redelivery records it and sends nothing.
    const unrecorded = await answered('unrecorded@example.org');
    await h.db.sql`insert into outcome_mail_claims (mail_key, claimed_at, sent_at)
      values (${unrecorded.key}, ${new Date(now)}, ${new Date(now)})`;
    expect(await handleEvent(unrecorded.e)).toMatchObject({ refId: unrecorded.requestId });
    await new Promise((r) => setTimeout(r, 200));
    expect(h.mailsTo('unrecorded@example.org')).toHaveLength(0);
    expect(
      (await h.auth.store.readStream(`outcome-mail-complaint_answered-${unrecorded.requestId}`)).map(
        (x) => x.type,
      ),
    ).toEqual(['PrivacyOutcomeEmailSent']);
  });
});
