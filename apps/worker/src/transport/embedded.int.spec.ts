import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence, silentLogger, type Persistence, type RecordedEvent } from '@tia/db';
import type { EventOf } from '@tia/domain';
import {
  createTestDatabase,
  TEST_MASTER_KEY,
  ping,
  registered,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { EmbeddedTransport } from './embedded.js';
import type { Handler } from './port.js';
import type { Outcome } from './process.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => {
  db = await createTestDatabase();
  p = createPersistence(db.sql, TEST_MASTER_KEY);
  await db.sql`create table effects (event_id uuid not null, handler text not null)`;
});
afterAll(async () => db?.drop());

/** A handler whose effect is a row; fails for payloads it is told to. */
const recorder = (
  name: string,
  seen: RecordedEvent<EventOf<'DiagnosticPinged'>>[],
  poison = new Set<string>(),
): Handler<unknown, 'DiagnosticPinged'> => ({
  name,
  types: ['DiagnosticPinged'],
  maxAttempts: 3,
  handle: async (e, { tx }) => {
    if (poison.has(e.data.payload ?? '')) throw new Error(`cannot handle ${String(e.data.payload)}`);
    seen.push(e);
    await tx`insert into effects (event_id, handler) values (${e.eventId}, ${name})`;
  },
});

describe('embedded transport (no broker): handlers driven from the event store', () => {
  it('delivers every event once, dead-letters poison after retries, and keeps going', async () => {
    const seen: RecordedEvent<EventOf<'DiagnosticPinged'>>[] = [];
    const outcomes: [string, Outcome][] = [];
    const t = new EmbeddedTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      handlers: [recorder('rec', seen, new Set(['poison']))],
      baseDelayMs: 5,
      onOutcome: (_h, id, o) => outcomes.push([id, o]),
    });
    await t.start();
    for (const x of ['a', 'poison', 'b']) await p.store.append(`diag-${randomUUID()}`, 0, [ping(x)]);
    await waitFor(() => outcomes.length === 3);
    await t.stop();
    expect(seen.map((e) => e.data.payload)).toEqual(['a', 'b']);
    expect(outcomes.map(([, o]) => o)).toEqual(['processed', 'dead_lettered', 'processed']);
    const dl = await db.sql<
      { type: string; attempts: number; error: string }[]
    >`select type, attempts, error from dead_letters`;
    expect(dl).toEqual([{ type: 'DiagnosticPinged', attempts: 3, error: 'cannot handle poison' }]);
    expect(await db.sql`select count(*)::int as n from effects`).toEqual([{ n: 2 }]);
  });

  it('is idempotent under redelivery (checkpoint rewound): effects happen once', async () => {
    const seen: RecordedEvent<EventOf<'DiagnosticPinged'>>[] = [];
    const outcomes: Outcome[] = [];
    const make = () =>
      new EmbeddedTransport({
        sql: db.sql,
        store: p.store,
        log: silentLogger,
        handlers: [recorder('rec', seen)],
        onOutcome: (_h, _id, o) => outcomes.push(o),
      });
    await db.sql`update consumer_checkpoints set transaction_id = '0', global_position = 0 where consumer = 'handler:rec'`;
    const t = make();
    await t.start();
    await waitFor(() => outcomes.length === 3);
    await t.stop();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(seen).toHaveLength(0);
    expect(await db.sql`select count(*)::int as n from effects`).toEqual([{ n: 2 }]);
  });

  it('decrypts personal data for handlers and stops cleanly mid-stream', async () => {
    const names: unknown[] = [];
    const h: Handler<unknown, 'AccountRegistered'> = {
      name: 'names',
      types: ['AccountRegistered'],
      handle: async (e) => {
        names.push(e.data.name);
        await new Promise((r) => setTimeout(r, 5));
      },
    };
    const t = new EmbeddedTransport({ sql: db.sql, store: p.store, log: silentLogger, handlers: [h] });
    await t.start();
    const uid = randomUUID();
    await p.store.append(`user-${uid}`, 0, [registered(uid, 'Katherine Johnson', 'kj@example.org')]);
    await waitFor(() => names.length === 1);
    await t.stop();
    expect(names).toEqual(['Katherine Johnson']);
    const status = await db.sql<
      { consumer: string; mode: string }[]
    >`select consumer, mode from consumer_status order by consumer`;
    expect(status).toEqual([
      { consumer: 'handler:names', mode: 'embedded' },
      { consumer: 'handler:rec', mode: 'embedded' },
    ]);
  });
});
