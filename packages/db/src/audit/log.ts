/**
 * The audit log: a Merkle tree (RFC 6962) over the sealed chain in sequence order, whose leaves are the
 * application's own event digests; signed checkpoints of it published outside the database; and the
 * verifier that holds the database to the latest checkpoint.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Queryable } from '../sql.js';
import {
  checkpointSignatureValid,
  keyId,
  signCheckpoint,
  type AuditCheckpoint,
  type AnchorStore,
} from './checkpoint.js';
import { readSealed, type SealedEntry } from './digest.js';
import { consistencyProof, inclusionProof, rootOf, verifyConsistency, type Hash } from './merkle.js';

/** The log in the database no longer extends what was signed: nothing is published, operators are alerted. */
export class AuditLogRewrittenError extends Error {
  override name = 'AuditLogRewrittenError';
}

/** The leaf hashes of the sealed chain, loaded from the database and extended as the sealer goes on. */
export class AuditTree {
  readonly leaves: Hash[] = [];

  get size(): number {
    return this.leaves.length;
  }

  /** Reads entries sealed since the last sync; a gap or a vanished row stops it with an error. */
  async sync(db: Queryable, batch = 5000): Promise<number> {
    const before = this.size;
    for (;;) {
      const rows = await readSealed(db, this.size, batch);
      for (const r of rows) {
        if (r.seq !== this.size + 1)
          throw new AuditLogRewrittenError(`the sealed chain has no entry #${this.size + 1}`);
        if (!r.leaf)
          throw new AuditLogRewrittenError(
            `sealed entry #${r.seq} points at event ${r.globalPosition}, which is gone`,
          );
        this.leaves.push(r.leaf);
      }
      if (rows.length < batch) return this.size - before;
    }
  }

  root(size = this.size): Hash {
    return rootOf(this.leaves, 0, size);
  }
}

export interface Published {
  file: string;
  signature: Buffer;
  treeSize: number;
  rootHash: Hash;
  time: Date;
}

/**
 * Signs and publishes a checkpoint of `tree` after checking it against the latest published one: the new
 * tree must contain the old one (RFC 6962 consistency), else AuditLogRewrittenError and nothing is written.
 * Returns null when nothing was sealed since the last checkpoint (unless `force`).
 */
export const publishCheckpoint = async (opts: {
  db: Queryable;
  tree: AuditTree;
  store: AnchorStore;
  key: KeyObject;
  now: Date;
  force?: boolean;
}): Promise<Published | null> => {
  const { tree, store, key } = opts;
  const publicKey = createPublicKey(key);
  await store.publishPublicKey(publicKey);
  await tree.sync(opts.db);
  const all = await store.list();
  const prev = all.at(-1) ?? null;
  if (prev) {
    if (prev.keyId !== keyId(publicKey) || !checkpointSignatureValid(prev, publicKey))
      throw new AuditLogRewrittenError(`the latest checkpoint ${prev.file} is not signed by this key`);
    if (prev.treeSize > tree.size)
      throw new AuditLogRewrittenError(
        `the sealed chain has ${tree.size} entries but checkpoint ${prev.file} signed ${prev.treeSize}: its tail was cut`,
      );
  }
  const size = tree.size;
  const root = tree.root();
  const proof = prev ? consistencyProof(tree.leaves, prev.treeSize, size) : [];
  if (prev && !verifyConsistency(prev.treeSize, size, proof, prev.rootHash, root))
    throw new AuditLogRewrittenError(
      `the first ${prev.treeSize} sealed events no longer hash to checkpoint ${prev.file}: the log was rewritten`,
    );
  if (prev && prev.treeSize === size && !opts.force) return null;
  // A clock that went backwards must not produce a checkpoint that sorts before its predecessor.
  const time = prev && opts.now <= prev.time ? new Date(prev.time.getTime() + 1) : opts.now;
  const from = prev?.treeSize ?? 0;
  const signed = signCheckpoint(
    key,
    { treeSize: size, rootHash: root, time },
    {
      previous: prev,
      consistencyProof: proof,
      leavesFrom: from,
      leaves: tree.leaves.slice(from, size),
    },
  );
  const file = await store.write(signed);
  return { file, treeSize: size, rootHash: root, time, signature: Buffer.from(signed.signature, 'base64') };
};

