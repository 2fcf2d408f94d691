/**
 * Mirrors published checkpoints and their leaf hashes into the database (migration 0012) so the web app can
 * build inclusion proofs. The anchor store stays the authority: everything read back here is checked against
 * the checkpoint's signature.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Queryable } from '../sql.js';
import { checkpointSignatureValid, keyId, parsePublicKey } from './checkpoint.js';
import { verifyInclusion, inclusionProof, type Hash } from './merkle.js';
import { requestCheckpoint, type AuditTree, type Published } from './log.js';
import { readSealed } from './digest.js';

export const mirrorCheckpoint = async (
  db: Queryable,
  tree: AuditTree,
  published: Published & { signature: Buffer },
  key: KeyObject,
): Promise<void> => {
  const publicKey = createPublicKey(key);
  const [m] = await db<{ n: string }[]>`select coalesce(max(seq), 0)::text as n from audit_leaves`;
  const from = Math.min(Number(m!.n), published.treeSize);
  for (let i = from; i < published.treeSize; i += 5000) {
    const end = Math.min(i + 5000, published.treeSize);
    const rows = tree.leaves.slice(i, end).map((leaf, k) => ({ seq: i + k + 1, leaf }));
    await db`insert into audit_leaves ${db(rows, 'seq', 'leaf')} on conflict (seq) do nothing`;
  }
  await db`insert into audit_checkpoints (tree_size, root_hash, signed_at, key_id, signature, public_key, file)
           values (${published.treeSize}, ${published.rootHash}, ${published.time}, ${keyId(publicKey)},
                   ${published.signature}, ${publicKey.export({ format: 'pem', type: 'spki' }).toString()},
                   ${published.file})
           on conflict do nothing`;
};

export interface InclusionReceipt {
  /** The event's position in the log: seq 1 is leaf 0. */
  seq: number;
  leafIndex: number;
  /** H(0x00 ‖ event digest), recomputed now from the stored event. */
  leafHash: string;
  path: string[];
  checkpoint: {
    treeSize: number;
    rootHash: string;
    signedAt: string;
    keyId: string;
    signature: string;
    publicKey: string;
  };
  /** The proof checked here against the signed root, with the signature checked against the key. */
  verified: boolean;
}

/**
 * An inclusion proof for the sealed event at `globalPosition` against the latest mirrored checkpoint, or
 * `{ pending }` when it is not sealed or not yet covered by a checkpoint.
 */
export const inclusionReceipt = async (
  db: Queryable,
  globalPosition: number,
): Promise<InclusionReceipt | { pending: 'not_sealed' | 'no_checkpoint_yet' }> => {
  const [c] = await db<{ seq: string }[]>`
    select seq::text as seq from event_chain where global_position = ${globalPosition}`;
  if (!c) return { pending: 'not_sealed' };
  const seq = Number(c.seq);
  const [cp] = await db<
    {
      tree_size: string;
      root_hash: Buffer;
      signed_at: Date;
      key_id: string;
      signature: Buffer;
      public_key: string;
    }[]
  >`select tree_size::text as tree_size, root_hash, signed_at, key_id, signature, public_key
      from audit_checkpoints order by tree_size desc, signed_at desc limit 1`;
  if (!cp || Number(cp.tree_size) < seq) return { pending: 'no_checkpoint_yet' };
  const treeSize = Number(cp.tree_size);
  const rows = await db<{ leaf: Buffer }[]>`
    select leaf from audit_leaves where seq <= ${treeSize} order by seq`;
  const leaves: Hash[] = rows.map((r) => r.leaf);
  const [own] = await readSealed(db, seq - 1, 1);
  const leaf = own?.leaf ?? null;
  const publicKey = parsePublicKey(cp.public_key);
  const head = { treeSize, rootHash: cp.root_hash, time: cp.signed_at, signature: cp.signature };
  const path = leaves.length === treeSize ? inclusionProof(leaves, seq - 1, treeSize) : [];
  const verified =
    leaf !== null &&
    leaves.length === treeSize &&
    keyId(publicKey) === cp.key_id &&
    checkpointSignatureValid(head, publicKey) &&
    verifyInclusion(leaf, seq - 1, treeSize, path, cp.root_hash);
  return {
    seq,
    leafIndex: seq - 1,
    leafHash: leaf ? leaf.toString('base64') : '',
    path: path.map((h) => h.toString('base64')),
    checkpoint: {
      treeSize,
      rootHash: cp.root_hash.toString('base64'),
      signedAt: cp.signed_at.toISOString(),
      keyId: cp.key_id,
      signature: cp.signature.toString('base64'),
      publicKey: cp.public_key,
    },
    verified,
  };
};

/**
 * Asks the worker for a checkpoint now and waits until it has been published (seen in its mirror): the
 * checkpoint, or null when none came within `timeoutMs` (worker not running, or checkpoints off or refused).
 */
export const requestCheckpointAndWait = async (
  db: Queryable,
  timeoutMs = 30_000,
): Promise<{ treeSize: number; signedAt: Date; file: string } | null> => {
  const [before] = await db<{ at: Date | null }[]>`select max(signed_at) as at from audit_checkpoints`;
  const since = before?.at ?? new Date(0);
  await requestCheckpoint(db);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const [c] = await db<{ tree_size: string; signed_at: Date; file: string }[]>`
      select tree_size::text as tree_size, signed_at, file from audit_checkpoints
       where signed_at > ${since} order by signed_at desc limit 1`;
    if (c) return { treeSize: Number(c.tree_size), signedAt: c.signed_at, file: c.file };
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
};
