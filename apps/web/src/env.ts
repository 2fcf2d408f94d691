import { z } from 'zod';

/**
 * The only module of the web app that reads `process.env`. Parsed lazily on first use so that
 * `next build` (which loads route modules) does not need runtime secrets such as DATABASE_URL.
 */
const origin = z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin);

const edgeSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** The app's public origin (e.g. https://trueinterview.ai). Unset: the request's own Host is used. */
  PUBLIC_ORIGIN: z.preprocess((v) => (v === '' ? undefined : v), origin.optional()),
});

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);
/** A secret given as base64 of at least `bytes` random bytes. */
const base64Secret = (name: string, bytes: number, exact = false) =>
  z
    .string({ message: `${name} is required (openssl rand -base64 ${bytes})` })
    .transform((v) => Buffer.from(v.trim(), 'base64'))
    .refine((b) => (exact ? b.length === bytes : b.length >= bytes), {
      message: `${name} must be ${exact ? '' : 'at least '}${bytes} bytes, base64 (openssl rand -base64 ${bytes})`,
    });

const serverSchema = edgeSchema.extend({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  /** Wraps every data subject's key (crypto-shredding). */
  MASTER_KEY: base64Secret('MASTER_KEY', 32, true),
  /** HMAC key for email codes, email lookups, the trial registry and rate-limit keys. */
  AUTH_SECRET: base64Secret('AUTH_SECRET', 32),
  /** smtp(s)://user:pass@host:port — unset: mails are written as .eml files to MAILBOX_DIR. */
  SMTP_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: z.preprocess(
    blankIsUnset,
    z.string().min(3).default('TrueInterviewAI <no-reply@trueinterview.local>'),
  ),
  MAILBOX_DIR: z.preprocess(blankIsUnset, z.string().default('.data/mailbox')),
  FREE_TRIAL_ANSWERS: z.coerce.number().int().min(0).max(1000).default(5),
  /** Sign in with Google (OpenID Connect). Unset client id: the Google button answers "not available". */
  GOOGLE_CLIENT_ID: z.preprocess(blankIsUnset, z.string().min(1).optional()),
  GOOGLE_CLIENT_SECRET: z.preprocess(blankIsUnset, z.string().min(1).optional()),
  GOOGLE_ISSUER: z.preprocess(blankIsUnset, z.url().default('https://accounts.google.com')),
  /** Staff grants not reviewed for this many days show as overdue. */
  ACCESS_REVIEW_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Analyst workspace: a shown cell describes at least this many people. */
  ANALYTICS_K: z.coerce.number().int().min(2).max(1000).default(11),
  /** Analyst workspace: ε spent per query with noise added; unset → exact figures (suppression only). */
  ANALYTICS_EPSILON: z.preprocess(blankIsUnset, z.coerce.number().positive().max(100).optional()),
  /** Analyst workspace: total ε each analyst may spend. */
  ANALYTICS_BUDGET: z.coerce.number().positive().max(10_000).default(10),
});

export type ProxyEnv = z.infer<typeof edgeSchema>;
export type ServerEnv = z.infer<typeof serverSchema>;

function parse<T extends z.ZodType>(schema: T): z.infer<T> {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return result.data;
}

let proxyEnvCache: ProxyEnv | undefined;
let serverEnvCache: ServerEnv | undefined;

/** What the request proxy needs (no secrets). */
export function proxyEnv(): ProxyEnv {
  return (proxyEnvCache ??= parse(edgeSchema));
}

/** Full server configuration; throws a readable error on the first request if misconfigured. */
export function serverEnv(): ServerEnv {
  return (serverEnvCache ??= parse(serverSchema));
}
