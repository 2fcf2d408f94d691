/** `npm run db:rebuild -- <projection>`: replays the whole log into fresh tables and swaps them in. */
import { ALL_PROJECTIONS, INLINE_PROJECTIONS } from '../read-models/index.js';
import { createLogger } from '../log.js';
import { createPersistence } from '../factory.js';
import { parseMasterKey } from '../crypto.js';
import { rebuildProjection } from '../projections.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const log = createLogger({ service: 'db:rebuild' });
const name = process.argv[2];
const projection = ALL_PROJECTIONS.find((p) => p.name === name);
if (!projection) {
  log.error('unknown projection', { given: name ?? null, known: ALL_PROJECTIONS.map((p) => p.name) });
  process.exit(2);
}
const env = loadDbScriptEnv();
if (!env.MASTER_KEY) {
  log.error('MASTER_KEY is required to rebuild (events are decrypted on replay)');
  process.exit(2);
}
const sql = createSql(env.DATABASE_URL, { max: 2, applicationName: 'tia-rebuild' });
try {
  const { store } = createPersistence(sql, parseMasterKey(env.MASTER_KEY));
  const inline = (INLINE_PROJECTIONS as readonly { name: string }[]).some((p) => p.name === projection.name);
  const r = await rebuildProjection(projection, { sql, store, log, inline });
  log.info('rebuild done', { projection: projection.name, events: r.events, ms: Math.round(r.ms) });
} catch (e) {
  log.error('rebuild failed', { error: e });
  process.exitCode = 1;
} finally {
  await sql.end();
}
