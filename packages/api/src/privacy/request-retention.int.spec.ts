/**
 * Retention of privacy request records (P18), with the clock passed in, against real PostgreSQL: a closed
 * request's record is kept `privacyRequestMonths` (36 by default) after it was closed, then the retention job
 * expires it — one `PrivacyRequestRecordExpired` on the request's stream per record, through the command
 * handler, the row gone from the compliance queue and the person's list, the count in the run's
 * `RetentionRunCompleted`. An open request is never expired; an erased person's records expire the same way;
 * a second run does nothing.
 */
import { randomUUID } from 'node:crypto';
import { eraseSubject, silentLogger } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthServices } from '../services.js';
import { createTestAccount, testAuthServices, testClock } from '../testing/identity.js';
import { lodgeComplaint } from './complaint.js';
import { closePrivacyRequest, recordCompletedRequest, recordPrivacyRequest } from './requests.js';
import { runRetention } from './retention.js';

let db: TestDatabase;
let a: AuthServices;
const clock = testClock(new Date('2026-12-07T10:00:00.000Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
});
afterAll(async () => db?.drop());

const system = { kind: 'system' as const, id: 'test' };
const rows = async () =>
  (
    await db.sql<
      { request_id: string }[]
    >`select request_id from rm_privacy_requests order by received_at, request_id`
  ).map((r) => r.request_id);
const run = async () => {
  const { runId: _, ...counts } = await runRetention(a, { log: silentLogger, batch: 50 });
  return counts;
};

describe('retention of privacy request records (P18)', () => {
  it('expires closed records 36 months after closing, each an event; open ones never; again nothing', async () => {
    const me = await createTestAccount(a, { name: 'Rhoda Records' });
    const gone = await createTestAccount(a, { name: 'Gideon Gone' });
    // 2026-12-07: an export done at once (closed now), a complaint (stays open), a restriction refused a
    // week later, and the erased person's own erasure request.
    const done = await a.sql.begin((tx) =>
      recordCompletedRequest(a, tx, {
        subjectId: me,
        kind: 'export',
        actor: system,
        now: clock().toISOString(),
      }),
    );
    const { requestId: complaint } = await lodgeComplaint(
      a,
      { userId: me, requestId: 'req-1' },
      { text: 'Nobody answered my earlier question about retention.' },
    );
    const refused = await a.sql.begin((tx) =>
      recordPrivacyRequest(a, tx, {
        subjectId: me,
        kind: 'restriction',
        actor: system,
        now: clock().toISOString(),
      }),
    );
    const erasure = await a.sql.begin((tx) =>
      recordCompletedRequest(a, tx, {
        subjectId: gone,
        kind: 'erasure',
        actor: system,
        now: clock().toISOString(),
      }),
    );
    await eraseSubject(
      { store: a.store, keys: a.keys, inline: a.inline },
      { subjectId: gone, reason: 'user_request', eventId: randomUUID(), now: clock().toISOString() },
    );
    clock.set(new Date('2026-12-14T10:00:00.000Z'));
    await a.sql.begin((tx) =>
      closePrivacyRequest(a, tx, {
        requestId: refused,
        subjectId: me,
        outcome: 'refused',
        reason: 'not_applicable',
        actor: system,
        now: clock().toISOString(),
      }),
    );
    expect((await rows()).sort()).toEqual([done, complaint, refused, erasure].sort());

    // A day short of 36 months after the first closings: nothing is due.
    clock.set(new Date('2029-12-06T10:00:00.000Z'));
    expect(await run()).toMatchObject({ requestsExpired: 0 });
    expect(await rows()).toHaveLength(4);

    // 36 months and a day after: the two closed on 2026-12-07 go (the erased person's too); the one refused a
    // week later and the open complaint stay.
    clock.set(new Date('2029-12-08T10:00:00.000Z'));
    expect(await run()).toEqual({
      sessionsExpired: 0,
      accountsWarned: 0,
      accountsErased: 0,
      deferred: 0,
      requestsExpired: 2,
    });
    expect((await rows()).sort()).toEqual([complaint, refused].sort());
    for (const [id, subject] of [
      [done, me],
      [erasure, gone],
    ] as const) {
      const last = (await a.store.readStream(`privacy-request-${id}`)).at(-1);
      expect(last).toMatchObject({
        type: 'PrivacyRequestRecordExpired',
        data: {
          requestId: id,
          subjectId: subject,
          limitMonths: 36,
          closedAt: '2026-12-07T10:00:00.000Z',
          expiredAt: '2029-12-08T10:00:00.000Z',
        },
        metadata: { actor: { kind: 'system', id: 'retention' } },
      });
    }
    const [runRow] = await db.sql<{ requests_expired: number }[]>`
      select requests_expired from rm_retention_runs order by finished_at desc limit 1`;
    expect(runRow!.requests_expired).toBe(2);

    // Again at the same time: nothing, and no second event.
    expect(await run()).toMatchObject({ requestsExpired: 0 });
    expect(
      (await a.store.readStream(`privacy-request-${done}`)).filter(
        (e) => e.type === 'PrivacyRequestRecordExpired',
      ),
    ).toHaveLength(1);

    // Years later the open complaint is still there; the refused one went 36 months after its refusal.
    clock.set(new Date('2035-01-01T00:00:00.000Z'));
    expect(await run()).toMatchObject({ requestsExpired: 1 });
    expect(await rows()).toEqual([complaint]);
  });
});
