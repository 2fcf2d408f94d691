/**
 * `npm run dlq:redrive`: lists dead letters; with `-- --all`, `-- --consumer <name>` or `-- --id <n>` (repeatable)
 * asks the running worker to process those events again (handlers) or publish them again (relay).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createLogger } from '../log.js';
import { listDeadLetters, requestRedrive } from '../dead-letters.js';
import { createSql } from '../sql.js';
import { loadDbScriptEnv } from './env.js';

const log = createLogger({ service: 'dlq:redrive' });
const args = z
  .object({
    all: z.boolean().optional(),
    consumer: z.string().min(1).optional(),
    id: z.array(z.coerce.number().int().positive()).optional(),
  })
  .parse(
    parseArgs({
      options: {
        all: { type: 'boolean' },
        consumer: { type: 'string' },
        id: { type: 'string', multiple: true },
      },
    }).values,
  );
const env = loadDbScriptEnv();
const sql = createSql(env.DATABASE_URL, { max: 1, applicationName: 'tia-dlq-redrive' });
try {
  if (!args.all && !args.consumer && !args.id) {
    const rows = await listDeadLetters(sql);
    log.info('dead letters waiting (re-drive with --all, --consumer <name> or --id <n>)', {
      count: rows.length,
    });
    for (const r of rows) log.info('dead letter', { ...r });
  } else {
    const r = await requestRedrive(sql, {
      ...(args.all ? { all: true } : {}),
      ...(args.consumer ? { consumer: args.consumer } : {}),
      ...(args.id ? { ids: args.id } : {}),
    });
    log.info('re-drive requested; the worker picks it up within seconds', r);
    if (r.skippedProjections > 0)
      log.warn('projection dead letters are not re-driven: rebuild the projection (npm run db:rebuild)', {
        skipped: r.skippedProjections,
      });
  }
} catch (e) {
  log.error('dlq:redrive failed', { error: e });
  process.exitCode = 1;
} finally {
  await sql.end();
}
