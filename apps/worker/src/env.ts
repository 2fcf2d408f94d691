import { secretProblem } from '@tia/db/secrets';
import { z } from 'zod';
import { speechEnvSchema } from './speech/config.js';
import { llmEnvSchema } from './feedback/llm.js';
import { auditEnvSchema, refineAuditEnv } from './audit/config.js';

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
    /** Technical data (truncated IP, browser family) is kept this many days, then its keys are destroyed. */
    TECHNICAL_DATA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** Audio older than this is deleted whatever happened (normally it goes seconds after upload). */
    AUDIO_MAX_AGE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    AUDIO_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Mail (policy-change notices): the web app's settings. Unset SMTP_URL → .eml files in MAILBOX_DIR. */
    SMTP_URL: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
        .optional(),
    ),
    MAIL_FROM: z.string().min(3).default('TrueInterviewAI <no-reply@trueinterview.local>'),
    MAILBOX_DIR: z.string().min(1).default('.data/mailbox'),
    /** Links in emails point here. */
    PUBLIC_ORIGIN: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    /** Emails about a significant policy revision: at most this many per run, one run every N seconds. */
    POLICY_NOTICE_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
    POLICY_NOTICE_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  })
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
  return r.data;
};
