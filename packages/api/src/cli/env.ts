import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { secretProblem } from '@tia/db/secrets';
import { databaseUrlOf, dataDirOf, NO_DATABASE_MESSAGE } from '@tia/db/dev-data';
import { z } from 'zod';

/**
 * Environment of the api command-line tools (`npm run admin:bootstrap`), validated at start-up.
 * MASTER_KEY / AUTH_SECRET fall back to the development secrets `npm start` keeps under DATA_DIR, and
 * DATABASE_URL to the embedded database of a running `npm start`.
 */
export const loadCliEnv = (source: Record<string, string | undefined> = process.env) => {
  const r = z
    .object({
      DATABASE_URL: z
        .string({ message: NO_DATABASE_MESSAGE })
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
      MASTER_KEY: z.string().optional(),
      AUTH_SECRET: z.string().optional(),
      DATA_DIR: z.string(),
    })
    .safeParse({ ...source, DATABASE_URL: databaseUrlOf(source), DATA_DIR: dataDirOf(source) });
  if (!r.success) {
    throw new Error(
      `Invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const devFile = (name: string, variable: string) => {
    const file = path.join(r.data.DATA_DIR, name);
    if (!existsSync(file)) throw new Error(`Invalid environment: ${variable} is required (32 bytes, base64)`);
    return readFileSync(file, 'utf8').trim();
  };
  const MASTER_KEY = r.data.MASTER_KEY ?? devFile('master.key', 'MASTER_KEY');
  const AUTH_SECRET = r.data.AUTH_SECRET ?? devFile('auth.secret', 'AUTH_SECRET');
  for (const [name, v] of [
    ['MASTER_KEY', MASTER_KEY],
    ['AUTH_SECRET', AUTH_SECRET],
  ] as const) {
    const problem = secretProblem(name, v);
    if (problem) throw new Error(`Invalid environment: ${problem}`);
  }
  return { DATABASE_URL: r.data.DATABASE_URL, MASTER_KEY, AUTH_SECRET };
};
