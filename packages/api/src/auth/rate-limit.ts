import { createHmac } from 'node:crypto';
import type { Queryable } from '@tia/db';
import { RateLimited } from '../errors.js';

/**
 * PostgreSQL-backed rate limiting with growing delays. Each key (an HMAC of "<action>:<account or IP
 * prefix>", never the raw email or IP) counts failures in a window; past the free allowance every further
 * failure blocks the key for base·2^n seconds (capped). `check` refuses a blocked key with RateLimited
 * (HTTP 429 + Retry-After). Reaching the alert threshold in a window reports `alert: true` once per window.
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
  /** Wrong passwords for one account. */
  signInAccount: {
    freeFailures: 5,
    baseDelaySeconds: 1,
    maxDelaySeconds: 900,
    windowSeconds: 900,
    alertThreshold: 10,
  },
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
  /** Recording uploads per account: every attempt counts (retries of a flaky connection fit easily). */
  upload: { freeFailures: 30, baseDelaySeconds: 5, maxDelaySeconds: 900, windowSeconds: 600 },
} as const satisfies Record<string, LimitPolicy>;

export interface FailureResult {
  failures: number;
  blockedForSeconds: number;
  windowStartedAt: Date;
  /** True the first time the alert threshold is reached in this window. */
  alert: boolean;
}

export class RateLimiter {
  constructor(private readonly secret: Buffer) {}

  /** The stored key for an action and its subject (account email, IP prefix …). */
  key(action: string, subject: string): string {
    return createHmac('sha256', this.secret).update(`tia:rl:${action}:${subject}`).digest('hex');
  }

  /** Throws RateLimited with the longest remaining block among `keys`. */
  async check(db: Queryable, keys: readonly string[], now: Date): Promise<void> {
    if (keys.length === 0) return;
    const rows = await db<{ blocked_until: Date }[]>`
      select blocked_until from rate_limits where key = any(${[...keys]}) and blocked_until > ${now}`;
    const until = Math.max(0, ...rows.map((r) => r.blocked_until.getTime()));
    if (until > now.getTime()) throw new RateLimited(Math.max(1, Math.ceil((until - now.getTime()) / 1000)));
  }

  /** Counts one failure (or one use, for send-type policies) and applies the delay. */
  async fail(db: Queryable, key: string, policy: LimitPolicy, now: Date): Promise<FailureResult> {
    const windowStart = new Date(now.getTime() - policy.windowSeconds * 1000);
    const rows = await db<{ failures: number; window_started_at: Date; alerted_window: Date | null }[]>`
      insert into rate_limits as r (key, failures, window_started_at, updated_at)
      values (${key}, 1, ${now}, ${now})
      on conflict (key) do update set
        failures = case when r.window_started_at <= ${windowStart} then 1 else r.failures + 1 end,
        window_started_at = case when r.window_started_at <= ${windowStart} then ${now} else r.window_started_at end,
        updated_at = ${now}
      returning failures, window_started_at, alerted_window`;
    const r = rows[0]!;
    const over = r.failures - policy.freeFailures;
    const blockedForSeconds =
      over >= 0 ? Math.min(policy.baseDelaySeconds * 2 ** over, policy.maxDelaySeconds) : 0;
    const alert =
      policy.alertThreshold !== undefined &&
      r.failures >= policy.alertThreshold &&
      r.alerted_window?.getTime() !== r.window_started_at.getTime();
    await db`update rate_limits set
               blocked_until = ${blockedForSeconds > 0 ? new Date(now.getTime() + blockedForSeconds * 1000) : null},
               alerted_window = ${alert ? r.window_started_at : r.alerted_window}
             where key = ${key}`;
    return { failures: r.failures, blockedForSeconds, windowStartedAt: r.window_started_at, alert };
  }

  /** Forgets a key's failures (after a success for that account). */
  async reset(db: Queryable, key: string): Promise<void> {
    await db`delete from rate_limits where key = ${key}`;
  }
}
