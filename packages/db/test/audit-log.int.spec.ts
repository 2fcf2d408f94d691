import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  eventually,
  ping,
  TEST_MASTER_KEY,
  type TestDatabase,
} from '../src/testing/index.js';
import { createPersistence } from '../src/factory.js';
import { sealChain, verifyChain } from '../src/chain.js';
import {
  AuditLogRewrittenError,
  AuditTree,
  DirectoryAnchorStore,
  type CheckpointFile,
  publishCheckpoint,
  verifyAgainstAnchor,
} from '../src/audit/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Seals everything committed (consumers and the sealer wait for older transactions on the whole server). */
const sealAll = async (db: TestDatabase, expected: number) => {
  await eventually(async () => {
    await sealChain(db.sql);
    const [r] = await db.sql<{ n: string }[]>`select count(*)::text as n from event_chain`;
    expect(Number(r!.n)).toBe(expected);
  }, 30_000);
};

/** A database with `n` sealed events and one signed checkpoint of them in a fresh anchor directory. */
const anchoredLog = async (n: number) => {
  const db = await createTestDatabase();
  const dir = await mkdtemp(path.join(tmpdir(), 'tia-anchors-'));
  cleanups.push(
    () => db.drop(),
    () => rm(dir, { recursive: true, force: true }),
  );
  const { store } = createPersistence(db.sql, TEST_MASTER_KEY);
  for (let i = 0; i < n; i++) await store.append(`diag-${randomUUID()}`, 0, [ping(`e${i}`)]);
  await sealAll(db, n);
  const { privateKey } = generateKeyPairSync('ed25519');
  const anchors = new DirectoryAnchorStore(dir);
  const published = await publishCheckpoint({
    db: db.sql,
    tree: new AuditTree(),
    store: anchors,
    key: privateKey,
    now: new Date(),
  });
  expect(published?.treeSize).toBe(n);
  const at = async (seq: number) => {
    const [r] = await db.sql<{ global_position: string; event_id: string }[]>`
      select c.global_position::text as global_position, e.event_id::text as event_id
        from event_chain c join events e using (global_position) where c.seq = ${seq}`;
    return { globalPosition: Number(r!.global_position), eventId: r!.event_id };
  };
  return { db, dir, anchors, privateKey, store, at };
};

/** What a database superuser can do: bypass the append-only triggers and foreign keys. */
const asOwner = (db: TestDatabase, fn: (tx: TestDatabase['sql']) => Promise<unknown>) =>
  db.sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await fn(tx as unknown as TestDatabase['sql']);
  });

/** The owner throws the chain away and reseals it over the rows as they are now: the DB's own check passes. */
const rebuildChain = async (db: TestDatabase) => {
  await asOwner(db, (tx) => tx`delete from event_chain`);
  const [r] = await db.sql<{ n: string }[]>`select count(*)::text as n from events`;
  await sealAll(db, Number(r!.n));
  expect((await verifyChain(db.sql)).ok).toBe(true);
};

const run = promisify(execFile);
const dbVerify = async (db: TestDatabase, dir: string) => {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'packages/db/src/cli/verify.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, AUDIT_ANCHOR_DIR: dir, LOG_LEVEL: 'info' },
      timeout: 120_000,
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
};

