import 'server-only';
import type { Sql } from 'postgres';
import { sharedSql } from './process-services';

/**
 * One postgres.js client per server process (shared with server.ts's `/api/trpc` handler, and kept on
 * globalThis so that Next's dev-mode module reloading does not open a new pool on every edit).
 */
export function getSql(): Sql {
  return sharedSql();
}
