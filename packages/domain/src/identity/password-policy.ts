import COMMON from './common-passwords.json';

/**
 * Password policy (NIST SP 800-63B style): length 8–128 characters, any characters (spaces, emoji, pasted
 * from a manager — all fine), no composition rules, no expiry. Rejected: the most common passwords (a list
 * shipped in `common-passwords.json`, compared case-insensitively) and passwords equal to the person's own
 * email address, its local part, or their name.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

const common = new Set<string>(COMMON.map((p) => p.toLowerCase()));

export const commonPasswordCount = (): number => common.size;

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'personal';

/** Length in characters as a person counts them (code points, not UTF-16 units). */
const length = (s: string) => [...s].length;

export const checkPassword = (
  password: string,
  personal: { email?: string; name?: string } = {},
): PasswordProblem | null => {
  const n = length(password);
  if (n < PASSWORD_MIN) return 'too_short';
  if (n > PASSWORD_MAX) return 'too_long';
  const lower = password.trim().toLowerCase();
  if (common.has(lower)) return 'common';
  const email = personal.email?.trim().toLowerCase();
  const name = personal.name?.trim().toLowerCase();
  const own = [email, email?.split('@')[0], name, name?.replace(/\s+/g, '')].filter(
    (v): v is string => !!v && v.length > 0,
  );
  if (own.includes(lower)) return 'personal';
  return null;
};

export const PASSWORD_MESSAGES: Record<PasswordProblem, string> = {
  too_short: `Use at least ${PASSWORD_MIN} characters.`,
  too_long: `Use at most ${PASSWORD_MAX} characters.`,
  common: 'This password is one of the most commonly used ones. Please choose another.',
  personal: 'Please do not use your name or email address as your password.',
};
