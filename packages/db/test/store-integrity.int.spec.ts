/**
 * The store keeps its word (issue 9): per-stream order, no back-dated rows, idempotency that checks the
 * payload, erasure serialised per subject. Each test failed on the store before migration 0010.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPersistence,
  eventually,
  ping,
  registered,
  type TestDatabase,
} from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { ConcurrencyError, DuplicateEventIdError, START } from '../src/event-store.js';
import { sealChain, verifyChain } from '../src/chain.js';
import { lockSubject, SubjectErasedError } from '../src/key-store.js';
import { eraseSubject } from '../src/privacy.js';
import { recording } from '@tia/domain';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/** Resolves once some session of this test database waits on a lock (or `other` settled first). */
const blockedOrSettled = async (other: Promise<unknown>): Promise<'blocked' | 'settled'> => {
  let settled = false;
  other.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 500; i++) {
    if (settled) return 'settled';
    const w =
      await db.sql`select 1 from pg_stat_activity where datname = ${db.name} and wait_event_type = 'Lock'`;
    if (w.length > 0) return 'blocked';
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('neither blocked nor settled');
};

describe('per-stream order follows transaction order', () => {
  it('refuses an append whose transaction id is older than the stream head', async () => {
    const s = `diag-${randomUUID()}`;
    const late = db.sql.begin(async (tx) => {
      await tx`select pg_current_xact_id()`; // A takes its transaction id first…
      await p.store.append(s, 0, [ping('v1')]); // …B appends v1 and commits…
      await p.store.append(s, 'any', [ping('v2')], { tx }); // …A must not append v2 behind it.
    });
    await expect(late).rejects.toBeInstanceOf(ConcurrencyError);
    // With an expected version, the same.
    const late2 = db.sql.begin(async (tx) => {
      await tx`select pg_current_xact_id()`;
      await p.store.append(s, 1, [ping('v2')]);
      await p.store.append(s, 2, [ping('v3')], { tx });
    });
    await expect(late2).rejects.toBeInstanceOf(ConcurrencyError);
    // A new transaction goes ahead, and every reader sees the stream in version order.
    await db.sql.begin((tx) => p.store.append(s, 'any', [ping('v3')], { tx }));
    const all = await eventually(async () => {
      const { events } = await p.store.readBatch(START, 10_000, { horizon: false });
      const mine = events.filter((e) => e.streamId === s);
      expect(mine).toHaveLength(3);
      return mine;
    }, 30_000);
    expect(all.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });
});

describe('only tia_append writes events', () => {
  const row = (id = randomUUID()) => {
    const data = { pingId: id, sentAt: '2026-11-30T12:00:00.000Z' };
    const metadata = { occurredAt: '2026-11-30T12:00:00.000Z' };
    return { id, plain: { data, metadata }, data: db.sql.json(data), meta: db.sql.json(metadata) };
  };

  it('gives the application role no INSERT on events, only tia_append', async () => {
    const r = row();
    await expect(
      db.sql.begin(async (tx) => {
        await tx`set local role tia_app`;
        await tx`insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
                 values (${`diag-${r.id}`}, 1, ${r.id}, 'DiagnosticPinged', 1, ${r.data}, ${r.meta})`;
      }),
    ).rejects.toMatchObject({ code: '42501' });
    const ok = await db.sql.begin(async (tx) => {
      await tx`set local role tia_app`;
      return tx`select * from tia_append(${`diag-${r.id}`}, 0, ${tx.json([
        { event_id: r.id, type: 'DiagnosticPinged', schema_version: 1, ...r.plain },
      ])})`;
    });
    expect(ok).toHaveLength(1);
  });

  it('lets no writer choose transaction_id or global_position, not even the owner', async () => {
    const a = row();
    await expect(
      db.sql`insert into events (transaction_id, stream_id, stream_version, event_id, type, schema_version, data, metadata)
             values ('3', ${`diag-${a.id}`}, 1, ${a.id}, 'DiagnosticPinged', 1, ${a.data}, ${a.meta})`,
    ).rejects.toThrow(/transaction_id is set by the database/);
    const b = row();
    await expect(
      db.sql`insert into events (global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata)
             overriding system value
             values (1000000, ${`diag-${b.id}`}, 1, ${b.id}, 'DiagnosticPinged', 1, ${b.data}, ${b.meta})`,
    ).rejects.toThrow(/global_position is set by the database/);
  });

  it('fails verification on an event inserted behind the sealer (triggers bypassed)', async () => {
    await p.store.append(`diag-${randomUUID()}`, 0, [ping('a'), ping('b')]);
    await eventually(async () => {
      await sealChain(db.sql);
      expect(await verifyChain(db.sql)).toMatchObject({ ok: true, unsealed: 0 });
    }, 30_000); // the horizon is cluster-wide: other test files' transactions can hold it back
    const r = row();
    await db.sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`insert into events (transaction_id, stream_id, stream_version, event_id, type, schema_version, data, metadata)
               values ('3', ${`diag-${r.id}`}, 1, ${r.id}, 'DiagnosticPinged', 1, ${r.data}, ${r.meta})`;
    });
    await sealChain(db.sql);
    const [pos] = await db.sql<{ global_position: string }[]>`
      select global_position from events where event_id = ${r.id}`;
    expect(await verifyChain(db.sql)).toMatchObject({
      ok: false,
      firstBroken: { seq: 1, globalPosition: Number(pos!.global_position), reason: 'unsealed_behind_chain' },
    });
  });
});

