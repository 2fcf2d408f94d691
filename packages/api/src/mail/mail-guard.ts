/**
 * The dev mailbox must never stand in for real mail in production: it keeps names, addresses and codes in
 * plaintext files. With NODE_ENV=production and no SMTP_URL the app refuses to start, unless the operator
 * says this is a local machine (`ALLOW_DEV_MAILBOX=1`; `npm start` sets it only with its embedded database).
 * Returns what is wrong, or null.
 */
export const devMailboxProblem = (env: {
  NODE_ENV?: string | undefined;
  SMTP_URL?: string | undefined;
  ALLOW_DEV_MAILBOX?: string | undefined;
}): string | null =>
  env.NODE_ENV === 'production' && !env.SMTP_URL && env.ALLOW_DEV_MAILBOX !== '1'
    ? 'SMTP_URL is not set while NODE_ENV=production: refusing to start, because mail would be written as plaintext ' +
      '.eml files to the dev mailbox. Set SMTP_URL=smtp(s)://user:pass@host:port (or, on a local machine only, ALLOW_DEV_MAILBOX=1).'
    : null;

export const assertMailConfigured = (env: Parameters<typeof devMailboxProblem>[0]): void => {
  const problem = devMailboxProblem(env);
  if (problem) throw new Error(problem);
};
