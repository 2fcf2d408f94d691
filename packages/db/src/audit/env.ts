import path from 'node:path';
import { z } from 'zod';
import { parsePublicKey } from './checkpoint.js';
import { dataDirOf } from '../cli/dev-data.js';

const AnchorEnv = z.object({
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

/** Environment of `db:verify`'s audit check, validated once. */
export const loadAuditVerifyEnv = (
  source: Record<string, string | undefined> = process.env,
): AuditVerifyEnv => {
  const r = AnchorEnv.safeParse({
    ...source,
    AUDIT_ANCHOR_DIR: source.AUDIT_ANCHOR_DIR ?? path.join(dataDirOf(source), 'anchors'),
  });
  if (!r.success)
    throw new Error(
      `Invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
};
