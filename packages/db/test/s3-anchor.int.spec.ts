import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import aws4 from 'aws4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  eventually,
  ping,
  startS3Server,
  TEST_MASTER_KEY,
  type TestDatabase,
} from '../src/testing/index.js';
import { createPersistence } from '../src/factory.js';
import { sealChain, verifyChain } from '../src/chain.js';
import {
  AuditTree,
  publishCheckpoint,
  S3AnchorStore,
  verifyAgainstAnchor,
  type CheckpointFile,
} from '../src/audit/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const creds = { accessKeyId: 'AKIATIATEST', secretAccessKey: 'test-secret-key-of-the-anchor-bucket' };
const region = 'eu-central-1';
const bucket = 'tia-audit-anchors';
let s3: Awaited<ReturnType<typeof startS3Server>>;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  s3 = await startS3Server({ ...creds, region, bucket, pageSize: 2 });
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await s3?.close();
});

const storeAt = (prefix: string, over: Partial<typeof creds> = {}) =>
  new S3AnchorStore({ endpoint: s3.url, bucket, region, prefix, ...creds, ...over, retentionDays: 30 });

/** A request someone with the bucket's keys makes by hand (correctly signed). */
const raw = async (method: 'PUT' | 'DELETE', key: string, body = '') => {
  const url = new URL(s3.url);
  const signed = aws4.sign(
    { host: url.host, path: `/${bucket}/${key}`, method, service: 's3', region, headers: {}, body },
    creds,
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers ?? {}))
    if (k.toLowerCase() !== 'host') headers[k] = String(v);
  return fetch(`${s3.url}/${bucket}/${key}`, { method, headers, ...(body ? { body } : {}) });
};

const sealAll = async (db: TestDatabase, expected: number) => {
  await eventually(async () => {
    await sealChain(db.sql);
    const [r] = await db.sql<{ n: string }[]>`select count(*)::text as n from event_chain`;
    expect(Number(r!.n)).toBe(expected);
  }, 30_000);
};

const run = promisify(execFile);
const dbVerify = async (db: TestDatabase, prefix: string) => {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'packages/db/src/cli/verify.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        AUDIT_ANCHOR_S3_URL: s3.url,
        AUDIT_ANCHOR_S3_BUCKET: bucket,
        AUDIT_ANCHOR_S3_REGION: region,
        AUDIT_ANCHOR_S3_PREFIX: prefix,
        AUDIT_ANCHOR_S3_ACCESS_KEY_ID: creds.accessKeyId,
        AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY: creds.secretAccessKey,
        LOG_LEVEL: 'info',
      },
      timeout: 120_000,
    });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
};

describe(
  'S3 anchor store (object lock, SigV4) against a local S3-compatible server',
  { timeout: 180_000 },
  () => {
    it('publishes checkpoints under a COMPLIANCE lock, reads them back, and nothing replaces or deletes them', async () => {
      const db = await createTestDatabase();
      cleanups.push(() => db.drop());
      const { store } = createPersistence(db.sql, TEST_MASTER_KEY);
      for (let i = 0; i < 4; i++) await store.append(`diag-${randomUUID()}`, 0, [ping(`e${i}`)]);
      await sealAll(db, 4);
      const anchors = storeAt('a/');
      const { privateKey } = generateKeyPairSync('ed25519');
      const tree = new AuditTree();
      for (let i = 0; i < 3; i++)
        await publishCheckpoint({
          db: db.sql,
          tree,
          store: anchors,
          key: privateKey,
          now: new Date(),
          force: true,
        });

      const keys = [...s3.objects.keys()].filter((k) => k.startsWith('a/')).sort();
      expect(keys).toHaveLength(4); // public key + 3 checkpoints (listed over 2 pages of 2)
      for (const k of keys) {
        const o = s3.objects.get(k)!;
        expect(o.lockMode).toBe('COMPLIANCE');
        expect(o.retainUntil!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      }
      expect((await anchors.list()).map((c) => c.treeSize)).toEqual([4, 4, 4]);
      expect(await verifyAgainstAnchor(db.sql, anchors)).toMatchObject({
        ok: true,
        anchored: true,
        checked: 4,
      });

      // Overwrite and delete of a locked object are refused, even correctly signed by the key holder.
      const ckpt = keys.find((k) => k.includes('checkpoint-'))!;
      expect((await raw('PUT', ckpt, '{"forged":true}')).status).toBe(403);
      expect((await raw('DELETE', ckpt)).status).toBe(403);
      expect(s3.objects.get(ckpt)!.body.toString()).toContain('"treeSize": 4');
      // The store itself never replaces: a second write of the same checkpoint fails.
      const again = JSON.parse(s3.objects.get(ckpt)!.body.toString()) as CheckpointFile;
      await expect(anchors.write(again)).rejects.toThrow(/never replaced/);

      // A wrong secret: the server's signature check refuses every request.
      await expect(storeAt('a/', { secretAccessKey: 'wrong' }).list()).rejects.toThrow(
        /403 SignatureDoesNotMatch/,
      );
      // An object put there without a lock is not trusted as a checkpoint.
      s3.objects.set('a/checkpoint-999999999999999-x.json', {
        ...s3.objects.get(ckpt)!,
        lockMode: null,
        retainUntil: null,
      });
      await expect(anchors.list()).rejects.toThrow(/not under a COMPLIANCE object lock/);
      s3.objects.delete('a/checkpoint-999999999999999-x.json');
    });

    it('db:verify reads the bucket: exits 0 on a clean log, non-zero naming the event when the database disagrees', async () => {
      const db = await createTestDatabase();
      cleanups.push(() => db.drop());
      const { store } = createPersistence(db.sql, TEST_MASTER_KEY);
      for (let i = 0; i < 5; i++) await store.append(`diag-${randomUUID()}`, 0, [ping(`e${i}`)]);
      await sealAll(db, 5);
      const anchors = storeAt('b/');
      await publishCheckpoint({
        db: db.sql,
        tree: new AuditTree(),
        store: anchors,
        key: generateKeyPairSync('ed25519').privateKey,
        now: new Date(),
      });
      const clean = await dbVerify(db, 'b/');
      expect(clean.out).toContain('audit log matches the latest signed checkpoint');
      expect(clean.code).toBe(0);

      // The owner edits a sealed event and rebuilds the chain: the database's own check passes, the bucket's
      // signed checkpoint does not.
      const [victim] = await db.sql<{ global_position: string; event_id: string }[]>`
      select global_position::text as global_position, event_id::text as event_id from events
       order by global_position offset 2 limit 1`;
      await db.sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`update events set data = jsonb_set(data, '{payload}', '"edited"')
                where global_position = ${victim!.global_position}`;
        await tx`delete from event_chain`;
      });
      await sealAll(db, 5);
      expect((await verifyChain(db.sql)).ok).toBe(true);
      const broken = await dbVerify(db, 'b/');
      expect(broken.code).not.toBe(0);
      expect(broken.out).toContain('audit log BROKEN');
      expect(broken.out).toContain(victim!.event_id);
      expect(broken.out).toContain('s3://tia-audit-anchors/b/');
    });
  },
);