describe('idempotency checks the payload', () => {
  it('refuses an event id re-appended with a different payload, in and outside a transaction', async () => {
    const s = `diag-${randomUUID()}`;
    const first = ping('a');
    await p.store.append(s, 0, [first]);
    const forged = { ...first, data: { ...first.data, payload: 'b' } };
    await expect(p.store.append(s, 0, [forged])).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(db.sql.begin((tx) => p.store.append(s, 0, [forged], { tx }))).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    const otherMeta = { ...first, metadata: { ...first.metadata, occurredAt: '2026-12-01T00:00:00.000Z' } };
    await expect(p.store.append(s, 0, [otherMeta])).rejects.toBeInstanceOf(DuplicateEventIdError);
    // The very same event again is still a no-op success (personal data included: compared decrypted).
    expect(await p.store.append(s, 0, [first])).toMatchObject({ alreadyAppended: true });
    const uid = randomUUID();
    const reg = registered(uid, 'Ada Lovelace', 'ada@example.org');
    await p.store.append(`user-${uid}`, 0, [reg]);
    expect(await p.store.append(`user-${uid}`, 0, [reg])).toMatchObject({ alreadyAppended: true });
    await expect(
      p.store.append(`user-${uid}`, 0, [{ ...reg, data: { ...reg.data, email: 'eve@example.org' } }]),
    ).rejects.toBeInstanceOf(DuplicateEventIdError);
    expect(await p.store.readStream(s)).toHaveLength(1);
  });
});

describe('erasure is serialised per subject', () => {
  it('never recreates a key for a subject whose erasure was in flight', async () => {
    const subject = randomUUID();
    let create: Promise<Buffer> | null = null;
    await db.sql.begin(async (tx) => {
      await p.keys.destroy(tx, subject, 'user_request'); // tombstone written, not committed yet
      create = p.keys.keyFor(db.sql, subject);
      await blockedOrSettled(create); // old store: the key is created at once; now it waits for us
    });
    await expect(create!).rejects.toBeInstanceOf(SubjectErasedError);
    expect(await db.sql`select 1 from subject_keys where subject_id = ${subject}`).toHaveLength(0);
  });

  it('deletes audio whose upload committed while the erasure waited', async () => {
    const userId = randomUUID();
    const recordingId = randomUUID();
    await p.keys.keyFor(db.sql, userId);
    let erasure: Promise<unknown> | null = null;
    await db.sql.begin(async (tx) => {
      // The upload path: the subject's lock, then the audio and its key.
      await lockSubject(tx, userId);
      await p.blobs.put(tx, {
        recordingId,
        ownerId: userId,
        data: Buffer.from('audio'),
        mimeType: 'audio/webm',
      });
      erasure = eraseSubject(
        { store: p.store, keys: p.keys },
        { subjectId: userId, reason: 'user_request', eventId: randomUUID(), now: new Date().toISOString() },
      );
      await blockedOrSettled(erasure);
    });
    await erasure!;
    expect(await p.blobs.exists(db.sql, recordingId)).toBe(false);
    expect(await p.keys.find(db.sql, recording.recordingKeySubject(recordingId))).toBeNull();
  });
});