describe('audit log: signed checkpoints outside the database', { timeout: 180_000 }, () => {
  it('verifies a clean log, extends it with a consistent checkpoint, and db:verify exits 0', async () => {
    const { db, dir, anchors, privateKey, store } = await anchoredLog(5);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: true,
      anchored: true,
      checkpoint: { treeSize: 5 },
      checked: 5,
      notYetAnchored: 0,
    });
    for (let i = 0; i < 3; i++) await store.append(`diag-${randomUUID()}`, 0, [ping()]);
    await sealAll(db, 8);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: true,
      checked: 8,
      notYetAnchored: 3,
    });
    const tree = new AuditTree();
    const second = await publishCheckpoint({
      db: db.sql,
      tree,
      store: anchors,
      key: privateKey,
      now: new Date(),
    });
    expect(second?.treeSize).toBe(8);
    // Nothing new: no file; on demand (force): a new file, never an overwrite.
    expect(
      await publishCheckpoint({ db: db.sql, tree, store: anchors, key: privateKey, now: new Date() }),
    ).toBeNull();
    await publishCheckpoint({
      db: db.sql,
      tree,
      store: anchors,
      key: privateKey,
      now: new Date(),
      force: true,
    });
    const files = (await readdir(dir)).filter((f) => f.startsWith('checkpoint-'));
    expect(files).toHaveLength(3);
    expect(await readdir(dir)).toContain('public-key.pem');
    // Never overwritten: publishing the same checkpoint again is refused, the file is unchanged.
    const first = path.join(dir, files[0]!);
    const content = await readFile(first, 'utf8');
    await expect(anchors.write(JSON.parse(content) as CheckpointFile)).rejects.toThrow(/EEXIST/);
    expect(await readFile(first, 'utf8')).toBe(content);
    expect((await readdir(dir)).filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: true,
      checkpoint: { treeSize: 8 },
    });
    const r = await dbVerify(db, dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('audit log matches the latest signed checkpoint');
  });

  it('names an edited event even after the owner rebuilt the chain, and the worker refuses to sign over it', async () => {
    const { db, dir, anchors, privateKey, at } = await anchoredLog(6);
    const target = await at(3);
    await asOwner(
      db,
      (tx) => tx`update events set data = jsonb_set(data, '{payload}', '"forged"')
                  where global_position = ${target.globalPosition}`,
    );
    await rebuildChain(db);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'event_changed',
      firstBad: { seq: 3, ...target },
    });
    await expect(
      publishCheckpoint({
        db: db.sql,
        tree: new AuditTree(),
        store: anchors,
        key: privateKey,
        now: new Date(),
      }),
    ).rejects.toBeInstanceOf(AuditLogRewrittenError);
    const r = await dbVerify(db, dir);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('event_changed');
    expect(r.out).toContain(target.eventId);
  });

  it('names a deleted event (chain rebuilt) and a deleted event whose chain entry was left behind', async () => {
    const { db, anchors, at } = await anchoredLog(6);
    const [second, fourth] = [await at(2), await at(4)];
    await asOwner(db, (tx) => tx`delete from events where global_position = ${fourth.globalPosition}`);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'event_missing',
      firstBad: { seq: 4, globalPosition: fourth.globalPosition },
    });
    await asOwner(db, (tx) => tx`delete from events where global_position = ${second.globalPosition}`);
    await rebuildChain(db);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'event_missing',
      firstBad: { seq: 2 },
    });
  });

  it('names the first event of a cut tail (an older backup restored)', async () => {
    const { db, dir, anchors, at } = await anchoredLog(6);
    const fifth = await at(5);
    await asOwner(db, async (tx) => {
      await tx`delete from event_chain where seq >= 5`;
      await tx`delete from events where global_position >= ${fifth.globalPosition}`;
    });
    expect((await verifyChain(db.sql)).ok).toBe(true);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'tail_truncated',
      firstBad: { seq: 5 },
    });
    const r = await dbVerify(db, dir);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('tail_truncated');
  });

  it('names a back-dated event, left unsealed or sealed into a rebuilt chain', async () => {
    const { db, dir, anchors } = await anchoredLog(4);
    const eventId = randomUUID();
    await asOwner(
      db,
      (
        tx,
      ) => tx`insert into events (transaction_id, stream_id, stream_version, event_id, type, schema_version, data, metadata)
                 values ('3', ${`diag-${randomUUID()}`}, 1, ${eventId}, 'DiagnosticPinged', 1,
                         ${tx.json({ pingId: eventId, sentAt: '2020-01-01T00:00:00.000Z', payload: 'old' })},
                         ${tx.json({ occurredAt: '2020-01-01T00:00:00.000Z' })})`,
    );
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'event_backdated',
      firstBad: { eventId },
    });
    const r = await dbVerify(db, dir);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(eventId);
    await rebuildChain(db);
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'event_inserted',
      firstBad: { seq: 1, eventId },
    });
  });

  it('rejects a forged checkpoint file and a second key', async () => {
    const { db, dir, anchors } = await anchoredLog(3);
    const [file] = (await readdir(dir)).filter((f) => f.startsWith('checkpoint-'));
    const p = path.join(dir, file!);
    const c = JSON.parse(await readFile(p, 'utf8')) as { treeSize: number };
    c.treeSize = 2;
    await chmod(p, 0o644);
    await writeFile(p, JSON.stringify(c));
    expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
      ok: false,
      problem: 'anchor_invalid',
    });
    const other = generateKeyPairSync('ed25519').privateKey;
    await expect(
      publishCheckpoint({ db: db.sql, tree: new AuditTree(), store: anchors, key: other, now: new Date() }),
    ).rejects.toThrow(/another public key/);
  });
});
