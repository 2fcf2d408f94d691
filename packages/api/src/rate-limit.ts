import { createHmac } from 'node:crypto';
import type { Queryable, Sql } from '@tia/db';
import { RateLimited } from './errors.js';

/**
 * PostgreSQL-backed rate limiting with growing delays. Each key (an HMAC of "<action>:<account or IP
 * prefix>", never the raw email or IP) counts failures in a window; past the free allowance every further
 * failure blocks the key for base·2^n seconds (capped). A blocked key is refused with RateLimited
 * (HTTP 429 + Retry-After). Reaching the alert threshold in a window raises one alert per window.
 */
export interface LimitPolicy {
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  windowSeconds: number;
  /** Failures in one window that raise a security alert (once per window). */
  alertThreshold?: number;
}

export const POLICIES = {
  /** Wrong passwords for one account from one network (/24 or /48): a stranger elsewhere cannot lock it. */
  signInAccount: {
    freeFailures: 5,
    baseDelaySeconds: 1,
    maxDelaySeconds: 900,
    windowSeconds: 900,
    alertThreshold: 10,
  },
  /**
   * Wrong passwords for one account from all networks together: a ceiling against distributed guessing, far
   * above what one person mistypes; reaching its threshold raises an alert for the compliance officers.
   */
  signInAccountCeiling: {
    freeFailures: 100,
    baseDelaySeconds: 60,
    maxDelaySeconds: 3600,
    windowSeconds: 3600,
    alertThreshold: 10,
  },
  /** Second-factor codes per account within one 30-second TOTP step (batches and parallel calls included). */
  totpStep: { freeFailures: 3, baseDelaySeconds: 30, maxDelaySeconds: 30, windowSeconds: 30 },
  /** Practice sessions started per account, and per network. */
  sessionStartAccount: { freeFailures: 20, baseDelaySeconds: 30, maxDelaySeconds: 3600, windowSeconds: 3600 },
  sessionStartIp: { freeFailures: 60, baseDelaySeconds: 30, maxDelaySeconds: 3600, windowSeconds: 3600 },
  /** Recording uploads per network (the per-account budget is `upload`). */
  uploadIp: { freeFailures: 120, baseDelaySeconds: 5, maxDelaySeconds: 900, windowSeconds: 600 },
  /** Wrong passwords from one network (/24 or /48): more room, people share addresses. */
  signInIp: {
    freeFailures: 10,
    baseDelaySeconds: 1,
    maxDelaySeconds: 900,
    windowSeconds: 900,
    alertThreshold: 10,
  },
  /** Wrong codes (verification or reset) for one account or network. */
  code: { freeFailures: 5, baseDelaySeconds: 2, maxDelaySeconds: 900, windowSeconds: 900 },
  /** Emails sent (codes, resets) per account or network: every send counts. */
  send: { freeFailures: 3, baseDelaySeconds: 30, maxDelaySeconds: 3600, windowSeconds: 3600 },
  /** Sign-ups per network: every attempt counts. */
  signUp: { freeFailures: 10, baseDelaySeconds: 10, maxDelaySeconds: 3600, windowSeconds: 3600 },
  /** Cookie choices recorded per network: every choice counts (people change their mind a few times at most). */
  cookieChoiceIp: { freeFailures: 30, baseDelaySeconds: 10, maxDelaySeconds: 3600, windowSeconds: 3600 },
  /** Reports of a suspected minor per network: every report counts. */
  minorReportIp: { freeFailures: 10, baseDelaySeconds: 60, maxDelaySeconds: 3600, windowSeconds: 3600 },
  /** Recording uploads per account: every attempt counts (retries of a flaky connection fit easily). */
  upload: { freeFailures: 30, baseDelaySeconds: 5, maxDelaySeconds: 900, windowSeconds: 600 },
} as const satisfies Record<string, LimitPolicy>;

/** One counter to reserve an attempt on: its stored key and its policy. */
export interface Slot {
  key: string;
  policy: LimitPolicy;
}

/** An attempt counted before the work it guards (see `RateLimiter.reserve`). */
export interface Reservation extends Slot {
  /** Attempts in the window, this one included. */
  failures: number;
  windowStartedAt: Date;
}

export interface AlertResult {
  failures: number;
  windowStartedAt: Date;
}

