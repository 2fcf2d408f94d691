import 'server-only';
import { createSql } from '@tia/db';
import type { Sql } from 'postgres';
import { serverEnv } from '../env';

/**
 * One postgres.js client per server process. Kept on globalThis so that Next's dev-mode module
 * reloading does not open a new pool on every edit.
 */
const holder = globalThis as typeof globalThis & { __tiaWebSql?: Sql };

export function getSql(): Sql {
  holder.__tiaWebSql ??= createSql(serverEnv().DATABASE_URL, { max: 10, applicationName: 'tia-web' });
  return holder.__tiaWebSql;
}
