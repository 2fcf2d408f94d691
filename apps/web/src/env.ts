import { secret32 } from '@tia/db/secrets';
import { retention } from '@tia/domain';
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

const serverSchema = edgeSchema
  .extend({
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
    /** Wraps every data subject's key (crypto-shredding). */
    MASTER_KEY: secret32('MASTER_KEY'),
    /** HMAC key for email codes, email lookups, the trial registry and rate-limit keys. */
    AUTH_SECRET: secret32('AUTH_SECRET'),
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
    ALLOW_DEV_MAILBOX: z.preprocess(blankIsUnset, z.enum(['0', '1']).optional()),
    /** Erasures are appended here too (outside the database and its backups); `npm start` replays it. */
    ERASURE_JOURNAL: z.preprocess(blankIsUnset, z.string().min(1).optional()),
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
    /** Where `npm run db:verify` and the compliance pages read signed checkpoints (`npm start` sets it). */
    DATA_DIR: z.preprocess(blankIsUnset, z.string().min(1).default('.data')),
    AUDIT_ANCHOR_DIR: z.preprocess(blankIsUnset, z.string().min(1).optional()),
    /** Pins the checkpoint key (PEM or base64 SPKI); checked once by `server/audit.ts`. */
    AUDIT_PUBLIC_KEY: z.preprocess(blankIsUnset, z.string().min(1).optional()),
  })
  // Retention per data category: the same variables as the worker's, so the notice shows what the job enforces.
  .extend(retention.retentionEnvSchema.shape)
  .superRefine((env, ctx) => {
    for (const message of retention.retentionConfigProblems(env)) ctx.addIssue({ code: 'custom', message });
  });

/** What server.ts needs to listen (no secrets, so a misconfigured app still starts and reports it). */
const listenSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  HOST: z.preprocess(blankIsUnset, z.string().min(1).default('0.0.0.0')),
  /**
   * How many reverse proxies of ours stand in front of the web server (0: none, the socket's peer is the client).
   * Only their `X-Forwarded-For` hops are believed; the client is the rightmost hop none of them added.
   */
  TRUSTED_PROXIES: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(99).default(0)),
});

/** Whether mail may go to the dev mailbox (checked by server.ts before anything starts). */
const mailGuardSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  SMTP_URL: z.preprocess(blankIsUnset, z.string().optional()),
  /** `1`: a local machine may keep mail as .eml files even with NODE_ENV=production (`npm start` embedded). */
  ALLOW_DEV_MAILBOX: z.preprocess(blankIsUnset, z.enum(['0', '1']).optional()),
});

export type ListenEnv = z.infer<typeof listenSchema>;
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

/** A schema defined by a package (e.g. `@tia/db`'s anchor bucket settings), parsed from this process's environment. */
export function serverEnvWith<T extends z.ZodType>(schema: T): z.infer<T> {
  return parse(schema);
}

/** The web server's address and trusted proxy count (server.ts). */
export function listenEnv(): ListenEnv {
  return parse(listenSchema);
}

/** NODE_ENV, whether SMTP_URL is set and ALLOW_DEV_MAILBOX (server.ts refuses the dev mailbox in production). */
export function mailGuardEnv(): z.infer<typeof mailGuardSchema> {
  return parse(mailGuardSchema);
}

/** What the request proxy needs (no secrets). */
export function proxyEnv(): ProxyEnv {
  return (proxyEnvCache ??= parse(edgeSchema));
}

/** Full server configuration; throws a readable error on the first request if misconfigured. */
export function serverEnv(): ServerEnv {
  return (serverEnvCache ??= parse(serverSchema));
}
