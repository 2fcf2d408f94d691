/**
 * The retention job (P18), on one worker at a time (a leader lock; the others stand by and take over when its
 * session ends). Every `RETENTION_INTERVAL_SECONDS`, from start: technical data past its days loses its keys,
 * stale rate-limit rows go, then `runRetention` (packages/api) expires practice sessions, warns and erases
 * inactive accounts — at most `RETENTION_BATCH` of each per run, the rest next run.
 */
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AuthServices, runRetention as RunRetention } from '@tia/api';
import {
  createLeaderLock,
  expireTechnicalData,
  purgeRateLimits,
  sleep,
  type EventStore,
  type KeyStore,
  type Logger,
  type Sql,
} from '@tia/db';
import { retention } from '@tia/domain';
import type { WorkerEnv } from './env.js';

export const RETENTION_LOCK = 'tia:retention-job';

/**
 * The services the job acts through, or why it cannot (AUTH_SECRET missing, mail not configured). `@tia/api` is
 * loaded here, once the worker runs, not when it starts: its module graph would slow every worker start.
 */
export const retentionServices = async (
  env: WorkerEnv,
  sql: Sql,
  masterKey: Buffer,
  clock?: () => Date,
): Promise<{ a: AuthServices; run: typeof RunRetention } | string> => {
  if (!env.AUTH_SECRET) return 'AUTH_SECRET is not set (the same as the web app’s)';
  const { createAuthServices, createMailer, devMailboxProblem, runRetention } = await import('@tia/api');
  const mailProblem = devMailboxProblem(env);
  if (mailProblem) return mailProblem;
  const a = createAuthServices({
    sql,
    masterKey,
    authSecret: env.AUTH_SECRET,
    mailer: createMailer({
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM,
      mailboxDir: path.resolve(env.MAILBOX_DIR),
    }),
    secureCookies: false,
    retention: retention.retentionConfigOf(env),
    ...(env.ERASURE_JOURNAL ? { erasureJournalFile: path.resolve(env.ERASURE_JOURNAL) } : {}),
    ...(clock ? { clock } : {}),
  });
  return { a, run: runRetention };
};

export const runRetentionJob = async (deps: {
  env: WorkerEnv;
  sql: Sql;
  store: EventStore;
  keys: KeyStore;
  masterKey: Buffer;
  log: Logger;
  signal: AbortSignal;
}): Promise<void> => {
  const { env, log } = deps;
  const services = await retentionServices(env, deps.sql, deps.masterKey).catch((e: unknown) => {
    log.error('retention services failed to load', { error: e });
    return 'services failed to load';
  });
  if (typeof services === 'string')
    log.error('retention of practice sessions and inactive accounts is OFF', { reason: services });
  if (!env.ERASURE_JOURNAL)
    log.warn(
      'ERASURE_JOURNAL is not set: erasures by the retention job are not journalled outside the database',
    );
  const lock = createLeaderLock(deps.sql, RETENTION_LOCK, 'tia-retention');
  try {
    while (!deps.signal.aborted) {
      if (lock.lost()) await lock.tryAcquire();
      if (!lock.lost()) {
        try {
          const t = await expireTechnicalData(
            { store: deps.store, keys: deps.keys },
            { now: new Date(), retentionDays: env.TECHNICAL_DATA_RETENTION_DAYS, eventId: randomUUID() },
          );
          if (t.keysDestroyed > 0) log.info('technical data expired', t);
          const purged = await purgeRateLimits(deps.sql, new Date());
          if (purged > 0) log.info('stale rate-limit rows purged', { purged });
          if (typeof services !== 'string') {
            const r = await services.run(services.a, { log, batch: env.RETENTION_BATCH });
            if (r.sessionsExpired + r.accountsWarned + r.accountsErased + r.deferred + r.requestsExpired > 0)
              log.info('retention run', { ...r });
          }
        } catch (e) {
          log.error('retention run failed', { error: e });
        }
      }
      await sleep(env.RETENTION_INTERVAL_SECONDS * 1000, deps.signal);
    }
  } finally {
    await lock.close();
  }
};
