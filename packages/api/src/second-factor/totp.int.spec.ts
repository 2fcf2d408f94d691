import { randomUUID } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { createPersistence, type Persistence } from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOVERY_CODE_COUNT, stepAt, totpCode, TotpFactors } from './totp.js';

let db: TestDatabase;
let p: Persistence;
let totp: TotpFactors;
beforeAll(async () => {
  db = await createTestDatabase();
  p = createPersistence(db.sql, TEST_MASTER_KEY);
  totp = new TotpFactors(db.sql, p.keys);
});
afterAll(async () => db?.drop());

const NOW = new Date('2026-06-01T12:00:10.000Z');
const at = (secondsLater: number) => new Date(NOW.getTime() + secondsLater * 1000);

const enrol = async (userId: string) => {
  const begun = await totp.begin(userId, 'ada@example.org');
  expect(begun).not.toBeNull();
  const key = decodeBase32IgnorePadding(begun!.secret);
  const confirmed = await db.sql.begin((tx) => totp.confirm(tx, userId, totpCode(key, stepAt(NOW)), NOW));
  return { key, begun: begun!, confirmed };
};

describe('TOTP factor (RFC 6238, real PostgreSQL)', () => {
  it('enrols: otpauth URI, secret sealed at rest, confirmation with a code gives 10 recovery codes once', async () => {
    const userId = randomUUID();
    const { begun, confirmed } = await enrol(userId);
    expect(begun.otpauthUri).toMatch(
      /^otpauth:\/\/totp\/TrueInterviewAI:ada%40example\.org\?issuer=TrueInterviewAI&algorithm=SHA1&secret=[A-Z2-7]+&period=30&digits=6$/,
    );
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    expect(confirmed.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(confirmed.recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    const row = (
      await db.sql<{ secret_enc: Buffer }[]>`select secret_enc from mfa_factors where user_id = ${userId}`
    )[0]!;
    expect(row.secret_enc.includes(Buffer.from(decodeBase32IgnorePadding(begun.secret)))).toBe(false);
    const hashes = await db.sql<
      { code_hash: Buffer }[]
    >`select code_hash from mfa_recovery_codes where user_id = ${userId}`;
    expect(hashes).toHaveLength(10);
    for (const c of confirmed.recoveryCodes) {
      expect(hashes.some((h) => h.code_hash.toString('utf8').includes(c))).toBe(false);
    }
    expect(await totp.isEnrolled(userId)).toBe(true);
    // Enrolling again while enabled is refused (no silent secret swap).
    expect(await totp.begin(userId, 'ada@example.org')).toBeNull();
  });

  it('a wrong code does not confirm the enrolment', async () => {
    const userId = randomUUID();
    const begun = (await totp.begin(userId, 'x@example.org'))!;
    const key = decodeBase32IgnorePadding(begun.secret);
    const wrong = String((Number(totpCode(key, stepAt(NOW))) + 1) % 1_000_000).padStart(6, '0');
    const r = await db.sql.begin((tx) => totp.confirm(tx, userId, wrong, NOW));
    expect(r).toEqual({ ok: false, reason: 'invalid' });
    expect(await totp.isEnrolled(userId)).toBe(false);
  });

  it('verifies codes within ±1 step, and refuses a code of an already used (or earlier) step: no replay', async () => {
    const userId = randomUUID();
    const { key } = await enrol(userId); // consumed step(NOW)
    const s = stepAt(NOW);
    // the enrolment code itself cannot be replayed
    expect(await totp.verify(userId, totpCode(key, s), at(5))).toBe('replayed');
    // the next step's code is accepted once…
    expect(await totp.verify(userId, totpCode(key, s + 1), at(30))).toBe('ok');
    // …and not twice, even in the same step
    expect(await totp.verify(userId, totpCode(key, s + 1), at(35))).toBe('replayed');
    // an earlier step, though still inside the window, is a replay as well
    expect(await totp.verify(userId, totpCode(key, s), at(40))).toBe('replayed');
    // too far away (2 steps) is invalid
    expect(await totp.verify(userId, totpCode(key, s + 4), at(60))).toBe('invalid');
    // clock drift of one step ahead is fine
    expect(await totp.verify(userId, totpCode(key, s + 3), at(60))).toBe('ok');
    expect(await totp.verify(userId, 'abc123', at(60))).toBe('invalid');
    expect(await totp.verify(randomUUID(), '123456', at(60))).toBe('not_enrolled');
  });

  it('parallel attempts with the same code: exactly one wins', async () => {
    const userId = randomUUID();
    const { key } = await enrol(userId);
    const code = totpCode(key, stepAt(NOW) + 1);
    const results = await Promise.all(Array.from({ length: 8 }, () => totp.verify(userId, code, at(30))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'replayed')).toHaveLength(7);
  });

  it('recovery codes are single use (any case or dashes), and unknown codes are refused', async () => {
    const userId = randomUUID();
    const { confirmed } = await enrol(userId);
    if (!confirmed.ok) throw new Error('enrolment failed');
    const [first, second] = confirmed.recoveryCodes;
    expect(await db.sql.begin((tx) => totp.useRecoveryCode(tx, userId, first!, NOW))).toBe(9);
    expect(await db.sql.begin((tx) => totp.useRecoveryCode(tx, userId, first!, NOW))).toBeNull();
    expect(
      await db.sql.begin((tx) =>
        totp.useRecoveryCode(tx, userId, second!.toUpperCase().replace(/-/g, ' '), NOW),
      ),
    ).toBe(8);
    expect(
      await db.sql.begin((tx) => totp.useRecoveryCode(tx, userId, 'aaaa-bbbb-cccc-dddd', NOW)),
    ).toBeNull();
    expect(await db.sql.begin((tx) => totp.useRecoveryCode(tx, randomUUID(), first!, NOW))).toBeNull();
  });
});
