import { createHmac, randomUUID } from 'node:crypto';
import {
  asInline,
  accountsProjection,
  CommandHandler,
  createPersistence,
  emailLookupFor,
  ErasureJournal,
  INLINE_PROJECTIONS,
  type BlobStore,
  type EventStore,
  type InlineProjection,
  type KeyStore,
  type Sql,
} from '@tia/db';
import { identity, retention } from '@tia/domain';
import { Codes } from './accounts/email-codes.js';
import type { Mailer } from './mail/mailer.js';
import { RateLimiter } from './rate-limit.js';
import { createSessions, type SessionPolicy, type Sessions } from './sessions/sessions.js';

/** Everything the identity procedures need, built once per process (or per test). */
export interface AuthServices {
  sql: Sql;
  keys: KeyStore;
  store: EventStore;
  /** Audio answers waiting for transcription, encrypted per recording (`createPersistence` builds it). */
  blobs: BlobStore;
  /** Inline projections for every identity append (consents, role grants, accounts). */
  inline: readonly InlineProjection[];
  /** The one write path: load → decide → append at the loaded version (with `inline`, metadata, retries). */
  commands: CommandHandler;
  sessions: Sessions;
  mailer: Mailer;
  codes: Codes;
  limiter: RateLimiter;
  clock: () => Date;
  newId: () => string;
  /** HMAC(AUTH_SECRET, normalised email): the key of `rm_accounts.email_lookup`. */
  emailLookup: (email: string) => string;
  /** HMAC(AUTH_SECRET, normalised email) under another label: the trial registry's key. */
  trialLookup: (email: string) => string;
  freeTrialAnswers: number;
  /** Erasures are also journalled outside the database, so a restored backup can be erased again. */
  erasureJournal?: ErasureJournal;
  /** Retention per data category (P18): the job enforces it, the notice and the console show it. */
  retention: retention.RetentionConfig;
}

/** Independent keys per use, derived from AUTH_SECRET. */
export const deriveKey = (secret: Buffer, label: string): Buffer =>
  createHmac('sha256', secret).update(`tia:derive:${label}`).digest();

export const createAuthServices = (opts: {
  sql: Sql;
  masterKey: Buffer;
  authSecret: Buffer;
  mailer: Mailer;
  /** Default cookie mode (PUBLIC_ORIGIN is https). Per request, `ctx.cookies.secure` decides. */
  secureCookies: boolean;
  freeTrialAnswers?: number;
  clock?: () => Date;
  newId?: () => string;
  sessionPolicy?: Partial<SessionPolicy>;
  /** File of the erasure journal (`ERASURE_JOURNAL`); unset: erasures are not journalled (tests). */
  erasureJournalFile?: string;
  /** Retention per data category (`retentionConfigOf(env)`); default: the documented defaults. */
  retention?: retention.RetentionConfig;
}): AuthServices => {
  if (opts.authSecret.length < 32) throw new Error('AUTH_SECRET must be at least 32 bytes');
  const clock = opts.clock ?? (() => new Date());
  const persistence = createPersistence(opts.sql, opts.masterKey);
  const trialKey = deriveKey(opts.authSecret, 'trial-registry');
  const emailLookup = emailLookupFor(opts.authSecret);
  const trialLookup = (email: string) =>
    createHmac('sha256', trialKey).update(identity.normaliseEmail(email)).digest('hex');
  const inline = [
    ...INLINE_PROJECTIONS.map(asInline),
    asInline(accountsProjection(emailLookup, persistence.keys)),
  ];
  const newId = opts.newId ?? randomUUID;
  return {
    ...persistence,
    inline,
    commands: new CommandHandler({ sql: opts.sql, store: persistence.store, clock, newId, inline }),
    sessions: createSessions(opts.sql, {
      secure: opts.secureCookies,
      clock,
      ...(opts.sessionPolicy ? { policy: opts.sessionPolicy } : {}),
    }),
    mailer: opts.mailer,
    codes: new Codes(deriveKey(opts.authSecret, 'codes')),
    limiter: new RateLimiter(deriveKey(opts.authSecret, 'rate-limits')),
    clock,
    newId,
    emailLookup,
    trialLookup,
    freeTrialAnswers: opts.freeTrialAnswers ?? 5,
    retention: opts.retention ?? retention.DEFAULT_RETENTION,
    ...(opts.erasureJournalFile ? { erasureJournal: new ErasureJournal(opts.erasureJournalFile) } : {}),
  };
};
