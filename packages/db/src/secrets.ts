import { z } from 'zod';

/**
 * The one check for the 32-byte secrets (MASTER_KEY, AUTH_SECRET), used by every process (web, worker, CLIs,
 * `npm start`). Node's base64 decoder skips characters it does not know, so a passphrase of the right length
 * "decodes" to 32 bytes of garbage: only canonical base64 of exactly 32 bytes (44 characters, one `=`) passes.
 */
const BASE64_32 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export const secretProblem = (name: string, text: string | undefined): string | null => {
  if (text === undefined || text.trim() === '') return `${name} is required (openssl rand -base64 32)`;
  const t = text.trim();
  if (!BASE64_32.test(t) || Buffer.from(t, 'base64').toString('base64') !== t)
    return `${name} must be exactly 32 random bytes in base64, 44 characters (openssl rand -base64 32)`;
  return null;
};

/** The secret's 32 bytes; throws a readable error naming the variable otherwise. */
export const parseSecret32 = (name: string, text: string | undefined): Buffer => {
  const problem = secretProblem(name, text);
  if (problem) throw new Error(problem);
  return Buffer.from(text!.trim(), 'base64');
};

/** The same rule as a zod schema (string → 32-byte Buffer) for env parsers. */
export const secret32 = (name: string) =>
  z.string({ message: `${name} is required (openssl rand -base64 32)` }).transform((v, ctx) => {
    const problem = secretProblem(name, v);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return Buffer.from(v.trim(), 'base64');
  });
