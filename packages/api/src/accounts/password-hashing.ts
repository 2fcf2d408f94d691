import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';

/**
 * Password hashing: argon2id with OWASP's minimum parameters (m = 19456 KiB, t = 2, p = 1), PHC strings
 * (`$argon2id$v=19$m=19456,t=2,p=1$…`). The package is native (napi-rs) and runs off the event loop.
 */
export const ARGON2_PARAMS = {
  // const enums of the package cannot be imported under isolatedModules: 2 = Argon2id, 1 = v0x13.
  algorithm: 2 as Algorithm,
  version: 1 as Version,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

export const hashPassword = (password: string): Promise<string> =>
  hash(password.normalize('NFC'), ARGON2_PARAMS);

/** Constant-time inside argon2; false (never a throw) for malformed stored hashes. */
export const verifyPassword = async (stored: string, password: string): Promise<boolean> => {
  try {
    return await verify(stored, password.normalize('NFC'));
  } catch {
    return false;
  }
};

/** True when a stored hash was made with other (older, weaker) parameters and should be replaced at sign-in. */
export const needsRehash = (stored: string): boolean => {
  try {
    const p = parseOptions(stored);
    return (
      p.algorithm !== ARGON2_PARAMS.algorithm ||
      p.version !== ARGON2_PARAMS.version ||
      p.memoryCost < ARGON2_PARAMS.memoryCost ||
      p.timeCost < ARGON2_PARAMS.timeCost ||
      p.parallelism !== ARGON2_PARAMS.parallelism
    );
  } catch {
    return true;
  }
};

let dummy: Promise<string> | undefined;
/**
 * Verifies against a throw-away hash, so that "no such account" takes as long as "wrong password"
 * (no account enumeration by timing).
 */
export const burnVerifyTime = async (password: string): Promise<void> => {
  dummy ??= hashPassword('tia-timing-equaliser-not-a-password');
  await verifyPassword(await dummy, password);
};

/** How long a one-time password (bootstrap admin, or a reset of an account that must still change it) lasts. */
export const ONE_TIME_PASSWORD_HOURS = 24;
