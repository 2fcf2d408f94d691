/**
 * Dead letters (issue 9): a permanent failure is not retried, an event this code cannot read is quarantined
 * without reaching the handler, and an operator can re-drive dead letters (`npm run dlq:redrive`).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPersistence,
  PermanentError,
  requestRedrive,
  silentLogger,
  type Persistence,
  type RecordedEvent,
} from '@tia/db';
import type { EventOf } from '@tia/domain';
import { createTestDatabase, TEST_MASTER_KEY, T, ping, waitFor, type TestDatabase } from '@tia/db/testing';
import { EmbeddedTransport } from './embedded.js';
import type { Handler } from './port.js';
import type { Outcome } from './process.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => {
  db = await createTestDatabase();
  p = createPersistence(db.sql, TEST_MASTER_KEY);
});
afterAll(async () => db?.drop());

describe('dead letters', () => {
  it('dead-letters permanent failures and unreadable events at once, then re-drives on request', async () => {
    const seen: RecordedEvent<EventOf<'DiagnosticPinged'>>[] = [];
    const calls = new Map<string, number>();
    let brokenUntilFixed = true;
    const handler: Handler<unknown, 'DiagnosticPinged'> = {
      name: 'dl',
      types: ['DiagnosticPinged'],
      maxAttempts: 4,
      handle: (e) => {
        const payload = e.data.payload ?? '';
        calls.set(payload, (calls.get(payload) ?? 0) + 1);
        if (payload === 'bad-input') throw new PermanentError('this input can never be handled');
        if (payload === 'needs-fix' && brokenUntilFixed) throw new Error('a bug, fixed in the next release');
        seen.push(e);
        return Promise.resolve();
      },
    };
    const outcomes: [string, Outcome][] = [];
    const t = new EmbeddedTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      handlers: [handler],
      baseDelayMs: 5,
      redrivePollMs: 50,
      onOutcome: (_h, id, o) => outcomes.push([id, o]),
    });
    await t.start();
    try {
      await p.store.append(`diag-${randomUUID()}`, 0, [ping('bad-input')]);
      await db.sql`select * from tia_append(${`diag-${randomUUID()}`}, 0, ${db.sql.json([
        {
          event_id: randomUUID(),
          type: 'DiagnosticPinged',
          schema_version: 7,
          data: { pingId: 'z', sentAt: T, payload: 'from-the-future' },
          metadata: { occurredAt: T },
        },
      ])})`;
      await p.store.append(`diag-${randomUUID()}`, 0, [ping('needs-fix')]);
      await p.store.append(`diag-${randomUUID()}`, 0, [ping('fine')]);
      await waitFor(() => outcomes.length === 4);
      expect(outcomes.map(([, o]) => o)).toEqual([
        'dead_lettered',
        'dead_lettered',
        'dead_lettered',
        'processed',
      ]);
      expect(Object.fromEntries(calls)).toEqual({ 'bad-input': 1, 'needs-fix': 4, fine: 1 });
      // Outcomes are reported inside the batch's transaction: wait for it to commit.
      await waitFor(async () => (await db.sql`select 1 from dead_letters`).length === 3);
      const dead = await db.sql<{ id: string; reason: string; attempts: number }[]>`
        select id, reason, attempts from dead_letters order by id`;
      expect(dead.map((d) => [d.reason, d.attempts])).toEqual([
        ['permanent', 1],
        ['poison', 1],
        ['failed', 4],
      ]);

      // The fix is deployed; the operator re-drives that one dead letter.
      brokenUntilFixed = false;
      expect(await requestRedrive(db.sql, { ids: [Number(dead[2]!.id)] })).toEqual({
        requested: 1,
        skippedProjections: 0,
      });
      await waitFor(() => seen.some((e) => e.data.payload === 'needs-fix'));
      await waitFor(
        async () =>
          (await db.sql`select 1 from dead_letters where id = ${dead[2]!.id} and redriven_at is not null`)
            .length === 1,
      );
      // The others stay dead until asked for; re-driving a permanent failure fails again and stays listed.
      await requestRedrive(db.sql, { ids: [Number(dead[0]!.id)] });
      await waitFor(async () => {
        const [r] = await db.sql<{ redrive_requested_at: Date | null }[]>`
          select redrive_requested_at from dead_letters where id = ${dead[0]!.id}`;
        return r!.redrive_requested_at === null;
      });
      expect(calls.get('bad-input')).toBe(2);
      expect(
        await db.sql`select id from dead_letters where redriven_at is null order by id`.then((r) =>
          r.map((x) => (x as { id: string }).id),
        ),
      ).toEqual([dead[0]!.id, dead[1]!.id]);
    } finally {
      await t.stop();
    }
  });
});
