/**
 * Merkle tree hashes, inclusion and consistency proofs as defined by Certificate Transparency
 * (RFC 6962 §2.1, verification algorithms from RFC 9162 §2.1.3.2 and §2.1.4.2), SHA-256.
 *
 * Leaves are given as their leaf hashes (`leafHash(data)` = H(0x00 ‖ data)); inner nodes are
 * H(0x01 ‖ left ‖ right). Sizes and indexes are plain numbers (exact up to 2^53), so the arithmetic below
 * uses division instead of 32-bit bit operators.
 */
import { createHash } from 'node:crypto';

export type Hash = Buffer;

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** H(0x00 ‖ data): the hash of one log entry. */
export const leafHash = (data: Uint8Array): Hash => createHash('sha256').update(LEAF).update(data).digest();

/** H(0x01 ‖ left ‖ right). */
export const nodeHash = (left: Hash, right: Hash): Hash =>
  createHash('sha256').update(NODE).update(left).update(right).digest();

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** Largest power of two strictly smaller than n (n ≥ 2). */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/**
 * MTH(D[n]) over leaf hashes: an O(n) fold that keeps one pending hash per level (the "compact range"
 * of perfect subtrees), equivalent to the recursive definition.
 */
export const rootOf = (leaves: readonly Hash[], from = 0, to = leaves.length): Hash => {
  if (to - from === 0) return EMPTY_ROOT;
  // stack[i] holds the root of a perfect subtree of 2^sizes[i] leaves, sizes strictly decreasing.
  const stack: Hash[] = [];
  const sizes: number[] = [];
  for (let i = from; i < to; i++) {
    let h = leaves[i]!;
    let s = 0;
    while (sizes.length > 0 && sizes[sizes.length - 1] === s) {
      h = nodeHash(stack.pop()!, h);
      sizes.pop();
      s++;
    }
    stack.push(h);
    sizes.push(s);
  }
  let root = stack.pop()!;
  while (stack.length > 0) root = nodeHash(stack.pop()!, root);
  return root;
};

/** PATH(m, D[n]) of RFC 6962 §2.1.1: the audit path of leaf `index`, from the leaf up. */
export const inclusionProof = (leaves: readonly Hash[], index: number, size = leaves.length): Hash[] => {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size || size > leaves.length)
    throw new RangeError(`no leaf ${index} in a tree of ${size}`);
  const path: Hash[] = [];
  const walk = (m: number, from: number, to: number): void => {
    const n = to - from;
    if (n <= 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, from, from + k);
      path.push(rootOf(leaves, from + k, to));
    } else {
      walk(m - k, from + k, to);
      path.push(rootOf(leaves, from, from + k));
    }
  };
  walk(index, 0, size);
  return path;
};

/** PROOF(m, D[n]) of RFC 6962 §2.1.2: proves the tree of `oldSize` leaves is a prefix of the tree of `newSize`. */
export const consistencyProof = (
  leaves: readonly Hash[],
  oldSize: number,
  newSize = leaves.length,
): Hash[] => {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize || newSize > leaves.length)
    throw new RangeError(`no consistency proof from ${oldSize} to ${newSize}`);
  const proof: Hash[] = [];
  if (oldSize === 0 || oldSize === newSize) return proof;
  const sub = (m: number, from: number, to: number, complete: boolean): void => {
    const n = to - from;
    if (m === n) {
      if (!complete) proof.push(rootOf(leaves, from, to));
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, from, from + k, complete);
      proof.push(rootOf(leaves, from + k, to));
    } else {
      sub(m - k, from + k, to, false);
      proof.push(rootOf(leaves, from, from + k));
    }
  };
  sub(oldSize, 0, newSize, true);
  return proof;
};

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` at `index` in the tree of `size` leaves with this root? */
export const verifyInclusion = (
  leaf: Hash,
  index: number,
  size: number,
  proof: readonly Hash[],
  root: Hash,
): boolean => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
};

/** RFC 9162 §2.1.4.2: is the tree (oldSize, oldRoot) a prefix of the tree (newSize, newRoot)? */
export const verifyConsistency = (
  oldSize: number,
  newSize: number,
  proof: readonly Hash[],
  oldRoot: Hash,
  newRoot: Hash,
): boolean => {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize)
    return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.equals(newRoot);
  if (oldSize === 0) return proof.length === 0 && oldRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  let path = [...proof];
  // A power-of-two old tree is itself a node of the new one: its root starts the path.
  if (Number.isInteger(Math.log2(oldSize))) path = [oldRoot, ...path];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return fr.equals(oldRoot) && sr.equals(newRoot) && sn === 0;
};