export type AuditProblem =
  | 'anchor_invalid'
  | 'event_changed'
  | 'event_missing'
  | 'event_inserted'
  | 'tail_truncated'
  | 'event_backdated';

export type AuditVerdict =
  | { ok: true; anchored: false; checked: number }
  | {
      ok: true;
      anchored: true;
      checkpoint: { treeSize: number; time: string; file: string; keyId: string };
      checked: number;
      /** Sealed after the latest checkpoint: covered by the database's chain only, until the next one. */
      notYetAnchored: number;
    }
  | {
      ok: false;
      problem: AuditProblem;
      firstBad: { seq?: number; globalPosition?: number; eventId?: string };
      detail: string;
    };

const bad = (
  problem: AuditProblem,
  firstBad: { seq?: number; globalPosition?: number; eventId?: string },
  detail: string,
): AuditVerdict => ({ ok: false, problem, firstBad, detail });

const named = (e: SealedEntry) => ({
  seq: e.seq,
  globalPosition: e.globalPosition,
  ...(e.event ? { eventId: e.event.eventId } : {}),
});

/** Checks the anchor store on its own: signatures, and that every checkpoint extends the previous ones. */
const readAnchors = async (
  store: AnchorStore,
  pinned: KeyObject | undefined,
): Promise<{ latest: AuditCheckpoint; leaves: Hash[] | null; keyId: string } | AuditVerdict | null> => {
  const all = await store.list();
  if (all.length === 0) return null;
  const publicKey = pinned ?? (await store.readPublicKey());
  if (!publicKey) return bad('anchor_invalid', {}, `no public key in ${store.location}`);
  const kid = keyId(publicKey);
  const leaves: Hash[] = [];
  let complete = true;
  for (const c of all) {
    if (c.keyId !== kid || !checkpointSignatureValid(c, publicKey))
      return bad('anchor_invalid', {}, `checkpoint ${c.file} does not carry a valid signature of key ${kid}`);
    if (
      c.previous &&
      !verifyConsistency(c.previous.treeSize, c.treeSize, c.consistencyProof, c.previous.rootHash, c.rootHash)
    )
      return bad(
        'anchor_invalid',
        {},
        `checkpoint ${c.file} is not consistent with the one it names as previous`,
      );
    if (c.leavesFrom === leaves.length) leaves.push(...c.leaves);
    else if (c.leavesFrom > leaves.length) complete = false;
    if (complete && leaves.length >= c.treeSize && !rootOf(leaves, 0, c.treeSize).equals(c.rootHash))
      return bad('anchor_invalid', {}, `checkpoint ${c.file} does not extend the checkpoints before it`);
  }
  const latest = all.at(-1)!;
  return { latest, leaves: complete && leaves.length >= latest.treeSize ? leaves : null, keyId: kid };
};

/**
 * Recomputes every sealed event's digest in the application and holds the database to the latest signed
 * checkpoint: names the first event that was changed, removed, inserted, cut off the tail or back-dated.
 * `publicKey` pins the key (else the one published in the anchor directory is used).
 */
