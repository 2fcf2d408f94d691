/**
 * Email normalisation for lookups (one account per address, trial registry): trim and lower-case the whole
 * address. We deliberately do NOT strip dots or `+tags`: outside a few providers those are meaningful parts of
 * the mailbox name, and guessing wrong would merge two people's accounts. (Gmail ignores dots and `+tags`,
 * so a determined person can get extra trials there; that is an accepted cost, not a privacy risk.)
 * The local part is case-sensitive in theory (RFC 5321), but no mainstream provider treats it so.
 */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

const SIMPLE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A cheap plausibility check; the real proof is the verification code we send. */
export const looksLikeEmail = (email: string): boolean => {
  const e = normaliseEmail(email);
  return e.length <= 320 && SIMPLE_EMAIL.test(e);
};
