import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { parseSigningKey } from '@tia/db';

const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

/** Audit checkpoint settings of the worker environment; merge with `Env.extend(auditEnvSchema.shape)`. */
export const auditEnvSchema = z.object({
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
  /** The anchor store: a directory outside the database (WORM storage in production). */
  AUDIT_ANCHOR_DIR: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  /** A signed checkpoint is published this often when events were sealed since the last one. */
  AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
});

/** The signing key and the anchor directory come together, or checkpoints are off. */
export const refineAuditEnv = (
  env: { AUDIT_SIGNING_KEY?: KeyObject | undefined; AUDIT_ANCHOR_DIR?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if ((env.AUDIT_SIGNING_KEY === undefined) !== (env.AUDIT_ANCHOR_DIR === undefined))
    ctx.addIssue({
      code: 'custom',
      path: [env.AUDIT_SIGNING_KEY ? 'AUDIT_ANCHOR_DIR' : 'AUDIT_SIGNING_KEY'],
      message: 'AUDIT_SIGNING_KEY and AUDIT_ANCHOR_DIR must be set together (or both left unset)',
    });
};
