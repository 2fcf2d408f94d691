/**
 * Issue 14 (Scale): a consumer with a type filter reads each of its types as one index range (migration 0024,
 * `readBatch`) and merges them. It must still get every event of its types, in commit order, exactly once,
 * across batches and with a transaction that commits late; and the public lag figure of such a consumer
 * (its checkpoint sits at the horizon, position 0) must not count the whole log.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, type TestDatabase } from '../src/testing/index.js';
import type { Persistence } from '../src/factory.js';
import { START, type Checkpoint, type StoredEvent } from '../src/event-store.js';
import { heartbeat, writeCheckpoint } from '../src/consumer.js';
import { healthReport } from '../src/health.js';
import { consent, eventually, note, ping } from '../src/testing/index.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

const TYPES = ['ConsentGiven', 'NoteRecorded'];

/** Reads with the type filter in small batches from `at` until a short batch. */
const drain = async (at: Checkpoint, seen: StoredEvent[]): Promise<Checkpoint> => {
  for (;;) {
    const { events, next } = await p.store.readBatch(at, 3, { types: TYPES });
    seen.push(...events);
    at = next;
    if (events.length < 3) return at;
  }
};

describe('sparse reads (type filter)', () => {
  it('deliver every event of the types, in commit order, once, across batches and a late commit', async () => {
    const subject = randomUUID();
    // Interleaved types on several streams, some appends holding two of the filtered types at once.
    for (let i = 0; i < 12; i++) {
      await p.store.append(`diag-${randomUUID()}`, 0, [ping(`p${i}`), ping(`q${i}`)]);
      if (i % 3 === 0)
        await p.store.append(`consent-${randomUUID()}`, 0, [consent(subject, 'marketing_email')]);
      if (i % 4 === 1)
        await p.store.append(`note-${randomUUID()}`, 0, [note(subject, `n${i}`), note(subject, `m${i}`)]);
    }
    // An older transaction appends a filtered event and commits after newer ones.
    const conn = await db.sql.reserve();
    await conn`begin`;
    await p.store.append(`consent-${randomUUID()}`, 0, [consent(subject, 'marketing_email')], {
      tx: conn as unknown as Parameters<typeof p.store.append>[3] extends { tx?: infer X } ? X : never,
    });
    await p.store.append(`note-${randomUUID()}`, 0, [note(subject, 'after')]);
    const seen: StoredEvent[] = [];
    let at = await drain(START, seen);
    await conn`commit`;
    conn.release();
    await eventually(async () => {
      at = await drain(at, seen);
      const all = (await p.store.readBatch(START, 10_000, { horizon: false })).events;
      const expected = all.filter((e) => TYPES.includes(e.type));
      expect(expected).toHaveLength(4 + 3 * 2 + 1 + 1);
      expect(seen.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
    });
    // Duplicated types in the filter change nothing.
    const twice = await p.store.readBatch(START, 100, { types: [...TYPES, 'NoteRecorded'] });
    expect(twice.events.map((e) => e.eventId)).toEqual(seen.map((e) => e.eventId));
  });

  it('a caught-up sparse consumer shows no public lag; one new event shows as one', async () => {
    const lag = async (exactLag: boolean) =>
      (await healthReport(db.sql, { exactLag })).transport.consumers.find(
        (c) => c.name === 'handler:sparse-test',
      )!;
    await heartbeat(db.sql, 'handler:sparse-test', 'embedded', 'i1');
    // Other databases' open transactions can hold the horizon back for a moment: read until nothing is left.
    await eventually(async () => {
      const seen: StoredEvent[] = [];
      const at = await drain(START, seen);
      expect(at.globalPosition).toBe(0); // moved to the horizon: past every filtered-out event
      await writeCheckpoint(db.sql, 'handler:sparse-test', at, seen.length);
      expect((await lag(true)).lagEvents).toBe(0);
      expect((await lag(false)).lagEvents).toBe(0); // before: the newest position, i.e. the whole log
    }, 30_000);
    await p.store.append(`diag-${randomUUID()}`, 0, [ping('new')]);
    expect((await lag(false)).lagEvents).toBe(1);
    expect(await lag(true)).toMatchObject({ lagEvents: 1, lagCapped: false });
  });
});
