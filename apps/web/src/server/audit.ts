import path from 'node:path';
import { parsePublicKey } from '@tia/db';
import { serverEnv } from '../env';

let cached: { anchorDir: string; publicKey?: string } | undefined;

/**
 * Where the audit log's signed checkpoints are read from: AUDIT_ANCHOR_DIR, else `<DATA_DIR>/anchors` as for
 * `npm run db:verify`. A pinned AUDIT_PUBLIC_KEY is checked once; a bad one is a readable configuration error.
 */
export function auditSettings(): { anchorDir: string; publicKey?: string } {
  if (cached) return cached;
  const env = serverEnv();
  const anchorDir = path.resolve(env.AUDIT_ANCHOR_DIR ?? path.join(env.DATA_DIR, 'anchors'));
  if (env.AUDIT_PUBLIC_KEY) {
    try {
      parsePublicKey(env.AUDIT_PUBLIC_KEY);
    } catch {
      throw new Error(
        'Invalid environment: AUDIT_PUBLIC_KEY: must be an Ed25519 public key (PEM or base64 SPKI DER)',
      );
    }
  }
  cached = { anchorDir, ...(env.AUDIT_PUBLIC_KEY ? { publicKey: env.AUDIT_PUBLIC_KEY } : {}) };
  return cached;
}
