import { createPersistence } from './factory.js';
import type { Logger } from './log.js';
import { rebuildProjection } from './projections.js';
import { accountsProjection, emailLookupFor } from './read-models/accounts.js';
import type { Sql } from './sql.js';

/** The migration that emptied `rm_accounts` to seal name and email (they are refilled from the log). */
export const SEALED_ACCOUNTS_MIGRATION = '0015_encrypted_accounts.sql';

/**
 * After `migrate`: when `SEALED_ACCOUNTS_MIGRATION` was just applied to a database with accounts, replays the
 * accounts projection (sealing each name and email under its subject key). Without the secrets it cannot, and
 * says what to run instead. Returns whether it rebuilt.
 */
export const rebuildAccountsAfterMigration = async (
  sql: Sql,
  applied: readonly string[],
  opts: { masterKey?: Buffer | undefined; authSecret?: Buffer | undefined; log: Logger },
): Promise<boolean> => {
  if (!applied.includes(SEALED_ACCOUNTS_MIGRATION)) return false;
  if ((await sql`select 1 from events where type = 'AccountRegistered' limit 1`).length === 0) return false;
  if (!opts.masterKey || !opts.authSecret) {
    opts.log.error(
      'rm_accounts was emptied to seal names and emails: run `npm run db:rebuild -- accounts` with MASTER_KEY and AUTH_SECRET now, or nobody can sign in',
    );
    return false;
  }
  const { store, keys } = createPersistence(sql, opts.masterKey);
  const r = await rebuildProjection(accountsProjection(emailLookupFor(opts.authSecret), keys), {
    sql,
    store,
    log: opts.log,
    inline: true,
  });
  opts.log.info('accounts read model rebuilt with sealed names and emails', { events: r.events });
  return true;
};
