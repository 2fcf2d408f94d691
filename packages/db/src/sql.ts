import postgres from 'postgres';

export type Sql = postgres.Sql;
export type TxSql = postgres.TransactionSql;
/** Anything that can run a query: the pool, a reserved connection, or a transaction. */
export type Queryable = postgres.Sql | postgres.TransactionSql | postgres.ReservedSql;

export interface SqlOptions {
  max?: number;
  applicationName?: string;
}

export const createSql = (url: string, opts: SqlOptions = {}): Sql =>
  postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => undefined,
    connection: { application_name: opts.applicationName ?? 'trueinterview' },
  });
