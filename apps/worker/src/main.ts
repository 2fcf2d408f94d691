import { createLogger } from '@tia/db';
import { loadEnv } from './env.js';
import { startWorker } from './worker.js';

const env = loadEnv();
const log = createLogger({ service: 'worker' }, { level: env.LOG_LEVEL });

const worker = await startWorker(env, log).catch((e: unknown) => {
  log.error('worker failed to start', { error: e });
  process.exit(1);
});

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info('shutdown requested', { signal });
  const force = setTimeout(() => {
    log.error('graceful shutdown timed out; exiting');
    process.exit(1);
  }, 20_000);
  force.unref();
  void worker.stop().then(() => process.exit(0));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
