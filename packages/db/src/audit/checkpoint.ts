/**
 * Signed checkpoints (tree heads) and the directory anchor store that keeps them outside the database.
 *
 * A checkpoint signs, with Ed25519, the body
 *   `tia-audit-checkpoint/v1\n<treeSize>\n<root hash, base64>\n<time, ISO 8601>\n`
 * (the shape of a C2SP transparency-log checkpoint). Each checkpoint file also carries the consistency
 * proof from the previous checkpoint and the leaf hashes added since it, so a verifier holding only the
 * anchor directory can name the first event that no longer matches. Files are created exclusively and
 * never overwritten; the public key is published next to them as `public-key.pem`.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { link, mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Hash } from './merkle.js';

export const CHECKPOINT_FORMAT = 'tia-audit-checkpoint/v1';
export const PUBLIC_KEY_FILE = 'public-key.pem';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Parses AUDIT_SIGNING_KEY: strict base64 of either a PKCS#8 DER Ed25519 private key or a raw 32-byte seed.
 * Throws with a message that never echoes the key.
 */
export const parseSigningKey = (value: string): KeyObject => {
  const v = value.trim();
  if (!STRICT_BASE64.test(v) || v.length === 0) throw new Error('must be strict base64');
  const der = Buffer.from(v, 'base64');
  const pkcs8 = der.length === 32 ? Buffer.concat([PKCS8_ED25519_PREFIX, der]) : der;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('must be an Ed25519 private key (PKCS#8 DER) or a 32-byte seed, base64');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('must be an Ed25519 key');
  return key;
};

/** A public key from PEM (SPKI) or strict base64 of SPKI DER. */
export const parsePublicKey = (value: string): KeyObject => {
  const v = value.trim();
  const key = v.startsWith('-----BEGIN')
    ? createPublicKey(v)
    : createPublicKey({ key: Buffer.from(v, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the audit public key must be Ed25519');
  return key;
};

/** First 16 hex digits of SHA-256 over the SPKI DER: names the key in each checkpoint. */
export const keyId = (publicKey: KeyObject): string =>
  createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);

export interface TreeHead {
  treeSize: number;
  rootHash: Hash;
  time: Date;
}

export const checkpointBody = (h: TreeHead): string =>
  `${CHECKPOINT_FORMAT}\n${h.treeSize}\n${h.rootHash.toString('base64')}\n${h.time.toISOString()}\n`;

const b64 = z.string().regex(STRICT_BASE64);
const CheckpointFile = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  treeSize: z.number().int().min(0),
  rootHash: b64,
  time: z.iso.datetime(),
  keyId: z.string(),
  signature: b64,
  previous: z.object({ treeSize: z.number().int().min(0), rootHash: b64 }).nullable(),
  consistencyProof: z.array(b64),
  leaves: z.object({ from: z.number().int().min(0), hashes: b64 }),
});
export type CheckpointFile = z.infer<typeof CheckpointFile>;

/** A checkpoint read back from the anchor store, with its fields decoded. */
export interface AuditCheckpoint extends TreeHead {
  file: string;
  keyId: string;
  signature: Buffer;
  previous: { treeSize: number; rootHash: Hash } | null;
  consistencyProof: Hash[];
  leavesFrom: number;
  leaves: Hash[];
}

const splitHashes = (b: Buffer): Hash[] => {
  if (b.length % 32 !== 0) throw new Error('leaf hashes are not a multiple of 32 bytes');
  const out: Hash[] = [];
  for (let i = 0; i < b.length; i += 32) out.push(b.subarray(i, i + 32));
  return out;
};

export const signCheckpoint = (
  key: KeyObject,
  head: TreeHead,
  extra: {
    previous: TreeHead | null;
    consistencyProof: readonly Hash[];
    leavesFrom: number;
    leaves: readonly Hash[];
  },
): CheckpointFile => ({
  format: CHECKPOINT_FORMAT,
  treeSize: head.treeSize,
  rootHash: head.rootHash.toString('base64'),
  time: head.time.toISOString(),
  keyId: keyId(createPublicKey(key)),
  signature: sign(null, Buffer.from(checkpointBody(head)), key).toString('base64'),
  previous: extra.previous
    ? { treeSize: extra.previous.treeSize, rootHash: extra.previous.rootHash.toString('base64') }
    : null,
  consistencyProof: extra.consistencyProof.map((h) => h.toString('base64')),
  leaves: { from: extra.leavesFrom, hashes: Buffer.concat(extra.leaves).toString('base64') },
});

/** Does the signature over (treeSize, rootHash, time) verify with this public key? */
export const checkpointSignatureValid = (
  c: TreeHead & { signature: Buffer },
  publicKey: KeyObject,
): boolean => verify(null, Buffer.from(checkpointBody(c)), publicKey, c.signature);

