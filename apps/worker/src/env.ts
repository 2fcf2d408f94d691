import { secret32, secretProblem } from '@tia/db/secrets';
import { retention } from '@tia/domain';
import { z } from 'zod';
import { speechEnvSchema } from './speech/config.js';
import { llmEnvSchema } from './feedback/llm.js';
import { auditEnvSchema, refineAuditEnv } from './audit/config.js';

const blankIsUnset = (v: unknown) => (v === '' ? undefined : v);

const Env = z
  .object({
    DATABASE_URL: z.string().url({ message: 'DATABASE_URL must be a postgres:// URL' }),
    MASTER_KEY: z.string().superRefine((v, ctx) => {
      const problem = secretProblem('MASTER_KEY', v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    KAFKA_BROKERS: z
      .string()
      .optional()
      .transform((v) =>
        v
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : undefined,
      ),
    KAFKA_CLIENT_ID: z.string().default('trueinterview-worker'),
    KAFKA_TOPIC_PREFIX: z
      .string()
      .regex(/^[a-z0-9._-]*$/)
      .default('tia.'),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    AUDIO_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
    /** The retention job (P18): how often it runs, and how many items of each kind one run handles at most. */
    RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
    RETENTION_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
    /**
     * The retention job erases inactive accounts as the web app's erasure does, and mails them first: it needs
     * the web app's AUTH_SECRET (the accounts read model's lookup), mail settings and erasure journal. Without
     * AUTH_SECRET the job does not run (the worker says so at start).
     */
    AUTH_SECRET: z.preprocess(blankIsUnset, secret32('AUTH_SECRET').optional()),
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
    ERASURE_JOURNAL: z.preprocess(blankIsUnset, z.string().min(1).optional()),
    /** Links in emails point here. */
    PUBLIC_ORIGIN: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    /** Emails about a significant policy revision: at most this many per run, one run every N seconds. */
    POLICY_NOTICE_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
    POLICY_NOTICE_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  })
  .extend(retention.retentionEnvSchema.shape)
  .extend(speechEnvSchema.shape)
  .extend(llmEnvSchema.shape)
  .extend(auditEnvSchema.shape)
  .superRefine(refineAuditEnv);
export type WorkerEnv = z.infer<typeof Env>;

/** Validates the worker's environment once, at start-up; a clear message per bad variable. */
export const loadEnv = (source: Record<string, string | undefined> = process.env): WorkerEnv => {
  const r = Env.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid worker environment:\n${lines}`);
  }
  const problems = retention.retentionConfigProblems(r.data);
  if (problems.length > 0)
    throw new Error(`Invalid worker environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return r.data;
};
