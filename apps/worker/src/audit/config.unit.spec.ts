import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../env.js';

const base = {
  DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
  MASTER_KEY: randomBytes(32).toString('base64'),
};

describe('worker env: audit checkpoints', () => {
  it('accepts a raw 32-byte seed or a PKCS#8 Ed25519 key, with the anchor directory', () => {
    const seed = loadEnv({
      ...base,
      AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
      AUDIT_ANCHOR_DIR: '/tmp/a',
    });
    expect(seed.AUDIT_SIGNING_KEY?.asymmetricKeyType).toBe('ed25519');
    expect(seed.AUDIT_CHECKPOINT_SECONDS).toBe(300);
    const der = generateKeyPairSync('ed25519')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    const pkcs8 = loadEnv({
      ...base,
      AUDIT_SIGNING_KEY: der,
      AUDIT_ANCHOR_DIR: '/tmp/a',
      AUDIT_CHECKPOINT_SECONDS: '60',
    });
    expect(pkcs8.AUDIT_SIGNING_KEY?.asymmetricKeyType).toBe('ed25519');
    expect(pkcs8.AUDIT_CHECKPOINT_SECONDS).toBe(60);
    expect(loadEnv(base).AUDIT_SIGNING_KEY).toBeUndefined();
  });

  it('refuses loose base64, other key types, and a key without a directory (or the reverse)', () => {
    const dir = { AUDIT_ANCHOR_DIR: '/tmp/a' };
    expect(() => loadEnv({ ...base, ...dir, AUDIT_SIGNING_KEY: 'not base64!' })).toThrow(
      /AUDIT_SIGNING_KEY.*strict base64/,
    );
    expect(() => loadEnv({ ...base, ...dir, AUDIT_SIGNING_KEY: randomBytes(31).toString('base64') })).toThrow(
      /AUDIT_SIGNING_KEY/,
    );
    const x25519 = generateKeyPairSync('x25519')
      .privateKey.export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    expect(() => loadEnv({ ...base, ...dir, AUDIT_SIGNING_KEY: x25519 })).toThrow(/Ed25519/);
    expect(() => loadEnv({ ...base, AUDIT_SIGNING_KEY: randomBytes(32).toString('base64') })).toThrow(
      /AUDIT_ANCHOR_DIR.*set together/,
    );
    expect(() => loadEnv({ ...base, ...dir })).toThrow(/AUDIT_SIGNING_KEY.*set together/);
    expect(() =>
      loadEnv({
        ...base,
        ...dir,
        AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
        AUDIT_CHECKPOINT_SECONDS: '0',
      }),
    ).toThrow(/AUDIT_CHECKPOINT_SECONDS/);
  });
});
