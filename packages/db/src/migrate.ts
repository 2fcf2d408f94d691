import { readdir, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Sql } from './sql.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations');

export interface MigrationResult {
  applied: string[];
  total: number;
}

/**
 * Forward-only SQL migrations, applied in file-name order, each in its own transaction, recorded in
 * `schema_migrations` with a checksum. A changed, already-applied file is an error (write a new one).
 * Safe to run from several processes at once (advisory lock).
 */
export const migrate = async (sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrationResult> => {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('tia:migrate'))`;
    await tx`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`;
    const done = new Map(
      (await tx<{ name: string; checksum: string }[]>`select name, checksum from schema_migrations`).map(
        (r) => [r.name, r.checksum],
      ),
    );
    const applied: string[] = [];
    for (const file of files) {
      const text = await readFile(path.join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      const prior = done.get(file);
      if (prior !== undefined) {
        if (prior !== checksum)
          throw new Error(`Migration ${file} was changed after it was applied; add a new migration instead.`);
        continue;
      }
      await tx.unsafe(text);
      await tx`insert into schema_migrations (name, checksum) values (${file}, ${checksum})`;
      applied.push(file);
    }
    return { applied, total: files.length };
  });
};

/**
 * For processes that may connect as the application role (web, worker): the owner (or a superuser) applies
 * pending migrations as before; the application role cannot (no DDL), so it only checks that none is
 * pending and otherwise refuses to start, naming them.
 */
export const migrateOrVerify = async (sql: Sql, dir = MIGRATIONS_DIR): Promise<MigrationResult> => {
  const [who] = await sql<{ owner: boolean }[]>`
    select (select rolsuper from pg_roles where rolname = current_user)
        or coalesce((select tableowner = current_user from pg_tables
                      where schemaname = current_schema() and tablename = 'events'), true) as owner`;
  if (who!.owner) return migrate(sql, dir);
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const done = new Set(
    (await sql<{ name: string }[]>`select name from schema_migrations`).map((r) => r.name),
  );
  const pending = files.filter((f) => !done.has(f));
  if (pending.length > 0)
    throw new Error(
      `Migrations pending: ${pending.join(', ')}. This role cannot apply them; run \`npm run db:migrate\` with the owner's DATABASE_URL.`,
    );
  return { applied: [], total: files.length };
};

/**
 * Creates (or updates) a login role for the application, a member of `tia_app` and nothing more: it can
 * read, append through `tia_append` and keep read models, never alter tables or disable triggers. Run as
 * the owner (embedded mode at start; tests).
 */
export const ensureAppLogin = async (owner: Sql, role: string, password: string | null): Promise<void> => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`Invalid role name ${role}`);
  await owner.unsafe(
    `do $$ begin create role ${role} login; exception when duplicate_object then null; end $$`,
  );
  const [stmt] = await owner<{ s: string }[]>`
    select format('alter role %I with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password %L',
                  ${role}::text, ${password}::text) as s`;
  await owner.unsafe(stmt!.s);
  await owner.unsafe(`grant tia_app to ${role}`);
};

/** `url` with another user and password. */
export const withCredentials = (url: string, user: string, password: string | null): string => {
  const u = new URL(url);
  u.username = user;
  u.password = password ?? '';
  return u.toString();
};
