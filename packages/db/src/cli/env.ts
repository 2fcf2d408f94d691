import { z } from 'zod';
import { databaseUrlOf, NO_DATABASE_MESSAGE } from './dev-data.js';

/**
 * Environment of the db scripts (`npm run db:migrate`), validated at start-up. Without DATABASE_URL they use
 * the embedded database of a running `npm start`.
 */
export const loadDbScriptEnv = (source: Record<string, string | undefined> = process.env) => {
  const r = z
    .object({
      DATABASE_URL: z
        .string({ message: NO_DATABASE_MESSAGE })
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
      MASTER_KEY: z.string().optional(),
      /** Base64, as the web app reads it; only `db:rebuild -- accounts` needs it. */
      AUTH_SECRET: z
        .string()
        .transform((v) => Buffer.from(v.trim(), 'base64'))
        .refine((b) => b.length >= 32, 'must be at least 32 bytes, base64')
        .optional(),
    })
    .safeParse({ ...source, DATABASE_URL: databaseUrlOf(source) });
  if (!r.success) {
    throw new Error(
      `Invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
};
