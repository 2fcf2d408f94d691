import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/.next/**', '**/dist/**'];
// The web app's `@/` import alias (apps/web/tsconfig.json paths), for its unit specs.
const resolve = { alias: { '@/': fileURLToPath(new URL('./apps/web/src/', import.meta.url)) } };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        // JSX of the web app's components (its tsconfig preserves JSX for Next) compiled for unit tests.
        oxc: { jsx: { runtime: 'automatic' } },
        test: {
          name: 'unit',
          include: ['{apps,packages,scripts}/**/*.unit.spec.ts'],
          exclude,
        },
      },
      {
        resolve,
        test: {
          name: 'int',
          include: ['{apps,packages,scripts}/**/*.int.spec.ts'],
          // no TEST_DATABASE_URL and nothing on 127.0.0.1:5432 (or TEST_DATABASE_URL=embedded): embedded PostgreSQL
          // Kafka tests start a broker when none answers and Java is present; test-kafka.ts stops it after the run
          globalSetup: ['scripts/test-database.ts', 'scripts/test-kafka.ts'],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
        },
      },
      {
        resolve,
        test: {
          name: 'e2e',
          include: ['{apps,packages,scripts}/**/*.e2e.spec.ts'],
          globalSetup: ['scripts/test-database.ts'],
          exclude,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
