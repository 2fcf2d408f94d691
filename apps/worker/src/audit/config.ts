import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  DirectoryAnchorStore,
  parseSigningKey,
  refineS3AnchorEnv,
  s3AnchorEnvSchema,
  s3AnchorStoreFromEnv,
  type AnchorStore,
  type S3AnchorEnv,
} from '@tia/db';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** Audit checkpoint settings of the worker environment; merge with `Env.extend(auditEnvSchema.shape)`. */
export const auditEnvSchema = s3AnchorEnvSchema.extend({
  /** Ed25519 private key (strict base64: PKCS#8 DER or a raw 32-byte seed). Never stored in the database. */
  AUDIT_SIGNING_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v, ctx): KeyObject => {
        try {
          return parseSigningKey(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: `AUDIT_SIGNING_KEY ${(e as Error).message}` });
          return z.NEVER;
        }
      })
      .optional(),
  ),
  /** The anchor store: a directory outside the database, unless AUDIT_ANCHOR_S3_URL names a bucket. */
  AUDIT_ANCHOR_DIR: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  /** A signed checkpoint is published this often when events were sealed since the last one. */
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
});

/** The signing key and an anchor store (directory or bucket) come together, or checkpoints are off. */
export const refineAuditEnv = (
  env: S3AnchorEnv & { AUDIT_SIGNING_KEY?: KeyObject | undefined; AUDIT_ANCHOR_DIR?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  refineS3AnchorEnv(env, ctx);
  const anchored = env.AUDIT_ANCHOR_DIR !== undefined || env.AUDIT_ANCHOR_S3_URL !== undefined;
  if ((env.AUDIT_SIGNING_KEY === undefined) === anchored)
    ctx.addIssue({
      code: 'custom',
      path: [env.AUDIT_SIGNING_KEY ? 'AUDIT_ANCHOR_DIR' : 'AUDIT_SIGNING_KEY'],
      message:
        'AUDIT_SIGNING_KEY and AUDIT_ANCHOR_DIR (or AUDIT_ANCHOR_S3_URL) must be set together (or both left unset)',
    });
};

/** Where the worker publishes checkpoints: the bucket when AUDIT_ANCHOR_S3_URL is set, else the directory. */
export const anchorStoreOf = (
  env: S3AnchorEnv & { AUDIT_ANCHOR_DIR?: string | undefined },
): AnchorStore | null =>
  s3AnchorStoreFromEnv(env) ?? (env.AUDIT_ANCHOR_DIR ? new DirectoryAnchorStore(env.AUDIT_ANCHOR_DIR) : null);
