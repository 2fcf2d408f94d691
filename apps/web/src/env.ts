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

const serverSchema = edgeSchema.extend({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
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
