import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, type TestDatabase } from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import type { TxSql } from '../src/sql.js';
import { asInline, rebuildProjection, runProjection } from '../src/projections.js';
import { consentsProjection } from '../src/read-models/consents.js';
import { activityProjection } from '../src/read-models/activity.js';
import { silentLogger } from '../src/log.js';
import { migrate, MIGRATIONS_DIR } from '../src/migrate.js';
import { readCheckpoint } from '../src/consumer.js';
import { consent, eventually, ping } from '../src/testing/index.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

const counts = async () =>
  Object.fromEntries(
    (
      await db.sql<
        { type: string; n: string }[]
      >`select type, sum(events)::bigint as n from rm_activity_daily group by type`
    ).map((r) => [r.type, Number(r.n)]),
  );

describe('migrations', () => {
  it('are recorded and not re-applied', async () => {
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
    expect(files.slice(0, 2)).toEqual(['0001_event_store.sql', '0002_read_models.sql']);
    const rows = await db.sql<{ name: string }[]>`select name from schema_migrations order by name`;
    expect(rows.map((r) => r.name)).toEqual(files);
    expect(await migrate(db.sql)).toEqual({ applied: [], total: files.length });
  });
});

describe('async projection with checkpoint, single active instance, and rebuild', () => {
  it('catches up, stores its checkpoint with the read model, and only one instance is active', async () => {
    for (let i = 0; i < 30; i++) await p.store.append(`diag-${randomUUID()}`, 0, [ping()]);
    await p.store.append(`privacy-${randomUUID()}`, 0, [consent(randomUUID(), 'marketing_email')]);

    const ac = new AbortController();
    const active: string[] = [];
    const runner = (label: string) =>
      runProjection(activityProjection, {
        sql: db.sql,
        store: p.store,
        log: {
          ...silentLogger,
          child: () => ({
            ...silentLogger,
            info: (m: string) => m === 'consumer active' && active.push(label),
          }),
        },
        signal: ac.signal,
        batchSize: 7,
      });
    const a = runner('a');
    const b = runner('b');
    await eventually(async () => expect(await counts()).toEqual({ DiagnosticPinged: 30, ConsentGiven: 1 }));
    expect(active).toHaveLength(1);
    const cp = await readCheckpoint(db.sql, 'projection:activity_daily');
    expect(BigInt(cp.transactionId)).toBeGreaterThan(0n);
    expect(await p.store.lag(cp)).toBe(0);

    // Rebuild while the live runner keeps going: same result, swapped in atomically.
    const writer = (async () => {
      for (let i = 0; i < 20; i++) await p.store.append(`diag-${randomUUID()}`, 0, [ping()]);
    })();
    const r = await rebuildProjection(activityProjection, {
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      batchSize: 5,
    });
    await writer;
    expect(r.events).toBeGreaterThanOrEqual(31);
    await eventually(async () => expect(await counts()).toEqual({ DiagnosticPinged: 50, ConsentGiven: 1 }));
    const tables = await db.sql<
      { t: string }[]
    >`select table_name as t from information_schema.tables where table_name like 'rm_activity_daily%'`;
    expect(tables.map((x) => x.t)).toEqual(['rm_activity_daily']);

    ac.abort();
    await Promise.all([a, b]);
  });
});

describe('rebuild of an inline projection', () => {
  it('loses no event whose append is in flight during the swap', async () => {
    const inline = [asInline(consentsProjection)];
    const before = randomUUID();
    await p.store.append(`privacy-${before}`, 0, [consent(before, 'product_improvement')], { inline });
    // An append that already wrote to the live read model but has not committed yet.
    const late = randomUUID();
    const conn = await db.sql.reserve();
    await conn`begin`;
    await p.store.append(`privacy-${late}`, 0, [consent(late, 'product_improvement')], {
      tx: conn as unknown as TxSql,
      inline,
    });
    const rebuilding = rebuildProjection(consentsProjection, {
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      inline: true,
    });
    await new Promise((r) => setTimeout(r, 300));
    await conn`commit`;
    conn.release();
    await rebuilding;
    const rows = await db.sql<{ subject_id: string }[]>`
      select subject_id from rm_consents where purpose = 'product_improvement' order by subject_id`;
    expect(rows.map((r) => r.subject_id)).toEqual([before, late].sort());
  });
});
