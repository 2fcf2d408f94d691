import { defineConfig } from 'vitest/config';

const exclude = ['**/node_modules/**', '**/.next/**', '**/dist/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages,scripts}/**/*.unit.spec.ts'],
          exclude,
        },
      },
      {
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
