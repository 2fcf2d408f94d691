/**
 * `npm audit --json | npm run audit:record -- --source ci-nightly` (or `--file report.json`): records the
 * result of a dependency vulnerability audit as a `DependencyAuditRecorded` event (P17), with the hash of the
 * package-lock.json it audited. The compliance console's Dependencies page shows the latest one.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { recordDependencyAudit } from '../dependency-audit.js';
import { createPersistence } from '../factory.js';
import { createLogger } from '../log.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const readStdin = async () => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const log = createLogger({ service: 'audit:record' });
const env = loadDbScriptEnv();
const file = arg('file');
const report = file ? await readFile(file, 'utf8') : await readStdin();
const lockfile = await readFile(arg('lockfile') ?? 'package-lock.json');
const sql = createSql(env.DATABASE_URL, { max: 1, applicationName: 'tia-audit-record' });
try {
  // The event holds no personal data, so no subject key is ever derived from this one.
  const { store } = createPersistence(sql, randomBytes(32));
  const auditId = await recordDependencyAudit(store, {
    report,
    lockfile,
    source: arg('source') ?? 'manual',
    now: new Date(),
  });
  log.info('dependency audit recorded', { auditId });
} catch (e) {
  log.error('dependency audit not recorded', { error: e instanceof Error ? e.message : String(e) });
  process.exitCode = 1;
} finally {
  await sql.end();
}
