import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, type TestDatabase } from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { START, type Checkpoint, type StoredEvent } from '../src/event-store.js';
import { eventually, ping } from '../src/testing/index.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/** Opens a transaction, appends inside it, and returns a handle to commit it later. */
const openAppend = async (streamId: string, payload: string) => {
  const conn = await db.sql.reserve();
  await conn`begin`;
  await p.store.append(streamId, 0, [ping(payload)], {
    tx: conn as unknown as Parameters<typeof p.store.append>[3] extends { tx?: infer X } ? X : never,
  });
  return {
    commit: async () => {
      await conn`commit`;
      conn.release();
    },
  };
};

describe('gap-free reading for consumers', () => {
  it('never skips an event whose transaction commits after a later one', async () => {
    const seen: StoredEvent[] = [];
    let at: Checkpoint = START;
    const poll = async () => {
      const { events, next } = await p.store.readBatch(at, 100);
      seen.push(...events);
      at = next;
    };

    const first = await openAppend(`diag-${randomUUID()}`, 'first'); // lower position, commits last
    const second = await openAppend(`diag-${randomUUID()}`, 'second');
    await second.commit();
    await poll();
    // 'second' is committed but held back: an older transaction is still open.
    expect(seen.map((e) => e.data.payload)).toEqual([]);

    await first.commit();
    await eventually(async () => {
      await poll();
      expect(seen.map((e) => e.data.payload).sort()).toEqual(['first', 'second']);
    });
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(2);

    await p.store.append(`diag-${randomUUID()}`, 0, [ping('third')]);
    await eventually(async () => {
      await poll();
      expect(seen.map((e) => e.data.payload)).toHaveLength(3);
    });
    expect(seen.at(-1)!.data.payload).toBe('third');
  });

  it('a naive position cursor would have lost the late commit (the test can fail)', async () => {
    const first = await openAppend(`diag-${randomUUID()}`, 'A');
    const second = await openAppend(`diag-${randomUUID()}`, 'B');
    await second.commit();
    const [max] = await db.sql<{ m: string }[]>`select max(global_position) as m from events`;
    await first.commit();
    const after = await db.sql<{ payload: string }[]>`
      select data->>'payload' as payload from events where global_position > ${max!.m}`;
    expect(after.map((r) => r.payload)).not.toContain('A');
  });

  it('advances past filtered-out events so a sparse consumer does not rescan', async () => {
    for (let i = 0; i < 5; i++) await p.store.append(`diag-${randomUUID()}`, 0, [ping()]);
    const [h] = await db.sql<{ x: string }[]>`select max(transaction_id)::text as x from events`;
    await eventually(async () => {
      const { events, next } = await p.store.readBatch(START, 10, { types: ['ConsentGiven'] });
      expect(events).toEqual([]);
      expect(BigInt(next.transactionId)).toBeGreaterThan(BigInt(h!.x));
    });
  });
});
