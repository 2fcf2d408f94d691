import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseMasterKey } from '../src/crypto.js';
import { parseSecret32, secret32, secretProblem } from '../src/secrets.js';

describe('32-byte secrets: one strict rule for every process (issue 8, item 7)', () => {
  it('accepts canonical base64 of exactly 32 bytes', () => {
    const good = randomBytes(32).toString('base64');
    expect(parseSecret32('AUTH_SECRET', ` ${good}\n`)).toHaveLength(32);
    expect(parseMasterKey(good).equals(Buffer.from(good, 'base64'))).toBe(true);
    expect(secret32('MASTER_KEY').parse(good)).toHaveLength(32);
  });

  it('refuses what Node would silently decode: passphrases, other lengths, non-canonical padding', () => {
    const cases = [
      'correct horse battery staple, twice over!!!', // 44 characters, decodes to 30-odd bytes of garbage
      'this-is-not-base64-but-it-is-44-characters!=',
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(48).toString('base64'),
      randomBytes(32).toString('base64url'),
      `${randomBytes(32).toString('base64').slice(0, 42)}B=`, // stray bits in the last character
      '',
    ];
    for (const c of cases) {
      expect(secretProblem('AUTH_SECRET', c), c).toMatch(/AUTH_SECRET/);
      expect(() => parseMasterKey(c), c).toThrow(/MASTER_KEY/);
      expect(secret32('X').safeParse(c).success, c).toBe(false);
    }
    expect(secretProblem('MASTER_KEY', undefined)).toMatch(/required/);
  });
});
