import { rebuildAccountsAfterMigration } from '../accounts-migration.js';
import { parseMasterKey } from '../crypto.js';
import { createLogger } from '../log.js';
import { migrate } from '../migrate.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const log = createLogger({ service: 'db:migrate' });
try {
  const env = loadDbScriptEnv();
  const sql = createSql(env.DATABASE_URL, { max: 1, applicationName: 'tia-migrate' });
  try {
    const r = await migrate(sql);
    log.info('migrations done', { applied: r.applied, total: r.total });
    await rebuildAccountsAfterMigration(sql, r.applied, {
      masterKey: env.MASTER_KEY ? parseMasterKey(env.MASTER_KEY) : undefined,
      authSecret: env.AUTH_SECRET,
      log,
    });
  } finally {
    await sql.end();
  }
} catch (e) {
  log.error('migration failed', { error: e });
  process.exitCode = 1;
}
