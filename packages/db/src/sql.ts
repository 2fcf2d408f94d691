import postgres from 'postgres';

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;
/** Anything that can run a query: the pool, a reserved connection, or a transaction. */
export type Queryable = postgres.Sql | postgres.TransactionSql | postgres.ReservedSql;

export interface SqlOptions {
  max?: number;
  applicationName?: string;
}

/**
 * Reconnection while the database is unreachable. postgres.js waits before each new connection attempt — by
 * default up to 20 s after a few failures — and a query issued meanwhile waits for that attempt: during a
 * restart a request hung past its client's patience, a worker's stop took 18 s, and once the database was
 * back the pool could still sleep for 20 s. Capped at 2 s (with jitter), a query fails within a few seconds
 * (503 + Retry-After for a request) and the pool is back within 2 s of the database.
 */
export const reconnectDelaySeconds = (failures: number): number =>
  (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** failures, 2);

export const createSql = (url: string, opts: SqlOptions = {}): Sql =>
  postgres(url, {
    max: opts.max ?? 10,
    backoff: reconnectDelaySeconds,
    // a server that does not answer at all (network partition) fails the attempt after 10 s, not 30
    connect_timeout: 10,
    onnotice: () => undefined,
    connection: { application_name: opts.applicationName ?? 'trueinterview' },
  });
