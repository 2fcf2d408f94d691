import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsProjection,
  asInline,
  eraseSubject,
  openAccountFields,
  type InlineProjection,
  type Persistence,
  type Projection,
  type SealedAccountRow,
} from '../src/index.js';
import { createTestPersistence, registered, T, type TestDatabase } from '../src/testing/index.js';

const lookup = (email: string) =>
  createHash('sha256').update(`test:${email.trim().toLowerCase()}`).digest('hex');
let db: TestDatabase;
let p: Persistence;
let projection: Projection;
let inline: InlineProjection[];
beforeAll(async () => {
  ({ db, p } = await createTestPersistence());
  projection = accountsProjection(lookup, p.keys);
  inline = [asInline(projection)];
});
afterAll(async () => db?.drop());

const meta = (userId: string) => ({ occurredAt: T, actor: { kind: 'user' as const, id: userId } });

describe('accounts read model (inline)', () => {
  it('follows registration, verification and trial; erasure removes the row and the auth secrets; rebuild agrees', async () => {
    const ada = randomUUID();
    const bob = randomUUID();
    for (const [id, email] of [
      [ada, 'Ada@Example.org'],
      [bob, 'bob@example.org'],
    ] as const) {
      await db.sql`insert into auth_users (id) values (${id})`;
      await p.store.append(
        `user-${id}`,
        0,
        [
          registered(id, 'Person', email),
          {
            eventId: randomUUID(),
            type: 'EmailVerified',
            data: { userId: id, verifiedAt: T },
            metadata: meta(id),
          },
          {
            eventId: randomUUID(),
            type: 'TrialGranted',
            data: { userId: id, answers: 5, grantedAt: T },
            metadata: meta(id),
          },
        ],
        { inline },
      );
    }
    const sealed = await db.sql<(SealedAccountRow & Record<string, unknown>)[]>`
      select user_id, email_lookup, name_enc, email_enc, trial_remaining, trial_total,
             email_verified_at is not null as verified
        from rm_accounts`;
    // Name and email are ciphertext at rest (sealed under each subject's key) and open to what was registered.
    expect(JSON.stringify(sealed)).not.toMatch(/example\.org|Person/i);
    const opened = await openAccountFields(p.keys, db.sql, sealed);
    const rows = sealed
      .map(({ name_enc: _n, email_enc: _e, ...r }) => ({ ...r, email: opened.get(r.user_id)?.email }))
      .sort((x, y) => String(x.email).localeCompare(String(y.email)));
    expect(rows).toEqual([
      {
        user_id: ada,
        email_lookup: lookup('ada@example.org'),
        email: 'Ada@Example.org',
        trial_remaining: 5,
        trial_total: 5,
        verified: true,
      },
      {
        user_id: bob,
        email_lookup: lookup('bob@example.org'),
        email: 'bob@example.org',
        trial_remaining: 5,
        trial_total: 5,
        verified: true,
      },
    ]);

    await eraseSubject(
      { store: p.store, keys: p.keys, inline },
      { subjectId: ada, reason: 'user_request', eventId: randomUUID(), now: T },
    );
    expect(await db.sql`select user_id from rm_accounts`).toEqual([{ user_id: bob }]);
    expect(await db.sql`select id from auth_users`).toEqual([{ id: bob }]);

    // Replaying the log (Ada's fields now redacted) gives the same read model. (Replayed by hand rather
    // than with rebuildProjection, whose cluster-wide horizon waits on other test databases' transactions.)
    const log = [
      ...(await p.store.readStream(`user-${ada}`)),
      ...(await p.store.readStream(`user-${bob}`)),
      ...(await p.store.readStream(`privacy-${ada}`)),
    ];
    await db.sql.begin(async (tx) => {
      await tx`delete from rm_accounts`;
      await asInline(projection).apply(tx, log);
    });
    expect(await db.sql`select user_id, trial_remaining from rm_accounts`).toEqual([
      { user_id: bob, trial_remaining: 5 },
    ]);
  });

  it('one account per normalised email (unique lookup)', async () => {
    const a = randomUUID();
    const b = randomUUID();
    await p.store.append(`user-${a}`, 0, [registered(a, 'A', 'same@example.org')], { inline });
    await expect(
      p.store.append(`user-${b}`, 0, [registered(b, 'B', ' SAME@example.org')], { inline }),
    ).rejects.toMatchObject({ code: '23505', table_name: 'rm_accounts' }); // constraint names change on rebuild
    expect(await db.sql`select 1 from events where stream_id = ${`user-${b}`}`).toHaveLength(0);
  });
});