/** The name of a checkpoint's file (or object key): sorts by tree size, then time. */
export const checkpointFileName = (c: CheckpointFile) =>
  `checkpoint-${String(c.treeSize).padStart(15, '0')}-${c.time.replace(/[:.]/g, '')}.json`;
export const CHECKPOINT_NAME = /^checkpoint-.*\.json$/;

/** Decodes one stored checkpoint; throws naming `where` when it is not a valid checkpoint. */
export const parseCheckpoint = (where: string, text: string): AuditCheckpoint => {
  let parsed: CheckpointFile;
  try {
    parsed = CheckpointFile.parse(JSON.parse(text));
  } catch (e) {
    throw new Error(`anchor file ${where} is not a valid checkpoint: ${(e as Error).message}`);
  }
  return {
    file: where,
    treeSize: parsed.treeSize,
    rootHash: Buffer.from(parsed.rootHash, 'base64'),
    time: new Date(parsed.time),
    keyId: parsed.keyId,
    signature: Buffer.from(parsed.signature, 'base64'),
    previous: parsed.previous
      ? { treeSize: parsed.previous.treeSize, rootHash: Buffer.from(parsed.previous.rootHash, 'base64') }
      : null,
    consistencyProof: parsed.consistencyProof.map((h) => Buffer.from(h, 'base64')),
    leavesFrom: parsed.leaves.from,
    leaves: splitHashes(Buffer.from(parsed.leaves.hashes, 'base64')),
  };
};

export const byTreeSizeThenTime = (a: AuditCheckpoint, b: AuditCheckpoint) =>
  a.treeSize - b.treeSize || a.time.getTime() - b.time.getTime();

/**
 * Where signed checkpoints live, outside the database: a directory (`DirectoryAnchorStore`, default) or an
 * S3-compatible bucket with object lock (`S3AnchorStore`, production). Checkpoints are written once and never
 * replaced; the Ed25519 public key is published beside them.
 */
export interface AnchorStore {
  /** For messages: the directory, or `s3://bucket/prefix`. */
  readonly location: string;
  /** Publishes the public key, or checks that the one already published is this key. */
  publishPublicKey(publicKey: KeyObject): Promise<void>;
  readPublicKey(): Promise<KeyObject | null>;
  /** Stores a new checkpoint; fails if one of that name exists (never overwrites). Returns where. */
  write(c: CheckpointFile): Promise<string>;
  /** Every checkpoint, ordered by tree size then time. Malformed ones throw, naming them. */
  list(): Promise<AuditCheckpoint[]>;
}

/** The anchor store as a directory: one file per checkpoint, created exclusively, never rewritten. */
export class DirectoryAnchorStore implements AnchorStore {
  constructor(readonly dir: string) {}

  get location(): string {
    return this.dir;
  }

  /** Publishes the public key, or checks that the one already published is this key. */
  async publishPublicKey(publicKey: KeyObject): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    try {
      await writeFile(path.join(this.dir, PUBLIC_KEY_FILE), pem, { flag: 'wx', mode: 0o444 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const published = parsePublicKey(await readFile(path.join(this.dir, PUBLIC_KEY_FILE), 'utf8'));
      if (keyId(published) !== keyId(publicKey))
        throw new Error(
          `the anchor directory ${this.dir} publishes another public key (${keyId(published)}); this signing key is ${keyId(publicKey)}`,
        );
    }
  }

  async readPublicKey(): Promise<KeyObject | null> {
    try {
      return parsePublicKey(await readFile(path.join(this.dir, PUBLIC_KEY_FILE), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  /** Writes a new checkpoint file; fails if a file of that name exists (never overwrites). */
  async write(c: CheckpointFile): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, checkpointFileName(c));
    // Written aside, then linked into place: a reader never sees half a file, and link() refuses to replace
    // an existing checkpoint.
    const tmp = path.join(this.dir, `.tmp-${randomUUID()}`);
    await writeFile(tmp, `${JSON.stringify(c, null, 1)}\n`, { flag: 'wx', mode: 0o444 });
    try {
      await link(tmp, file);
    } finally {
      await unlink(tmp);
    }
    return file;
  }

  /** Every checkpoint, ordered by tree size then time. Malformed files throw, naming the file. */
  async list(): Promise<AuditCheckpoint[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: AuditCheckpoint[] = [];
    for (const name of names.filter((n) => CHECKPOINT_NAME.test(n)).sort()) {
      const file = path.join(this.dir, name);
      out.push(parseCheckpoint(file, await readFile(file, 'utf8')));
    }
    return out.sort(byTreeSizeThenTime);
  }
}
