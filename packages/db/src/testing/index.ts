import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { createSql, type Sql } from '../sql.js';
import { migrate } from '../migrate.js';
import { createPersistence, type Persistence } from '../factory.js';

export * from './events.js';

/** Where integration tests find a real PostgreSQL server (never a mock). */
export const testServerUrl = () =>
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fixed master key for tests. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 7);

export interface TestDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** Creates a fresh, migrated database on the test server; `drop()` removes it. */
export const createTestDatabase = async (opts: { migrate?: boolean } = {}): Promise<TestDatabase> => {
  const server = testServerUrl();
  const name = `tia_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  const sql = createSql(url, { max: 10, applicationName: 'tia-test' });
  if (opts.migrate !== false) await migrate(sql);
  return {
    name,
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      const a = postgres(server, { max: 1, onnotice: () => undefined });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
};

/** A fresh database plus the event store and key store over it (test master key). */
export const createTestPersistence = async (): Promise<{ db: TestDatabase; p: Persistence }> => {
  const db = await createTestDatabase();
  return { db, p: createPersistence(db.sql, TEST_MASTER_KEY) };
};

/** Real speech for tests (see fixtures/speech/README.md); `SPEECH_FIXTURES_DIR` overrides the folder. */
export const speechFixturesDir = (): string =>
  process.env.SPEECH_FIXTURES_DIR ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/speech');
export const speechFixture = (name = 'jfk.wav'): string => path.join(speechFixturesDir(), name);
export * from './analytics.js';
export * from './s3-server.js';
