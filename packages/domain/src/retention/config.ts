/**
 * Retention per data category (P18): one typed configuration, validated once (each process's env module
 * extends `retentionEnvSchema` and calls `retentionConfigOf`), read by the worker's retention job, the
 * privacy notice's "How long we keep data" table and the compliance console. Nothing here reads the clock:
 * cut-offs are computed from a `now` passed in.
 */
import { z } from 'zod';

/** The environment variables of the configuration, with their defaults (see docs/compliance.md for why). */
export const retentionEnvSchema = z.object({
  /** Practice sessions with their answers (transcripts, scores, feedback): deleted this long after the session started. */
  RETENTION_PRACTICE_MONTHS: z.coerce.number().int().min(1).max(120).default(24),
  /** An account nobody signed in to or practised with for this long is erased (reason `retention`). */
  RETENTION_INACTIVE_ACCOUNT_MONTHS: z.coerce.number().int().min(3).max(120).default(24),
  /** The warning email goes this many days before that erasure. */
  RETENTION_WARNING_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  /** Technical data (truncated IP, browser family) is kept this many days, then its keys are destroyed. */
  TECHNICAL_DATA_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Audio older than this is deleted whatever happened (normally it goes seconds after upload). */
  AUDIO_MAX_AGE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /**
   * Records of privacy requests (what was asked, when, the due date, the outcome — ids and dates only) are kept
   * this many months after the request was closed, then deleted. 36: they are our proof that each right was
   * answered in time (accountability, GDPR Art. 5(2)) for as long as a claim about it can be brought (three
   * years, the general limitation period of e.g. § 195 BGB); open requests are never expired.
   */
  RETENTION_PRIVACY_REQUEST_MONTHS: z.coerce.number().int().min(12).max(120).default(36),
});
export type RetentionEnv = z.infer<typeof retentionEnvSchema>;

/** Fixed by the export feature (one download within 24 hours), shown from here so it is written once. */
export const EXPORT_RETENTION_HOURS = 24;

export const RetentionConfig = z
  .object({
    practiceMonths: z.number().int().min(1).max(120),
    inactiveAccountMonths: z.number().int().min(3).max(120),
    warningDays: z.number().int().min(1).max(90),
    technicalDataDays: z.number().int().min(1).max(3650),
    audioMaxAgeMinutes: z.number().int().min(1).max(1440),
    privacyRequestMonths: z.number().int().min(12).max(120),
    exportHours: z.literal(EXPORT_RETENTION_HOURS),
  })
  .refine((c) => c.warningDays < c.inactiveAccountMonths * 28, {
    message: 'RETENTION_WARNING_DAYS must be shorter than RETENTION_INACTIVE_ACCOUNT_MONTHS',
    path: ['warningDays'],
  });
export type RetentionConfig = z.infer<typeof RetentionConfig>;

const draftOf = (env: RetentionEnv) => ({
  practiceMonths: env.RETENTION_PRACTICE_MONTHS,
  inactiveAccountMonths: env.RETENTION_INACTIVE_ACCOUNT_MONTHS,
  warningDays: env.RETENTION_WARNING_DAYS,
  technicalDataDays: env.TECHNICAL_DATA_RETENTION_DAYS,
  audioMaxAgeMinutes: env.AUDIO_MAX_AGE_MINUTES,
  privacyRequestMonths: env.RETENTION_PRIVACY_REQUEST_MONTHS,
  exportHours: EXPORT_RETENTION_HOURS,
});

/** The configuration of a parsed environment (throws on a combination `retentionConfigProblems` names). */
export const retentionConfigOf = (env: RetentionEnv): RetentionConfig => RetentionConfig.parse(draftOf(env));

