import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from './merkle.js';

// The eight inputs and expected roots used by the Certificate Transparency implementations' tests (RFC 6962).
const INPUTS = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leaves = INPUTS.map((h) => leafHash(Buffer.from(h, 'hex')));
const hex = (hs: readonly Hash[]) => hs.map((h) => h.toString('hex'));
const randomLeaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`entry-${i}`)));
const flip = (h: Hash) => {
  const c = Buffer.from(h);
  c[0] = c[0]! ^ 1;
  return c;
};

describe('RFC 6962 Merkle tree', () => {
  it('computes the reference roots for 0..8 leaves', () => {
    expect(rootOf([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(EMPTY_ROOT.equals(rootOf([]))).toBe(true);
    for (let n = 1; n <= 8; n++) expect(rootOf(leaves, 0, n).toString('hex')).toBe(ROOTS[n - 1]);
  });

  it('produces the reference inclusion and consistency paths', () => {
    expect(hex(inclusionProof(leaves, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(leaves, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(leaves, 1, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(leaves, 6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(leaves, 2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });

  it('every inclusion proof verifies, and fails for another leaf, index, path or root', () => {
    const all = randomLeaves(37);
    for (let n = 1; n <= all.length; n++) {
      const root = rootOf(all, 0, n);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(all, i, n);
        expect(verifyInclusion(all[i]!, i, n, proof, root)).toBe(true);
        expect(verifyInclusion(flip(all[i]!), i, n, proof, root)).toBe(false);
        expect(verifyInclusion(all[i]!, i, n, proof, flip(root))).toBe(false);
        if (n > 1) expect(verifyInclusion(all[i]!, (i + 1) % n, n, proof, root)).toBe(false);
        if (proof.length > 0) {
          expect(verifyInclusion(all[i]!, i, n, proof.slice(1), root)).toBe(false);
          expect(verifyInclusion(all[i]!, i, n, [...proof.slice(0, -1), flip(proof.at(-1)!)], root)).toBe(
            false,
          );
        }
      }
    }
  });

  it('every consistency proof verifies, and fails when the old tree was rewritten', () => {
    const all = randomLeaves(33);
    const rewritten = [...all];
    for (let n = 1; n <= all.length; n++) {
      const newRoot = rootOf(all, 0, n);
      for (let m = 0; m <= n; m++) {
        const oldRoot = rootOf(all, 0, m);
        const proof = consistencyProof(all, m, n);
        expect(verifyConsistency(m, n, proof, oldRoot, newRoot)).toBe(true);
        if (m > 0) {
          expect(verifyConsistency(m, n, proof, flip(oldRoot), newRoot)).toBe(false);
          expect(verifyConsistency(m, n, proof, oldRoot, flip(newRoot))).toBe(false);
          // The log rewrote entry m-1 (inside the old tree): no proof from the new log matches the old root.
          rewritten[m - 1] = flip(all[m - 1]!);
          const forged = consistencyProof(rewritten, m, n);
          expect(verifyConsistency(m, n, forged, oldRoot, rootOf(rewritten, 0, n))).toBe(false);
          rewritten[m - 1] = all[m - 1]!;
        }
      }
    }
  });

  it('rejects out-of-range arguments', () => {
    expect(() => inclusionProof(leaves, 8, 8)).toThrow(RangeError);
    expect(() => consistencyProof(leaves, 5, 4)).toThrow(RangeError);
    expect(verifyInclusion(leaves[0]!, 0, 0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(5, 4, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
    expect(verifyConsistency(4, 4, [], rootOf(leaves, 0, 4), rootOf(leaves, 0, 4))).toBe(true);
  });
});
