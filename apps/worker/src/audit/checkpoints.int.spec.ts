import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLogger,
  createPersistence,
  DirectoryAnchorStore,
  readCapability,
  requestCheckpoint,
  requestCheckpointAndWait,
  sealChain,
  verifyAgainstAnchor,
} from '@tia/db';
import { createTestDatabase, eventually, ping, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import { runAuditCheckpoints } from './checkpoints.js';

let db: TestDatabase;
let dir: string;
const lines: string[] = [];
const ac = new AbortController();
let loop: Promise<void>;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'tia-worker-anchors-'));
  loop = runAuditCheckpoints({
    sql: db.sql,
    log: createLogger({}, { write: (l) => lines.push(l) }),
    key: generateKeyPairSync('ed25519').privateKey,
    store: new DirectoryAnchorStore(dir),
    intervalMs: 250,
    signal: ac.signal,
  });
});
afterAll(async () => {
  ac.abort();
  await loop;
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

const checkpoints = async () => (await readdir(dir)).filter((f) => f.startsWith('checkpoint-')).sort();
const sealAll = (n: number) =>
  eventually(async () => {
    await sealChain(db.sql);
    const [r] = await db.sql<{ n: string }[]>`select count(*)::text as n from event_chain`;
    expect(Number(r!.n)).toBe(n);
  }, 30_000);

describe('worker: signed audit checkpoints', () => {
  it('publishes at its interval when the log grew, and on demand', async () => {
    const { store } = createPersistence(db.sql, TEST_MASTER_KEY);
    for (let i = 0; i < 3; i++) await store.append(`diag-${randomUUID()}`, 0, [ping()]);
    await sealAll(3);
    await eventually(async () => expect((await checkpoints()).at(-1)).toMatch(/^checkpoint-0+3-/), 30_000);
    // The file is written first, then its mirror row: wait for both before asking for another.
    await eventually(async () => {
      const [m] = await db.sql<{ n: string }[]>`select count(*)::text as n from audit_checkpoints`;
      expect(Number(m!.n)).toBe((await checkpoints()).length);
    }, 30_000);
    const before = (await checkpoints()).length;
    // On demand: a checkpoint even though nothing new was sealed.
    expect(await requestCheckpointAndWait(db.sql, 30_000)).toMatchObject({ treeSize: 3 });
    expect(await checkpoints()).toHaveLength(before + 1);
    for (let i = 0; i < 2; i++) await store.append(`diag-${randomUUID()}`, 0, [ping()]);
    await sealAll(5);
    await eventually(async () => expect((await checkpoints()).at(-1)).toMatch(/^checkpoint-0+5-/), 30_000);
    expect(await verifyAgainstAnchor(db.sql, new DirectoryAnchorStore(dir))).toMatchObject({
      ok: true,
      checkpoint: { treeSize: 5 },
    });
    // Mirrored for inclusion proofs: every published checkpoint and the leaves it covers.
    await eventually(async () => {
      const [m] = await db.sql<{ checkpoints: string; leaves: string }[]>`
        select (select count(*) from audit_checkpoints)::text as checkpoints,
               (select count(*) from audit_leaves)::text as leaves`;
      expect(m).toEqual({ checkpoints: String((await checkpoints()).length), leaves: '5' });
      expect(await readCapability(db.sql, 'audit_log')).toMatchObject({ available: true });
    }, 30_000);
  });

  it('refuses to sign a rewritten log and raises an alert', async () => {
    const files = await checkpoints();
    const [row] = await db.sql<{ global_position: string }[]>`
      select global_position::text as global_position from event_chain where seq = 2`;
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update events set metadata = metadata || '{"forged": true}' where global_position = ${row!.global_position}`;
      await tx`delete from event_chain`;
    });
    await sealAll(5);
    await requestCheckpoint(db.sql);
    await eventually(
      () => Promise.resolve(expect(lines.some((l) => l.includes('AUDIT ALERT'))).toBe(true)),
      30_000,
    );
    await eventually(
      async () => expect(await readCapability(db.sql, 'audit_log')).toMatchObject({ available: false }),
      30_000,
    );
    expect(await checkpoints()).toEqual(files);
  });
});
