import path from 'node:path';
import { assertMailConfigured, createAuthServices, createMailer, type AuthServices } from '@tia/api';
import { createSql } from '@tia/db';
import { retention } from '@tia/domain';
import type { Sql } from 'postgres';
import { serverEnv } from '../env';

/**
 * The web process's database pool and identity services, shared by Next's server code (through the
 * `server-only` modules `db.ts` and `auth.ts`) and by server.ts's own `/api/trpc` handler (`trpc-node.ts`),
 * which runs outside Next's bundler and so loads its own copy of this module.
 *
 * One postgres.js pool per process, kept on globalThis: both copies (and Next's dev-mode module reloads) use
 * the same 10 connections. The services are built per copy (`buildAuthServices`): they hold no state of their
 * own (sessions, limits and keys live in PostgreSQL), and each copy's errors must be its own classes for its
 * own `instanceof` error mapping.
 */
const holder = globalThis as typeof globalThis & { __tiaWebSql?: Sql };

export function sharedSql(): Sql {
  holder.__tiaWebSql ??= createSql(serverEnv().DATABASE_URL, { max: 10, applicationName: 'tia-web' });
  return holder.__tiaWebSql;
}

/** Identity services (sessions, mailer, codes, rate limits) on the shared pool; callers keep the one they build. */
export function buildAuthServices(): AuthServices {
  const env = serverEnv();
  assertMailConfigured(env); // server.ts already refused to start; this keeps any other entry point honest
  return createAuthServices({
    sql: sharedSql(),
    masterKey: env.MASTER_KEY,
    authSecret: env.AUTH_SECRET,
    mailer: createMailer({
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      mailboxDir: path.resolve(env.MAILBOX_DIR),
    }),
    secureCookies: env.PUBLIC_ORIGIN?.startsWith('https:') ?? false,
    freeTrialAnswers: env.FREE_TRIAL_ANSWERS,
    retention: retention.retentionConfigOf(env),
    erasureJournalFile: path.resolve(env.ERASURE_JOURNAL ?? path.join(env.DATA_DIR, 'erasure-journal.jsonl')),
  });
}

/** HTTPS when the public origin is https, or the request (or the proxy in front) says so. */
export function isSecure(protocol: string, forwardedProto: string | null): boolean {
  if (serverEnv().PUBLIC_ORIGIN?.startsWith('https:')) return true;
  if (protocol === 'https:') return true;
  return forwardedProto?.split(',')[0]?.trim() === 'https';
}
