import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '@tia/domain';
import { createTestPersistence, type TestDatabase } from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { SubjectErasedError } from '../src/key-store.js';
import { eraseSubject } from '../src/privacy.js';
import { asInline } from '../src/projections.js';
import { consentsProjection } from '../src/read-models/consents.js';
import { sealChain, verifyChain } from '../src/chain.js';
import { consent, eventually, note, only, registered, T } from '../src/testing/index.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

/** Every text column of every row of every table in the database, as one string per row. */
const everyRowAsText = async (): Promise<string[]> => {
  const tables = await db.sql<{ t: string }[]>`
    select quote_ident(table_schema) || '.' || quote_ident(table_name) as t from information_schema.tables
     where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'`;
  const out: string[] = [];
  for (const { t } of tables) {
    const rows = await db.sql.unsafe<{ r: string }[]>(`select (x.*)::text as r from ${t} x`);
    out.push(...rows.map((r) => `${t}: ${r.r}`));
  }
  return out;
};

describe('crypto-shredding', () => {
  const uid = randomUUID();
  const other = randomUUID();
  const secret = {
    name: 'Ada Lovelace',
    email: 'ada.lovelace@example.org',
    note: 'I rehearsed for the analyst role at Contoso',
  };

  it('stores personal data only as ciphertext, bound to its event and field', async () => {
    await p.store.append(`user-${uid}`, 0, [registered(uid, secret.name, secret.email)]);
    await p.store.append(`note-${uid}`, 0, [note(uid, secret.note)]);
    await p.store.append(`user-${other}`, 0, [registered(other, 'Alan Turing', 'alan@example.org')]);
    const dump = (await everyRowAsText()).join('\n');
    for (const s of Object.values(secret)) expect(dump).not.toContain(s);
    expect(dump).not.toContain('Alan Turing');
    const [e] = await p.store.readStream(`note-${uid}`);
    expect(only('NoteRecorded', e).data.text).toBe(secret.note);
  });

  it('a ciphertext moved to another event does not decrypt (AAD binds it)', async () => {
    const [row] = await db.sql<
      { data: { email: { $enc: string; k: string } } }[]
    >`select data from events where stream_id = ${`user-${other}`}`;
    const id = randomUUID();
    await db.sql`select * from tia_append(${`user-${randomUUID()}`}, 0, ${db.sql.json([
      {
        event_id: id,
        type: 'AccountRegistered',
        schema_version: 2,
        data: {
          userId: other,
          name: row!.data.email,
          email: row!.data.email,
          signupMethod: 'password',
          registeredAt: T,
        },
        metadata: { occurredAt: T },
      },
    ])})`;
    const [moved] = await db.sql<
      { stream_id: string }[]
    >`select stream_id from events where event_id = ${id}`;
    await expect(p.store.readStream(moved!.stream_id)).rejects.toThrow(/authenticate/);
  });

  it('erasure destroys the key: events stay, their personal content reads as redacted, never an error', async () => {
    const inline = [asInline(consentsProjection)];
    await p.store.append(`privacy-${uid}`, 'any', [consent(uid, 'recording_feedback')], { inline });
    expect(await db.sql`select * from rm_consents where subject_id = ${uid}`).toHaveLength(1);

    const r = await eraseSubject(
      { store: p.store, keys: p.keys, inline },
      { subjectId: uid, reason: 'user_request', eventId: randomUUID(), now: T },
    );
    expect(r).toEqual({ keyExisted: true, alreadyErased: false });

    const [reg] = await p.store.readStream(`user-${uid}`);
    expect(reg!.data).toEqual({
      userId: uid,
      name: REDACTED,
      email: REDACTED,
      signupMethod: 'password',
      registeredAt: T,
    });
    const [n] = await p.store.readStream(`note-${uid}`);
    expect(only('NoteRecorded', n).data.text).toEqual(REDACTED);
    expect(await db.sql`select * from subject_keys where subject_id = ${uid}`).toHaveLength(0);
    expect(await db.sql`select * from rm_consents where subject_id = ${uid}`).toHaveLength(0);
    // Others are untouched.
    const [o] = await p.store.readStream(`user-${other}`);
    expect(only('AccountRegistered', o).data.name).toBe('Alan Turing');

    // Events stay; the chain still verifies (it covers ciphertext).
    let sealed = 0;
    const [counted] = await db.sql<{ n: number }[]>`select count(*)::int as n from events`;
    const total = counted!.n;
    await eventually(async () => expect((sealed += await sealChain(db.sql))).toBe(Number(total)));
    expect(await verifyChain(db.sql)).toMatchObject({ ok: true });
  });

  it('no plaintext of the erased subject is readable anywhere, even with the master key', async () => {
    const dump = (await everyRowAsText()).join('\n');
    for (const s of Object.values(secret)) expect(dump).not.toContain(s);
    // Whatever ciphertext remains cannot be opened: there is no key left to try.
    expect(await p.keys.find(db.sql, uid)).toBeNull();
  });

  it('a tombstone stops a later write from silently recreating the key', async () => {
    await expect(p.keys.keyFor(db.sql, uid)).rejects.toBeInstanceOf(SubjectErasedError);
    await expect(p.store.append(`note-${uid}`, 'any', [note(uid, 'new text')])).rejects.toBeInstanceOf(
      SubjectErasedError,
    );
    const again = await eraseSubject(
      { store: p.store, keys: p.keys },
      { subjectId: uid, reason: 'user_request', eventId: randomUUID(), now: T },
    );
    expect(again).toEqual({ keyExisted: false, alreadyErased: true });
    expect(await db.sql`select * from events where type = 'SubjectErased'`).toHaveLength(1);
  });
});
