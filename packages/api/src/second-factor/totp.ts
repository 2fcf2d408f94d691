import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP, verifyHOTP } from '@oslojs/otp';
import { encodeBase32NoPadding } from '@oslojs/encoding';
import { open, seal, type KeyStore, type Queryable, type Sql } from '@tia/db';

/** RFC 6238 as every authenticator app speaks it: HMAC-SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now (clock drift). */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
export const TOTP_ISSUER = 'TrueInterviewAI';

export const stepAt = (now: Date): number => Math.floor(now.getTime() / (TOTP_PERIOD_SECONDS * 1000));

/** The code for one step (tests and tools; the server never shows codes). */
export const totpCode = (key: Uint8Array, step: number): string =>
  generateHOTP(key, BigInt(step), TOTP_DIGITS);

/** The step whose code `code` is, within ±TOTP_WINDOW of now, latest first; null when none matches. */
export const matchingStep = (key: Uint8Array, code: string, now: Date): number | null => {
  const c = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(c)) return null;
  const current = stepAt(now);
  for (let s = current + TOTP_WINDOW; s >= current - TOTP_WINDOW; s--) {
    if (verifyHOTP(key, BigInt(s), TOTP_DIGITS, c)) return s;
  }
  return null;
};

export const otpauthUri = (accountName: string, key: Uint8Array): string =>
  createTOTPKeyURI(TOTP_ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);

/** 80-bit random recovery code, shown as four groups of four base32 characters. */
export const newRecoveryCode = (): string =>
  encodeBase32NoPadding(randomBytes(10)).toLowerCase().match(/.{4}/g)!.join('-');

const normaliseRecoveryCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
export const hashRecoveryCode = (code: string): Buffer =>
  createHash('sha256').update(normaliseRecoveryCode(code), 'utf8').digest();

const aad = (userId: string) => `tia:mfa:totp:${userId}`;

export type VerifyOutcome = 'ok' | 'invalid' | 'replayed' | 'not_enrolled';

/**
 * TOTP factors and recovery codes. The secret is sealed with the user's own data key (so erasure
 * shreds it); an accepted step is recorded atomically and any code for that step or an earlier one
 * is refused afterwards (no replay, not even across parallel requests).
 */
export class TotpFactors {
  constructor(
    private readonly sql: Sql,
    private readonly keys: KeyStore,
  ) {}

  private async secretOf(db: Queryable, userId: string, enabled: boolean): Promise<Uint8Array | null> {
    const rows = await db<{ secret_enc: Buffer; enabled_at: Date | null }[]>`
      select secret_enc, enabled_at from mfa_factors where user_id = ${userId}`;
    const r = rows[0];
    if (!r || (r.enabled_at !== null) !== enabled) return null;
    const key = await this.keys.find(db, userId);
    if (!key) return null;
    return new Uint8Array(open(key, r.secret_enc, aad(userId)));
  }

  async isEnrolled(userId: string, db: Queryable = this.sql): Promise<boolean> {
    const r = await db`select 1 from mfa_factors where user_id = ${userId} and enabled_at is not null`;
    return r.length > 0;
  }

  /** Starts (or restarts) enrolment with a fresh secret; null when a factor is already enabled. */
  async begin(userId: string, accountName: string): Promise<{ secret: string; otpauthUri: string } | null> {
    const secret = new Uint8Array(randomBytes(20));
    return this.sql.begin(async (tx) => {
      const key = await this.keys.keyFor(tx, userId);
      const box = seal(key, Buffer.from(secret), aad(userId));
      const rows = await tx`
        insert into mfa_factors (user_id, secret_enc) values (${userId}, ${box})
        on conflict (user_id) do update set secret_enc = excluded.secret_enc, last_used_step = null,
          created_at = now()
          where mfa_factors.enabled_at is null
        returning user_id`;
      if (rows.length === 0) return null;
      return { secret: encodeBase32NoPadding(secret), otpauthUri: otpauthUri(accountName, secret) };
    });
  }

  /**
   * Confirms a pending enrolment with a code from the app: enables the factor and issues fresh recovery
   * codes (returned once, stored hashed). Runs in `tx` so the caller can append its event atomically.
   */
  async confirm(
    tx: Queryable,
    userId: string,
    code: string,
    now: Date,
  ): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; reason: 'invalid' | 'not_enrolled' }> {
    await tx`select 1 from mfa_factors where user_id = ${userId} for update`;
    const secret = await this.secretOf(tx, userId, false);
    if (!secret) return { ok: false, reason: 'not_enrolled' };
    const step = matchingStep(secret, code, now);
    if (step === null) return { ok: false, reason: 'invalid' };
    await tx`update mfa_factors set enabled_at = ${now}, last_used_step = ${step} where user_id = ${userId}`;
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await tx`delete from mfa_recovery_codes where user_id = ${userId}`;
    await tx`insert into mfa_recovery_codes ${tx(
      recoveryCodes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c) })),
      'user_id',
      'code_hash',
    )}`;
    await tx`delete from mfa_enrolment_required where user_id = ${userId}`;
    return { ok: true, recoveryCodes };
  }

  /** Checks a code of an enabled factor and consumes its step (atomically: a replay loses the race). */
  async verify(userId: string, code: string, now: Date, db: Queryable = this.sql): Promise<VerifyOutcome> {
    const secret = await this.secretOf(db, userId, true);
    if (!secret) return 'not_enrolled';
    const step = matchingStep(secret, code, now);
    if (step === null) return 'invalid';
    const rows = await db`
      update mfa_factors set last_used_step = ${step}
       where user_id = ${userId} and enabled_at is not null
         and (last_used_step is null or last_used_step < ${step})
      returning user_id`;
    return rows.length === 1 ? 'ok' : 'replayed';
  }

  /** Spends one recovery code; the number left, or null when the code is unknown or used. */
  async useRecoveryCode(tx: Queryable, userId: string, code: string, now: Date): Promise<number | null> {
    const hash = hashRecoveryCode(code);
    const candidates = await tx<{ code_hash: Buffer }[]>`
      select code_hash from mfa_recovery_codes where user_id = ${userId} and used_at is null`;
    const match = candidates.find(
      (c) => c.code_hash.length === hash.length && timingSafeEqual(c.code_hash, hash),
    );
    if (!match) return null;
    const used = await tx`
      update mfa_recovery_codes set used_at = ${now}
       where user_id = ${userId} and code_hash = ${match.code_hash} and used_at is null returning user_id`;
    if (used.length !== 1) return null;
    const left = await tx<{ n: string }[]>`
      select count(*) as n from mfa_recovery_codes where user_id = ${userId} and used_at is null`;
    return Number(left[0]!.n);
  }

  async requireEnrolment(db: Queryable, userId: string, reason: string): Promise<void> {
    await db`insert into mfa_enrolment_required (user_id, reason) values (${userId}, ${reason})
             on conflict (user_id) do nothing`;
  }

  async mustEnrol(userId: string, db: Queryable = this.sql): Promise<boolean> {
    const r = await db`select 1 from mfa_enrolment_required where user_id = ${userId}`;
    return r.length > 0;
  }
}