export const verifyAgainstAnchor = async (
  db: Queryable,
  store: AnchorStore,
  opts: { publicKey?: KeyObject; batch?: number } = {},
): Promise<AuditVerdict> => {
  const anchors = await readAnchors(store, opts.publicKey);
  if (anchors && 'ok' in anchors) return anchors;
  const size = anchors?.latest.treeSize ?? 0;
  const anchored = anchors?.leaves ?? null;
  const batch = opts.batch ?? 5000;
  const dbLeaves: Hash[] = [];
  let count = 0;
  let head: SealedEntry | null = null;
  for (;;) {
    const rows = await readSealed(db, count, batch);
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j]!;
      if (r.seq !== count + 1)
        return bad('event_missing', { seq: count + 1 }, `the sealed chain has no entry #${count + 1}`);
      if (!r.leaf)
        return bad('event_missing', named(r), `event ${r.globalPosition} (sealed as #${r.seq}) is gone`);
      const i = count;
      if (anchored && i < size && !r.leaf.equals(anchored[i]!)) {
        const next = rows[j + 1] ?? (await readSealed(db, r.seq, 1))[0];
        if (next?.leaf && next.leaf.equals(anchored[i]!))
          return bad(
            'event_inserted',
            named(r),
            `event ${r.globalPosition} sits at #${r.seq}, where the signed log has the next event: it was inserted`,
          );
        if (i + 1 < size && r.leaf.equals(anchored[i + 1]!))
          return bad(
            'event_missing',
            { seq: r.seq },
            `the event signed as #${r.seq} is gone (the database's #${r.seq} is the one signed as #${r.seq + 1})`,
          );
        return bad(
          'event_changed',
          named(r),
          `event ${r.globalPosition} (#${r.seq}) differs from what was signed`,
        );
      }
      if (i < size) dbLeaves.push(r.leaf);
      head = r;
      count++;
    }
    if (rows.length < batch) break;
  }
  if (count < size)
    return bad(
      'tail_truncated',
      { seq: count + 1 },
      `the database has ${count} sealed events but checkpoint ${anchors!.latest.file} signed ${size}: the tail from #${count + 1} is gone`,
    );
  if (anchors && !rootOf(dbLeaves, 0, size).equals(anchors.latest.rootHash))
    return bad('event_changed', {}, `the first ${size} sealed events do not hash to the signed root`);
  // An event that sorts before the sealed head but is not in the chain was slipped in behind the sealer:
  // the sealer only ever seals transactions older than every running one, so it cannot be a late commit.
  if (head) {
    const [b] = await db<{ global_position: string; event_id: string }[]>`
      select e.global_position::text as global_position, e.event_id::text as event_id from events e
       where (e.transaction_id, e.global_position) <
             (select c.transaction_id, c.global_position from event_chain c where c.seq = ${head.seq})
         and not exists (select 1 from event_chain c where c.global_position = e.global_position)
       order by e.transaction_id, e.global_position limit 1`;
    if (b)
      return bad(
        'event_backdated',
        { globalPosition: Number(b.global_position), eventId: b.event_id },
        `event ${b.global_position} is ordered before sealed events it was written after: it was back-dated`,
      );
  }
  if (!anchors) return { ok: true, anchored: false, checked: count };
  return {
    ok: true,
    anchored: true,
    checkpoint: {
      treeSize: size,
      time: anchors.latest.time.toISOString(),
      file: anchors.latest.file,
      keyId: anchors.keyId,
    },
    checked: count,
    notYetAnchored: count - size,
  };
};

/** An inclusion proof for the event sealed as `seq` against a tree of `treeSize` entries. */
export const proveInclusion = (tree: AuditTree, seq: number, treeSize: number) => ({
  leafIndex: seq - 1,
  treeSize,
  leafHash: tree.leaves[seq - 1]!,
  path: inclusionProof(tree.leaves, seq - 1, treeSize),
});

/** The channel the worker listens on for on-demand checkpoints. */
export const AUDIT_CHECKPOINT_CHANNEL = 'tia_audit_checkpoint';

/** Asks the running worker to publish a checkpoint now (it signs one even if nothing new was sealed). */
export const requestCheckpoint = async (db: Queryable): Promise<void> => {
  await db`select pg_notify(${AUDIT_CHECKPOINT_CHANNEL}, '')`;
};
