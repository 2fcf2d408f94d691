/** The stream of one person's privacy choices: consents, restriction, objection, erasure (one decider each). */
export const privacyStream = (userId: string) => `privacy-${userId}`;
