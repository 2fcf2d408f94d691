/**
 * `npm run bench:audit`: what the audit log costs at AUDIT_BENCH_EVENTS sealed events (default 100 000), each
 * printed with a ratio against a baseline of the same run: the database's own chain check (`verifyChain`)
 * over the same rows.
 *   BENCH <name> <value> <unit> ratio=<r>
 * Needs a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, default 127.0.0.1:5432).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AuditTree,
  consistencyProof,
  DirectoryAnchorStore,
  inclusionProof,
  publishCheckpoint,
  sealChain,
  verifyAgainstAnchor,
  verifyChain,
  verifyConsistency,
  verifyInclusion,
} from '@tia/db';
import { createTestDatabase } from '@tia/db/testing';

const N = Number(process.env.AUDIT_BENCH_EVENTS ?? 100_000);
const time = async <R>(fn: () => Promise<R> | R): Promise<[R, number]> => {
  const t = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t) / 1e6];
};
const line = (name: string, ms: number, base: number) =>
  console.log(`BENCH ${name} ${ms.toFixed(ms >= 100 ? 0 : 3)} ms ratio=${(ms / base).toFixed(3)}`);

const db = await createTestDatabase();
const dir = await mkdtemp(path.join(tmpdir(), 'tia-audit-bench-'));
try {
  await db.sql`
    insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
    select 'diag-' || g, 1, gen_random_uuid(), 'DiagnosticPinged', 1,
           jsonb_build_object('pingId', gen_random_uuid(), 'sentAt', now(), 'payload', repeat('x', 200)),
           jsonb_build_object('occurredAt', now(), 'actor', jsonb_build_object('kind', 'system', 'id', 'bench'))
      from generate_series(1, ${N}) g`;
  let sealed = 0;
  while (sealed < N) {
    const n = await sealChain(db.sql, 20_000);
    if (n === 0) await new Promise((r) => setTimeout(r, 100));
    sealed += n;
  }
  console.log(`audit log bench: ${N} sealed events`);
  const [, base] = await time(() => verifyChain(db.sql, 5000));
  line('baseline_db_verify_chain', base, base);
  const tree = new AuditTree();
  const [, load] = await time(() => tree.sync(db.sql));
  line('read_rows_and_app_digests', load, base);
  const [, root] = await time(() => tree.root());
  line('merkle_root', root, base);
  const [proof, incl] = await time(() => inclusionProof(tree.leaves, Math.floor(N / 3)));
  line('inclusion_proof', incl, base);
  const r = tree.root();
  const [, vincl] = await time(() =>
    verifyInclusion(tree.leaves[Math.floor(N / 3)]!, Math.floor(N / 3), N, proof, r),
  );
  line('inclusion_verify', vincl, base);
  const m = Math.floor(N * 0.7);
  const [cproof, cons] = await time(() => consistencyProof(tree.leaves, m, N));
  line('consistency_proof', cons, base);
  const oldRoot = tree.root(m);
  const [, vcons] = await time(() => verifyConsistency(m, N, cproof, oldRoot, r));
  line('consistency_verify', vcons, base);
  const key = generateKeyPairSync('ed25519').privateKey;
  const store = new DirectoryAnchorStore(dir);
  const [, pub] = await time(() =>
    publishCheckpoint({ db: db.sql, tree: new AuditTree(), store, key, now: new Date() }),
  );
  line('publish_checkpoint_full_reread', pub, base);
  const [v, ver] = await time(() => verifyAgainstAnchor(db.sql, store));
  if (!v.ok) throw new Error(`bench log did not verify: ${JSON.stringify(v)}`);
  line('db_verify_against_checkpoint', ver, base);
  console.log(
    `inclusion proof: ${proof.length} hashes; consistency proof ${m}→${N}: ${cproof.length} hashes`,
  );
} finally {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
}
