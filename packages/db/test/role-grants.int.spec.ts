import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPersistence, unchecked, type TestDatabase } from '../src/testing/index.js';
import { type Persistence } from '../src/factory.js';
import { asInline, rebuildProjection } from '../src/projections.js';
import { roleGrantsProjection } from '../src/read-models/role-grants.js';
import { eraseSubject } from '../src/privacy.js';
import { silentLogger } from '../src/log.js';
import type { NewEvent } from '../src/event-store.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

const inline = [asInline(roleGrantsProjection)];
const ev = (type: string, data: Record<string, unknown>): NewEvent =>
  unchecked({ eventId: randomUUID(), type, data, metadata: { occurredAt: '2026-01-01T00:00:00.000Z' } });
const rows = async () =>
  (
    await db.sql<{ user_id: string; role: string; granted_by: string; last_reviewed_at: Date | null }[]>`
      select user_id, role, granted_by, last_reviewed_at from rm_role_grants order by user_id, role`
  ).map((r) => ({ ...r, last_reviewed_at: r.last_reviewed_at?.toISOString() ?? null }));

describe('rm_role_grants (inline projection)', () => {
  it('follows grants, reviews, revocations and erasure, and rebuilds to the same rows', async () => {
    const admin = randomUUID();
    const analyst = randomUUID();
    await p.store.append(
      `user-${admin}`,
      'any',
      [
        ev('RoleGranted', {
          userId: admin,
          role: 'admin',
          grantedBy: 'bootstrap',
          grantedAt: '2026-01-01T00:00:00Z',
        }),
      ],
      { inline },
    );
    await p.store.append(
      `user-${analyst}`,
      'any',
      [
        ev('RoleGranted', {
          userId: analyst,
          role: 'analyst',
          grantedBy: admin,
          grantedAt: '2026-01-02T00:00:00Z',
        }),
        ev('RoleGranted', {
          userId: analyst,
          role: 'compliance_officer',
          grantedBy: admin,
          grantedAt: '2026-01-02T00:00:00Z',
        }),
        ev('AccessReviewed', {
          userId: analyst,
          role: 'analyst',
          reviewedBy: admin,
          reviewedAt: '2026-02-01T00:00:00Z',
        }),
        ev('RoleRevoked', {
          userId: analyst,
          role: 'compliance_officer',
          revokedBy: admin,
          revokedAt: '2026-02-02T00:00:00Z',
        }),
      ],
      { inline },
    );
    const expected = [
      { user_id: admin, role: 'admin', granted_by: 'bootstrap', last_reviewed_at: null },
      { user_id: analyst, role: 'analyst', granted_by: admin, last_reviewed_at: '2026-02-01T00:00:00.000Z' },
    ].sort((a, b) => a.user_id.localeCompare(b.user_id));
    expect(await rows()).toEqual(expected);

    // An inline projection's rebuild locks its tables for the swap and so sees every committed event at once.
    await rebuildProjection(roleGrantsProjection, {
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      inline: true,
    });
    expect(await rows()).toEqual(expected);

    await db.sql`insert into mfa_factors (user_id, secret_enc) values (${analyst}, ${Buffer.alloc(40)})`;
    await eraseSubject(
      { store: p.store, keys: p.keys, inline },
      { subjectId: analyst, reason: 'user_request', eventId: randomUUID(), now: '2026-03-01T00:00:00Z' },
    );
    expect((await rows()).map((r) => r.user_id)).toEqual([admin]);
    expect(await db.sql`select 1 from mfa_factors where user_id = ${analyst}`).toHaveLength(0);
  });
});
