/** `npm run audit:checkpoint`: asks the running worker to sign and publish a checkpoint now; exit 1 if none came. */
import { requestCheckpointAndWait } from '../audit/mirror.js';
import { createLogger } from '../log.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const log = createLogger({ service: 'audit:checkpoint' });
const env = loadDbScriptEnv();
const sql = createSql(env.DATABASE_URL, { max: 1, applicationName: 'tia-audit-checkpoint' });
try {
  const c = await requestCheckpointAndWait(sql, 30_000);
  if (c) log.info('audit checkpoint published', c);
  else {
    log.error(
      'no checkpoint within 30 s: is the worker running with AUDIT_SIGNING_KEY and AUDIT_ANCHOR_DIR?',
    );
    process.exitCode = 1;
  }
} finally {
  await sql.end();
}
