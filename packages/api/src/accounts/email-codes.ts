import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '@tia/db';

/**
 * One-time email codes: 6 digits from the CSPRNG, stored only as HMAC-SHA256(AUTH_SECRET), valid ≤ 10
 * minutes, single use, a new code voids older unused ones of the same purpose, compared in constant time,
 * and dead after 5 wrong tries.
 */
export type CodePurpose = 'verify_email' | 'reset_password' | 'change_email';
export const CODE_DIGITS = 6;
export const CODE_TTL_SECONDS = 10 * 60;
export const CODE_MAX_WRONG_TRIES = 5;

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'none' | 'too_many_tries';

export class Codes {
  constructor(private readonly secret: Buffer) {}

  private mac(userId: string, purpose: CodePurpose, code: string): Buffer {
    return createHmac('sha256', this.secret).update(`tia:code:${purpose}:${userId}:${code}`).digest();
  }

  /** Issues a fresh code (voiding older live ones of that purpose) and returns it for the email. */
  async issue(db: Queryable, userId: string, purpose: CodePurpose, now: Date): Promise<string> {
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    await db`update verification_codes set voided_at = ${now}
             where user_id = ${userId} and purpose = ${purpose} and used_at is null and voided_at is null`;
    await db`insert into verification_codes (user_id, purpose, code_hmac, expires_at, created_at)
             values (${userId}, ${purpose}, ${this.mac(userId, purpose, code)},
                     ${new Date(now.getTime() + CODE_TTL_SECONDS * 1000)}, ${now})`;
    return code;
  }

  /**
   * Checks a code against the one live code of that purpose and, when right, consumes it. Run inside the
   * caller's transaction (the row is locked, so a code can be used once even under concurrent tries).
   */
  async consume(
    db: Queryable,
    userId: string,
    purpose: CodePurpose,
    code: string,
    now: Date,
  ): Promise<CodeCheck> {
    const rows = await db<{ id: string; code_hmac: Buffer; expires_at: Date; failed_attempts: number }[]>`
      select id, code_hmac, expires_at, failed_attempts from verification_codes
       where user_id = ${userId} and purpose = ${purpose} and used_at is null and voided_at is null
       order by id desc limit 1 for update`;
    const live = rows[0];
    if (!live) return 'none';
    if (live.expires_at.getTime() <= now.getTime()) return 'expired';
    if (live.failed_attempts >= CODE_MAX_WRONG_TRIES) return 'too_many_tries';
    const given = /^\d+$/.test(code.trim()) ? code.trim() : 'x';
    const ok = timingSafeEqual(this.mac(userId, purpose, given), live.code_hmac);
    if (!ok) {
      const r = await db<{ failed_attempts: number }[]>`
        update verification_codes set failed_attempts = failed_attempts + 1 where id = ${live.id}
        returning failed_attempts`;
      return r[0]!.failed_attempts >= CODE_MAX_WRONG_TRIES ? 'too_many_tries' : 'wrong';
    }
    await db`update verification_codes set used_at = ${now} where id = ${live.id}`;
    return 'ok';
  }
}
