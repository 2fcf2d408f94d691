/** `npm run db:verify`: seals what is committed, then recomputes the hash chain; exit 1 on a broken link. */
import { sealChain, verifyChain } from '../chain.js';
import { checkAgainstAnchor } from '../audit/cli.js';
import { createLogger } from '../log.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const log = createLogger({ service: 'db:verify' });
const env = loadDbScriptEnv();
const sql = createSql(env.DATABASE_URL, { max: 1, applicationName: 'tia-verify' });
try {
  while ((await sealChain(sql)) > 0) {
    /* seal the backlog first */
  }
  const v = await verifyChain(sql);
  if (v.ok) log.info('hash chain verified', v);
  else {
    log.error('hash chain BROKEN', v);
    process.exitCode = 1;
  }
  // The application's own digests, held to the latest signed checkpoint outside the database.
  if (!(await checkAgainstAnchor(sql, log))) process.exitCode = 1;
} finally {
  await sql.end();
}