/** What is wrong with a parsed environment's combination of values (for the env modules' start-up message). */
export const retentionConfigProblems = (env: RetentionEnv): string[] => {
  const r = RetentionConfig.safeParse(draftOf(env));
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

/** The defaults (what an unset environment gives). */
export const DEFAULT_RETENTION: RetentionConfig = retentionConfigOf(retentionEnvSchema.parse({}));

/** `date` moved by whole calendar months (UTC), day clamped to the target month's length. */
export const addMonths = (date: Date, months: number): Date => {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
};

export interface RetentionCutoffs {
  /** Sessions that started before this are expired. */
  practiceStartedBefore: Date;
  /** Accounts last active before this are erased (once warned at least `warningDays` earlier). */
  accountActiveBefore: Date;
  /** Accounts last active before this get the warning. */
  warnActiveBefore: Date;
  /** A warning sent before this has given the person their `warningDays`. */
  warnedBefore: Date;
  /** Privacy requests closed before this have their records expired. */
  requestClosedBefore: Date;
}

export const retentionCutoffs = (c: RetentionConfig, now: Date): RetentionCutoffs => {
  const accountActiveBefore = addMonths(now, -c.inactiveAccountMonths);
  return {
    practiceStartedBefore: addMonths(now, -c.practiceMonths),
    accountActiveBefore,
    warnActiveBefore: new Date(accountActiveBefore.getTime() + c.warningDays * 86_400_000),
    warnedBefore: new Date(now.getTime() - c.warningDays * 86_400_000),
    requestClosedBefore: addMonths(now, -c.privacyRequestMonths),
  };
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One category as the notice and the compliance console show it. */
export interface RetentionRow {
  id: 'audio' | 'practice' | 'account' | 'technical' | 'export' | 'privacy_requests' | 'privacy_records';
  data: string;
  howLong: string;
  /** How it is enforced (console only). */
  enforcedBy: string;
}

/** The notice's retention table, generated from the configuration (never written a second time). */
export const retentionRows = (c: RetentionConfig): RetentionRow[] => [
  {
    id: 'audio',
    data: 'Answer audio',
    howLong: `Until transcription has finished, then deleted immediately; never more than ${plural(c.audioMaxAgeMinutes, 'minute')}, whatever happens. Every deletion produces a receipt you can view.`,
    enforcedBy: 'transcription handler; audio sweeper (AUDIO_MAX_AGE_MINUTES)',
  },
  {
    id: 'practice',
    data: 'Practice sessions, transcripts, scores and feedback',
    howLong: `${plural(c.practiceMonths, 'month')} after the session, then deleted automatically — sooner if you delete them or close your account.`,
    enforcedBy: 'retention job (RETENTION_PRACTICE_MONTHS)',
  },
  {
    id: 'account',
    data: 'Account data (name, email, sign-in details)',
    howLong: `While your account is in use. After ${plural(c.inactiveAccountMonths, 'month')} without a sign-in or practice we erase it, with an email ${plural(c.warningDays, 'day')} before; erased at once when you close it.`,
    enforcedBy:
      'retention job (RETENTION_INACTIVE_ACCOUNT_MONTHS, RETENTION_WARNING_DAYS), erasure with reason retention',
  },
  {
    id: 'technical',
    data: 'Technical data (truncated IP address, browser type)',
    howLong: `${plural(c.technicalDataDays, 'day')}, then made unreadable for good.`,
    enforcedBy: 'retention job (TECHNICAL_DATA_RETENTION_DAYS): day keys destroyed',
  },
  {
    id: 'export',
    data: 'Copies of your data you asked for',
    howLong: `${plural(c.exportHours, 'hour')} after they are ready, or once downloaded.`,
    enforcedBy: 'export sweeper',
  },
  {
    id: 'privacy_requests',
    data: 'Records of the privacy requests you made (what you asked, when, and how we answered)',
    howLong: `${plural(c.privacyRequestMonths, 'month')} after the request was answered, then deleted — also after your account is erased, when they hold only dates and identifiers, nothing that names you. A request still open is kept until it is answered.`,
    enforcedBy: 'retention job (RETENTION_PRIVACY_REQUEST_MONTHS): PrivacyRequestRecordExpired',
  },
  {
    id: 'privacy_records',
    data: 'Records of your consents',
    howLong:
      'While your account exists; after erasure only dates and identifiers remain, with nothing that names you.',
    enforcedBy: 'erasure (read models purged, subject key destroyed)',
  },
];

/**
 * The records of processing name retention periods by reference, `{retention:<id>}` (e.g. `{retention:practice}`),
 * so the register's "(f) time limits for erasure" column is generated from this configuration too: everywhere
 * it is shown, the reference is replaced by that category's period. Unknown ids are left as written.
 */
export const expandRetention = (text: string, c: RetentionConfig): string => {
  const rows = new Map(retentionRows(c).map((r) => [r.id as string, r.howLong]));
  return text.replace(/\{retention:([a-z_]+)\}/g, (whole, id: string) => rows.get(id) ?? whole);
};