/**
 * Attempts are counted *before* the work they guard: `reserve` takes the row lock of each key, refuses a
 * blocked key with RateLimited, and otherwise counts the attempt (and starts the growing delay once the free
 * allowance is used) in the same transaction. Concurrent requests (a tRPC batch, parallel connections) thus
 * queue on the row and can never verify more than the allowance. A success hands the attempt back
 * (`release`) or forgets the account's failures (`reset`); a failure keeps it counted.
 */
export class RateLimiter {
  constructor(private readonly secret: Buffer) {}

  /** The stored key for an action and its subject (account email, IP prefix …). */
  key(action: string, subject: string): string {
    return createHmac('sha256', this.secret).update(`tia:rl:${action}:${subject}`).digest('hex');
  }

  /**
   * Reserves one attempt on every slot, atomically per key. If any key is blocked, the attempts already
   * reserved in this call are handed back and RateLimited (with the longest remaining block) is thrown.
   */
  async reserve(sql: Sql, slots: readonly Slot[], now: Date): Promise<Reservation[]> {
    const granted: Reservation[] = [];
    for (const slot of slots) {
      const r = await this.reserveOne(sql, slot, now);
      if (typeof r === 'number') {
        for (const g of granted) await this.release(sql, g);
        throw new RateLimited(r);
      }
      granted.push(r);
    }
    return granted;
  }

  /** A Reservation, or the seconds to wait when the key is blocked. */
  private reserveOne(sql: Sql, { key, policy }: Slot, now: Date): Promise<Reservation | number> {
    const windowStart = new Date(now.getTime() - policy.windowSeconds * 1000);
    return sql.begin(async (tx) => {
      await tx`insert into rate_limits (key, failures, window_started_at, updated_at)
               values (${key}, 0, ${now}, ${now}) on conflict (key) do nothing`;
      const [row] = await tx<{ failures: number; window_started_at: Date; blocked_until: Date | null }[]>`
        select failures, window_started_at, blocked_until from rate_limits where key = ${key} for update`;
      const r = row!;
      if (r.blocked_until && r.blocked_until > now)
        return Math.max(1, Math.ceil((r.blocked_until.getTime() - now.getTime()) / 1000));
      const fresh = r.window_started_at <= windowStart;
      const failures = fresh ? 1 : r.failures + 1;
      const windowStartedAt = fresh ? now : r.window_started_at;
      const over = failures - policy.freeFailures;
      const blockedFor =
        over >= 0 ? Math.min(policy.baseDelaySeconds * 2 ** over, policy.maxDelaySeconds) : 0;
      await tx`update rate_limits set failures = ${failures}, window_started_at = ${windowStartedAt},
                 blocked_until = ${blockedFor > 0 ? new Date(now.getTime() + blockedFor * 1000) : null},
                 updated_at = ${now}
               where key = ${key}`;
      return { key, policy, failures, windowStartedAt };
    });
  }

  /** Hands an attempt back (it succeeded, or another key refused the request): one fewer in its window. */
  async release(sql: Sql, r: Reservation): Promise<void> {
    await sql`update rate_limits set failures = greatest(failures - 1, 0),
                blocked_until = case when failures - 1 < ${r.policy.freeFailures} then null else blocked_until end
              where key = ${r.key} and window_started_at = ${r.windowStartedAt}`;
  }

  /**
   * After a failed attempt: whether its window just reached the policy's alert threshold (true once per
   * window, atomically, however many requests fail at the same time).
   */
  async alertOnce(sql: Sql, r: Reservation): Promise<AlertResult | null> {
    const threshold = r.policy.alertThreshold;
    if (threshold === undefined) return null;
    const rows = await sql<{ failures: number; window_started_at: Date }[]>`
      update rate_limits set alerted_window = window_started_at
       where key = ${r.key} and failures >= ${threshold}
         and alerted_window is distinct from window_started_at
      returning failures, window_started_at`;
    return rows[0] ? { failures: rows[0].failures, windowStartedAt: rows[0].window_started_at } : null;
  }

  /** Forgets a key's failures (after a success for that account). */
  async reset(db: Queryable, key: string): Promise<void> {
    await db`delete from rate_limits where key = ${key}`;
  }
}
