import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, type TestDatabase } from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { ConcurrencyError, DuplicateEventIdError } from '../src/event-store.js';
import { only, ping, registered, T, unchecked } from '../src/testing/index.js';

let db: TestDatabase;
let p: Persistence;

beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

describe('append and read', () => {
  it('appends with stream versions, global positions, transaction ids and metadata', async () => {
    const s = `diag-${randomUUID()}`;
    const r = await p.store.append(s, 0, [ping('a'), ping('b')]);
    expect(r.nextVersion).toBe(2);
    expect(r.positions[1]! - r.positions[0]!).toBe(1);
    const events = await p.store.readStream(s);
    expect(events.map((e) => [e.streamVersion, e.type, only('DiagnosticPinged', e).data.payload])).toEqual([
      [1, 'DiagnosticPinged', 'a'],
      [2, 'DiagnosticPinged', 'b'],
    ]);
    expect(events[0]!.schemaVersion).toBe(1);
    expect(BigInt(events[0]!.transactionId)).toBeGreaterThan(0n);
    expect(events[0]!.metadata).toEqual({ occurredAt: T, actor: { kind: 'system', id: 'test' } });
  });

  it('rejects a stale expected version with a ConcurrencyError and stores nothing', async () => {
    const s = `diag-${randomUUID()}`;
    await p.store.append(s, 0, [ping()]);
    await expect(p.store.append(s, 0, [ping()])).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(p.store.append(s, 5, [ping()])).rejects.toThrow(/expected at version 5 but is at 1/);
    await p.store.append(s, 1, [ping()]);
    await p.store.append(s, 'any', [ping()]);
    expect(await p.store.streamVersion(s)).toBe(3);
  });

  it('lets exactly one of many concurrent writers at the same expected version win', async () => {
    const s = `diag-${randomUUID()}`;
    await p.store.append(s, 0, [ping()]);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => p.store.append(s, 1, [ping()])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
    expect(await p.store.streamVersion(s)).toBe(2);
  });

  it('serialises concurrent appends with no expected version into consecutive versions', async () => {
    const s = `diag-${randomUUID()}`;
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => p.store.append(s, 'any', [ping(String(i)), ping(`${i}b`)])),
    );
    const events = await p.store.readStream(s);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    // each append's two events stay adjacent
    for (let i = 0; i < 16; i += 2)
      expect(`${String(only('DiagnosticPinged', events[i]).data.payload)}b`).toBe(
        only('DiagnosticPinged', events[i + 1]).data.payload,
      );
  });

  it('treats a retried append with the same event ids as a no-op success', async () => {
    const s = `diag-${randomUUID()}`;
    const batch = [ping('1'), ping('2')];
    const first = await p.store.append(s, 0, batch);
    const again = await p.store.append(s, 0, batch);
    expect(again).toEqual({ ...first, alreadyAppended: true });
    expect(await p.store.readStream(s)).toHaveLength(2);
    // The same retry racing itself from many connections still yields one copy.
    const s2 = `diag-${randomUUID()}`;
    const twin = [ping('t')];
    const raced = await Promise.all(Array.from({ length: 6 }, () => p.store.append(s2, 0, twin)));
    expect(new Set(raced.map((r) => r.positions[0]))).toHaveProperty('size', 1);
    expect(await p.store.readStream(s2)).toHaveLength(1);
  });

  it('refuses an event id reused for a different event', async () => {
    const s = `diag-${randomUUID()}`;
    const e = ping();
    await p.store.append(s, 0, [e]);
    await expect(p.store.append(`diag-${randomUUID()}`, 0, [e])).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    await expect(
      p.store.append(s, 'any', [
        {
          ...e,
          type: 'ConsentWithdrawn',
          data: { subjectId: 'x', purpose: 'marketing_email', withdrawnAt: T },
        },
      ]),
    ).rejects.toBeInstanceOf(DuplicateEventIdError);
  });

  it('validates event data against the schema before storing', async () => {
    const s = `diag-${randomUUID()}`;
    await expect(p.store.append(s, 0, [unchecked({ ...ping(), data: { pingId: 'x' } })])).rejects.toThrow(
      /sentAt/,
    );
    await expect(p.store.append(s, 0, [unchecked({ ...ping(), type: 'NoSuchThing' })])).rejects.toThrow(
      /Unknown event type/,
    );
    await expect(p.store.append('no category', 0, [ping()])).rejects.toThrow(/Invalid stream id/);
    expect(await p.store.streamVersion(s)).toBe(0);
  });

  it('upcasts events stored under an older schema version on read', async () => {
    const s = `user-${randomUUID()}`;
    const id = randomUUID();
    // Store a v1 event exactly as an older release did (no personal-data encryption involved in the upcast).
    await db.sql`select * from tia_append(${s}, 0, ${db.sql.json([
      {
        event_id: id,
        type: 'AccountRegistered',
        schema_version: 1,
        data: { userId: 'old', fullName: 'Old Name', email: 'o@example.org', registeredAt: T },
        metadata: { occurredAt: T },
      },
    ])})`;
    const [e] = await p.store.readStream(s);
    expect(e!.schemaVersion).toBe(1);
    expect(e!.data).toEqual({
      userId: 'old',
      name: 'Old Name',
      email: 'o@example.org',
      signupMethod: 'password',
      registeredAt: T,
    });
  });

  it('decrypts personal fields for the reader while storing only ciphertext', async () => {
    const s = `user-${randomUUID()}`;
    const uid = randomUUID();
    await p.store.append(s, 0, [registered(uid, 'Grace Hopper', 'grace@example.org')]);
    const [raw] = await db.sql<
      { data: Record<string, unknown> }[]
    >`select data from events where stream_id = ${s}`;
    expect(JSON.stringify(raw!.data)).not.toMatch(/Grace|grace@/);
    expect(raw!.data.email).toMatchObject({ k: uid });
    const [e] = await p.store.readStream(s);
    expect(e!.data).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.org' });
  });
});

describe('append-only, enforced by the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE of events even for the superuser', async () => {
    await p.store.append(`diag-${randomUUID()}`, 0, [ping()]);
    await expect(db.sql`update events set type = 'X'`).rejects.toThrow(/append-only/);
    await expect(db.sql`delete from events`).rejects.toThrow(/append-only/);
    await expect(db.sql`truncate events cascade`).rejects.toThrow(/append-only/);
    await expect(db.sql`truncate event_chain`).rejects.toThrow(/append-only/);
  });

  it('gives the application role no privilege to rewrite events', async () => {
    await expect(
      db.sql.begin(async (tx) => {
        await tx`set local role tia_app`;
        await tx`update events set type = 'X'`;
      }),
    ).rejects.toThrow(/permission denied/);
    // ...while it may read and append.
    await db.sql.begin(async (tx) => {
      await tx`set local role tia_app`;
      await p.store.append(`diag-${randomUUID()}`, 0, [ping()], { tx });
    });
  });
});
