import { parseSecret32 } from './secrets.js';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM with a random 96-bit IV: iv(12) | ciphertext | tag(16). `aad` binds the ciphertext to its context. */
export const seal = (key: Buffer, plaintext: Buffer, aad: string): Buffer => {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, body, c.getAuthTag()]);
};

export const open = (key: Buffer, box: Buffer, aad: string): Buffer => {
  if (box.length < 28) throw new Error('ciphertext too short');
  const d = createDecipheriv('aes-256-gcm', key, box.subarray(0, 12));
  d.setAAD(Buffer.from(aad, 'utf8'));
  d.setAuthTag(box.subarray(box.length - 16));
  return Buffer.concat([d.update(box.subarray(12, box.length - 16)), d.final()]);
};

/** A master key (key-encryption key) from its base64 text; must be 32 bytes. */
export const parseMasterKey = (b64: string): Buffer => parseSecret32('MASTER_KEY', b64);
