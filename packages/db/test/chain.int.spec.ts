import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestPersistence,
  TEST_MASTER_KEY,
  type TestDatabase,
} from '../src/testing/index.js';
import { createPersistence, type Persistence } from '../src/factory.js';
import { sealChain, verifyChain } from '../src/chain.js';
import { eventually, ping } from '../src/testing/index.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/** Superuser tampering, bypassing the append-only triggers the way an attacker with DB access could. */
const tamper = (fn: (tx: TestDatabase['sql']) => Promise<unknown>) =>
  db.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await fn(tx as unknown as TestDatabase['sql']);
  });

describe('hash chain over the global log', () => {
  it('seals committed events in consumer order and verifies clean', async () => {
    for (let i = 0; i < 5; i++)
      await p.store.append(`diag-${randomUUID()}`, 0, [ping(`e${i}`), ping(`f${i}`)]);
    let sealed = 0;
    await eventually(async () => {
      sealed += await sealChain(db.sql);
      expect(sealed).toBe(10);
    });
    expect(await sealChain(db.sql)).toBe(0);
    expect(await verifyChain(db.sql)).toEqual({ ok: true, checked: 10, unsealed: 0 });
    await p.store.append(`diag-${randomUUID()}`, 0, [ping('late')]);
    expect(await verifyChain(db.sql)).toEqual({ ok: true, checked: 10, unsealed: 1 });
    await eventually(async () => expect(await sealChain(db.sql)).toBe(1));
  });

  it('reports the first broken link when a superuser edits an event row', async () => {
    const [target] = await db.sql<{ seq: string; global_position: string }[]>`
      select seq, global_position from event_chain order by seq offset 3 limit 1`;
    await tamper(
      (tx) => tx`update events set data = jsonb_set(data, '{payload}', '"forged"')
                            where global_position = ${target!.global_position}`,
    );
    const v = await verifyChain(db.sql);
    expect(v).toEqual({
      ok: false,
      checked: 3,
      firstBroken: {
        seq: Number(target!.seq),
        globalPosition: Number(target!.global_position),
        reason: 'row_changed',
      },
    });
  });

  it('detects a deleted event and a rewritten back-link', async () => {
    const fresh = await createTestDatabase();
    try {
      const q = createPersistence(fresh.sql, TEST_MASTER_KEY);
      for (let i = 0; i < 4; i++) await q.store.append(`diag-${randomUUID()}`, 0, [ping()]);
      let n = 0;
      await eventually(async () => expect((n += await sealChain(fresh.sql))).toBe(4));
      const [second] = await fresh.sql<
        { global_position: string }[]
      >`select global_position from event_chain where seq = 2`;
      await fresh.sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`alter table event_chain drop constraint event_chain_global_position_fkey`;
        await tx`delete from events where global_position = ${second!.global_position}`;
      });
      expect(await verifyChain(fresh.sql)).toMatchObject({
        ok: false,
        firstBroken: { seq: 2, reason: 'row_missing' },
      });
      await fresh.sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update event_chain set prev_hash = '\\x00' where seq = 1`;
      });
      expect(await verifyChain(fresh.sql)).toMatchObject({
        ok: false,
        checked: 0,
        firstBroken: { seq: 1, reason: 'link_broken' },
      });
    } finally {
      await fresh.drop();
    }
  });
});
