/** `npm run db:rebuild -- <projection>`: replays the whole log into fresh tables and swaps them in. */
import { PROJECTION_NAMES, projectionByName } from '../read-models/index.js';
import { createLogger } from '../log.js';
import { createPersistence } from '../factory.js';
import { parseMasterKey } from '../crypto.js';
import { rebuildProjection } from '../projections.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const log = createLogger({ service: 'db:rebuild' });
const name = process.argv[2] ?? '';
const env = loadDbScriptEnv();
let found: ReturnType<typeof projectionByName>;
try {
  found = projectionByName(name, {
    ...(env.AUTH_SECRET ? { authSecret: env.AUTH_SECRET } : {}),
    ...(env.MASTER_KEY ? { masterKey: parseMasterKey(env.MASTER_KEY) } : {}),
  });
} catch (e) {
  log.error((e as Error).message);
  process.exit(2);
}
if (!found) {
  log.error('unknown projection', { given: name || null, known: PROJECTION_NAMES });
  process.exit(2);
}
if (!env.MASTER_KEY) {
  log.error('MASTER_KEY is required to rebuild (events are decrypted on replay)');
  process.exit(2);
}
const sql = createSql(env.DATABASE_URL, { max: 3, applicationName: 'tia-rebuild' });
try {
  const { store } = createPersistence(sql, parseMasterKey(env.MASTER_KEY));
  const r = await rebuildProjection(found.projection, { sql, store, log, inline: found.inline });
  log.info('rebuild done', { projection: found.projection.name, events: r.events, ms: Math.round(r.ms) });
} catch (e) {
  log.error('rebuild failed', { error: e });
  process.exitCode = 1;
} finally {
  await sql.end();
}
