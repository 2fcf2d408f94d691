/** Minimum age to hold an account (issue 3 / privacy policy). */
export const MINIMUM_AGE = 16;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into its parts, or null when it is not a real calendar date. */
export const parseIsoDate = (s: string): { y: number; m: number; d: number } | null => {
  const match = DATE.exec(s);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return { y, m, d };
};

/**
 * Full years between a date of birth (`YYYY-MM-DD`) and `today` (`YYYY-MM-DD`, UTC), or null when the date
 * of birth is not a valid date or lies in the future. Someone born on 29 February turns a year older on
 * 1 March in non-leap years.
 */
export const ageOn = (dateOfBirth: string, today: string): number | null => {
  const b = parseIsoDate(dateOfBirth);
  const t = parseIsoDate(today);
  if (!b || !t) return null;
  let age = t.y - b.y;
  if (t.m < b.m || (t.m === b.m && t.d < b.d)) age--;
  return age < 0 ? null : age;
};

export type AgeCheck = { ok: true; age: number } | { ok: false; reason: 'invalid' | 'too_young' };

export const checkMinimumAge = (dateOfBirth: string, today: string): AgeCheck => {
  const age = ageOn(dateOfBirth, today);
  if (age === null || age > 130) return { ok: false, reason: 'invalid' };
  return age < MINIMUM_AGE ? { ok: false, reason: 'too_young' } : { ok: true, age };
};
