import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Where `npm start` keeps its development data (DATA_DIR, default `<repo>/.data`). */
export const dataDirOf = (source: Record<string, string | undefined>): string =>
  path.resolve(ROOT, source.DATA_DIR ?? '.data');

/** The file in which a running `npm start` publishes the owner URL of its embedded PostgreSQL. */
export const DEV_DATABASE_URL_FILE = 'database.url';

/**
 * DATABASE_URL for the command-line tools: the variable, else the embedded database of a running
 * `npm start` (it writes the URL under DATA_DIR while it runs and removes it when it stops).
 */
export const databaseUrlOf = (source: Record<string, string | undefined>): string | undefined => {
  if (source.DATABASE_URL) return source.DATABASE_URL;
  const file = path.join(dataDirOf(source), DEV_DATABASE_URL_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
};

/** What to say when neither is there. */
export const NO_DATABASE_MESSAGE =
  'DATABASE_URL is not set and no `npm start` is running here (its embedded database is used while it runs): start the product with `npm start`, or set DATABASE_URL';
