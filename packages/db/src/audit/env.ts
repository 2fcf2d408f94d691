import path from 'node:path';
import { z } from 'zod';
import { DirectoryAnchorStore, parsePublicKey, type AnchorStore } from './checkpoint.js';
import { S3AnchorStore } from './s3-anchor.js';
import { dataDirOf } from '../cli/dev-data.js';

const blank = (v: unknown) => (v === '' ? undefined : v);

/**
 * The production anchor store, an S3-compatible bucket with object lock: set AUDIT_ANCHOR_S3_URL and the
 * rest (bucket and keys required). Shared by the worker (writes) and `db:verify` / the console (reads).
 */
export const s3AnchorEnvSchema = z.object({
  AUDIT_ANCHOR_S3_URL: z.preprocess(blank, z.url({ protocol: /^https?$/ }).optional()),
  AUDIT_ANCHOR_S3_BUCKET: z.preprocess(blank, z.string().min(3).max(63).optional()),
  AUDIT_ANCHOR_S3_REGION: z.preprocess(blank, z.string().min(2).max(40).default('us-east-1')),
  AUDIT_ANCHOR_S3_PREFIX: z.preprocess(blank, z.string().max(200).default('')),
  AUDIT_ANCHOR_S3_ACCESS_KEY_ID: z.preprocess(blank, z.string().min(1).max(256).optional()),
  AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY: z.preprocess(blank, z.string().min(1).max(256).optional()),
  AUDIT_ANCHOR_S3_RETENTION_DAYS: z.preprocess(
    blank,
    z.coerce.number().int().min(1).max(36_500).default(3650),
  ),
});
export type S3AnchorEnv = z.infer<typeof s3AnchorEnvSchema>;

/** With AUDIT_ANCHOR_S3_URL set, the bucket and both keys are required. */
export const refineS3AnchorEnv = (env: S3AnchorEnv, ctx: z.RefinementCtx) => {
  if (!env.AUDIT_ANCHOR_S3_URL) return;
  for (const k of [
    'AUDIT_ANCHOR_S3_BUCKET',
    'AUDIT_ANCHOR_S3_ACCESS_KEY_ID',
    'AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY',
  ] as const)
    if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: `required with AUDIT_ANCHOR_S3_URL` });
};

/** The S3 anchor store the environment names, or null when AUDIT_ANCHOR_S3_URL is unset. */
export const s3AnchorStoreFromEnv = (env: S3AnchorEnv): S3AnchorStore | null =>
  env.AUDIT_ANCHOR_S3_URL
    ? new S3AnchorStore({
        endpoint: env.AUDIT_ANCHOR_S3_URL,
        bucket: env.AUDIT_ANCHOR_S3_BUCKET ?? '',
        region: env.AUDIT_ANCHOR_S3_REGION,
        prefix: env.AUDIT_ANCHOR_S3_PREFIX,
        accessKeyId: env.AUDIT_ANCHOR_S3_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY ?? '',
        retentionDays: env.AUDIT_ANCHOR_S3_RETENTION_DAYS,
      })
    : null;

const AnchorEnv = s3AnchorEnvSchema.extend({
  /** Where the worker publishes signed checkpoints (default `<DATA_DIR>/anchors`, as under `npm start`). */
  AUDIT_ANCHOR_DIR: z.string().min(1),
  /** Pins the checkpoint key (PEM or base64 SPKI); else the key published in the anchor directory. */
  AUDIT_PUBLIC_KEY: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parsePublicKey(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be an Ed25519 public key (PEM or base64 SPKI DER)' });
      }
    }),
});

export type AuditVerifyEnv = z.infer<typeof AnchorEnv>;

/** The bucket when AUDIT_ANCHOR_S3_URL is set, else the directory. */
export const anchorStoreFromEnv = (env: AuditVerifyEnv): AnchorStore =>
  s3AnchorStoreFromEnv(env) ?? new DirectoryAnchorStore(env.AUDIT_ANCHOR_DIR);

/** Environment of `db:verify`'s audit check, validated once. */
export const loadAuditVerifyEnv = (
  source: Record<string, string | undefined> = process.env,
): AuditVerifyEnv => {
  const r = AnchorEnv.superRefine(refineS3AnchorEnv).safeParse({
    ...source,
    AUDIT_ANCHOR_DIR: source.AUDIT_ANCHOR_DIR ?? path.join(dataDirOf(source), 'anchors'),
  });
  if (!r.success)
    throw new Error(
      `Invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
};
