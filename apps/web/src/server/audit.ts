import path from 'node:path';
import {
  parsePublicKey,
  refineS3AnchorEnv,
  s3AnchorEnvSchema,
  s3AnchorStoreFromEnv,
  type AnchorStore,
} from '@tia/db';
import { serverEnv, serverEnvWith } from '../env';

type Settings = { anchorDir: string; store?: AnchorStore; publicKey?: string };
let cached: Settings | undefined;

/**
 * Where the audit log's signed checkpoints are read from: AUDIT_ANCHOR_DIR, else `<DATA_DIR>/anchors` as for
 * `npm run db:verify`; the S3 bucket instead when AUDIT_ANCHOR_S3_URL is set. A pinned AUDIT_PUBLIC_KEY is
 * checked once; a bad one is a readable configuration error.
 */
export function auditSettings(): Settings {
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
  const store = s3AnchorStoreFromEnv(serverEnvWith(s3AnchorEnvSchema.superRefine(refineS3AnchorEnv)));
  cached = {
    anchorDir,
    ...(store ? { store } : {}),
    ...(env.AUDIT_PUBLIC_KEY ? { publicKey: env.AUDIT_PUBLIC_KEY } : {}),
  };
  return cached;
}
