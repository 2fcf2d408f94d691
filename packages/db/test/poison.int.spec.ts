/**
 * Poison events (issue 9): an event of an unknown type or of a newer schema version than this code knows is
 * never read as something it is not, and never stalls a projection — it is quarantined with its reason.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSchemaError } from '@tia/domain';
import { createTestPersistence, eventually, ping, T, type TestDatabase } from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { runProjection, type Projection } from '../src/projections.js';
import { createLogger, type Logger } from '../src/log.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/** What newer code (or a bug) may have written: appended through tia_append, as the store itself does. */
const appendRaw = (
  stream: string,
  type: string,
  schemaVersion: number,
  data: Record<string, string | number | boolean>,
) =>
  db.sql`select * from tia_append(${stream}, null, ${db.sql.json([
    { event_id: randomUUID(), type, schema_version: schemaVersion, data, metadata: { occurredAt: T } },
  ])})`;

describe('poison events', () => {
  it('refuses to read a newer schema version as the current one', async () => {
    const s = `diag-${randomUUID()}`;
    await appendRaw(s, 'DiagnosticPinged', 99, { pingId: 'x', sentAt: T, payload: 'p', addedLater: 1 });
    await expect(p.store.readStream(s)).rejects.toBeInstanceOf(EventSchemaError);
    await expect(p.store.readStream(s)).rejects.toThrow(/newer than this code knows \(v1\)/);
  });

  it('are quarantined with their reason and an alert while the projection goes on', async () => {
    await db.sql`create table poison_seen (event_id uuid primary key, payload text)`;
    const projection: Projection = {
      name: `poison-test-${randomUUID().slice(0, 8)}`,
      tables: ['poison_seen'],
      apply: async (tx, events, t) => {
        for (const e of events)
          await tx`insert into ${tx(t('poison_seen'))} (event_id, payload)
                   values (${e.eventId}, ${(e.type === 'DiagnosticPinged' ? e.data.payload : undefined) ?? null})`;
      },
    };
    await p.store.append(`diag-${randomUUID()}`, 0, [ping('before')]);
    await appendRaw(`future-${randomUUID()}`, 'SomethingFromTheFuture', 1, { whatever: true });
    await appendRaw(`diag-${randomUUID()}`, 'DiagnosticPinged', 2, { pingId: 'y', sentAt: T });
    await p.store.append(`diag-${randomUUID()}`, 0, [ping('after')]);

    const alerts: Record<string, unknown>[] = [];
    const log: Logger = createLogger(
      {},
      {
        write: (line) => {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.alert) alerts.push(entry);
        },
      },
    );
    const ac = new AbortController();
    const run = runProjection(projection, {
      sql: db.sql,
      store: p.store,
      log,
      signal: ac.signal,
      pollMs: 10,
    });
    try {
      await eventually(async () => {
        const seen = await db.sql<
          { payload: string }[]
        >`select payload from poison_seen where payload is not null`;
        expect(seen.map((r) => r.payload).sort()).toEqual(['after', 'before']);
      }, 20_000);
    } finally {
      ac.abort();
      await run;
    }
    const dead = await db.sql<{ type: string; reason: string; error: string }[]>`
      select type, reason, error from dead_letters where consumer = ${`projection:${projection.name}`} order by id`;
    // (The v99 event of the test above is quarantined here too.)
    expect(dead.filter((d) => !d.error.includes('v99'))).toEqual([
      {
        type: 'SomethingFromTheFuture',
        reason: 'poison',
        error: 'Unknown event type: SomethingFromTheFuture',
      },
      {
        type: 'DiagnosticPinged',
        reason: 'poison',
        error: 'Event DiagnosticPinged v2 does not match its schema: newer than this code knows (v1)',
      },
    ]);
    expect(alerts.map((a) => [a.alert, a.type, a.schemaVersion])).toEqual([
      ['poison_event', 'DiagnosticPinged', 99],
      ['poison_event', 'SomethingFromTheFuture', 1],
      ['poison_event', 'DiagnosticPinged', 2],
    ]);
  });
});
