import 'server-only';
import path from 'node:path';
import { assertMailConfigured, createAuthServices, createMailer, type AuthServices } from '@tia/api';
import { retention } from '@tia/domain';
import { serverEnv } from '../env';
import { getSql } from './db';

/** Identity services of this server process (sessions, mailer, codes, rate limits), built once. */
const holder = globalThis as typeof globalThis & { __tiaAuth?: AuthServices };

export function getAuthServices(): AuthServices {
  if (!holder.__tiaAuth) {
    const env = serverEnv();
    assertMailConfigured(env); // server.ts already refused to start; this keeps any other entry point honest
    holder.__tiaAuth = createAuthServices({
      sql: getSql(),
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
      erasureJournalFile: path.resolve(
        env.ERASURE_JOURNAL ?? path.join(env.DATA_DIR, 'erasure-journal.jsonl'),
      ),
    });
  }
  return holder.__tiaAuth;
}

/** HTTPS when the public origin is https, or the request (or the proxy in front) says so. */
export function isSecureRequest(req: Request): boolean {
  if (serverEnv().PUBLIC_ORIGIN?.startsWith('https:')) return true;
  if (new URL(req.url).protocol === 'https:') return true;
  return req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}
