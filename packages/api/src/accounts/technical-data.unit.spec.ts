import { describe, expect, it } from 'vitest';
import { truncateIp, uaFamily } from './technical-data.js';
import { ARGON2_PARAMS, hashPassword, needsRehash, verifyPassword } from './password-hashing.js';
import { hash } from '@node-rs/argon2';

describe('technical data minimisation', () => {
  it('truncates IPv4 to /24 and IPv6 to /48', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateIp('::ffff:198.51.100.9')).toBe('198.51.100.0/24');
    expect(truncateIp('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd::/48');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::/48');
    expect(truncateIp('[2001:db8:1:2::3]')).toBe('2001:db8:1::/48');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80:0:0::/48');
    expect(truncateIp('not an ip')).toBeNull();
    expect(truncateIp(null)).toBeNull();
  });

  it('reduces a user agent to "Browser on OS"', () => {
    expect(
      uaFamily(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome on Linux');
    expect(
      uaFamily(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36 Edg/140.0',
      ),
    ).toBe('Edge on Windows');
    expect(
      uaFamily(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari on iOS');
    expect(
      uaFamily('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:130.0) Gecko/20100101 Firefox/130.0'),
    ).toBe('Firefox on macOS');
    expect(
      uaFamily('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/140 Mobile Safari/537.36'),
    ).toBe('Chrome on Android');
    expect(uaFamily('something odd')).toBe('Other browser');
    expect(uaFamily(null)).toBeNull();
  });
});

describe('password hashing (argon2id)', () => {
  it('hashes with m=19456, t=2, p=1 and verifies', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(h, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(needsRehash(h)).toBe(false);
  });

  it('asks for a rehash of weaker parameters', async () => {
    const weak = await hash('pw', { ...ARGON2_PARAMS, memoryCost: 4096, timeCost: 1 });
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash('$2b$10$something')).toBe(true);
  });
});
