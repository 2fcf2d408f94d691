import { describe, expect, it } from 'vitest';
import { ageOn, checkMinimumAge } from './age.js';
import { looksLikeEmail, normaliseEmail } from './email.js';
import { checkPassword, commonPasswordCount } from './password-policy.js';

describe('email normalisation', () => {
  it('trims and lower-cases, keeping dots and +tags (they can name different mailboxes)', () => {
    expect(normaliseEmail('  Ada.Lovelace+Jobs@Example.ORG ')).toBe('ada.lovelace+jobs@example.org');
    expect(normaliseEmail('a.b@gmail.com')).not.toBe(normaliseEmail('ab@gmail.com'));
  });
  it('plausibility check', () => {
    expect(looksLikeEmail('ada@example.org')).toBe(true);
    expect(looksLikeEmail('ada@example')).toBe(false);
    expect(looksLikeEmail('a da@example.org')).toBe(false);
  });
});

describe('age from date of birth', () => {
  it('counts full years on the given day', () => {
    expect(ageOn('2010-12-01', '2026-11-30')).toBe(15);
    expect(ageOn('2010-11-30', '2026-11-30')).toBe(16);
    expect(ageOn('2010-11-29', '2026-11-30')).toBe(16);
  });
  it('born on 29 February: a year older on 1 March in non-leap years', () => {
    expect(ageOn('2008-02-29', '2024-02-28')).toBe(15);
    expect(ageOn('2008-02-29', '2024-02-29')).toBe(16);
    expect(ageOn('2009-02-28', '2025-02-28')).toBe(16);
    expect(ageOn('2008-02-29', '2025-02-28')).toBe(16); // 2025 is not a leap year; 28 Feb < 29 Feb → still 16 (was 16 on 2024-02-29)
  });
  it('refuses under 16, invalid and future dates', () => {
    expect(checkMinimumAge('2011-01-01', '2026-11-30')).toEqual({ ok: false, reason: 'too_young' });
    expect(checkMinimumAge('1990-02-30', '2026-11-30')).toEqual({ ok: false, reason: 'invalid' });
    expect(checkMinimumAge('2030-01-01', '2026-11-30')).toEqual({ ok: false, reason: 'invalid' });
    expect(checkMinimumAge('1990-05-17', '2026-11-30')).toEqual({ ok: true, age: 36 });
  });
});

describe('password policy', () => {
  it('ships a list of several thousand common passwords', () => {
    expect(commonPasswordCount()).toBeGreaterThan(1000);
  });
  it('8–128 characters, counted as people count them, no composition rules', () => {
    expect(checkPassword('short')).toBe('too_short');
    expect(checkPassword('x'.repeat(129))).toBe('too_long');
    expect(checkPassword('correct horse battery staple')).toBeNull();
    expect(checkPassword('ünïcödé😀😀')).toBeNull();
    expect(checkPassword('😀😀😀😀😀😀😀')).toBe('too_short'); // 7 characters, 14 UTF-16 units
    expect(checkPassword('alllowercaseletters')).toBeNull();
  });
  it('rejects common passwords, case-insensitively', () => {
    for (const p of ['password', 'Password1', '12345678', 'qwerty123', 'iloveyou', 'sunshine1', 'P@ssw0rd'])
      expect(checkPassword(p), p).toBe('common');
  });
  it('rejects the email, its local part or the name', () => {
    const me = { email: 'Ada.Lovelace@example.org', name: 'Ada Lovelace' };
    expect(checkPassword('ada.lovelace@example.org', me)).toBe('personal');
    expect(checkPassword('ada.lovelace', me)).toBe('personal');
    expect(checkPassword('Ada Lovelace', me)).toBe('personal');
    expect(checkPassword('adalovelace', me)).toBe('personal');
    expect(checkPassword('analytical engine', me)).toBeNull();
  });
});
