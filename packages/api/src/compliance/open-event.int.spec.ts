import { TRPCError } from '@trpc/server';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let a: AuthServices;
let officer: string;
let officerCtx: Context;
const clock = testClock();
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

const registrationOf = async (userId: string): Promise<string> => {
  const [r] = await db.sql<{ event_id: string }[]>`
    select event_id from events where stream_id = ${`user-${userId}`} and type = 'AccountRegistered'`;
  return r!.event_id;
};

const opens = async (eventId: string) =>
  db.sql<{ data: Record<string, unknown>; metadata: Record<string, unknown> }[]>`
    select data, metadata from events
     where type = 'AuditTrailConsulted' and data->>'action' = 'open' and data->'filter'->>'eventId' = ${eventId}`;

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  officer = await createTestAccount(a, { email: 'officer@example.org' });
  await changeStaffAccess(a, {
    type: 'GrantRole',
    actorId: admin,
    userId: officer,
    role: 'compliance_officer',
    now: clock().toISOString(),
  });
  officerCtx = await sessionContext(a, officer, { mfaPassed: true });
});
afterAll(async () => db?.drop());

describe('compliance.openEvent', () => {
  it('is refused to anonymous callers, candidates and officers who have not passed MFA', async () => {
    const eventId = await registrationOf(officer);
    expect(await codeOf(call({ ...officerCtx, session: null }).compliance.openEvent({ eventId }))).toBe(
      'UNAUTHORIZED',
    );
    const candidate = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
    expect(await codeOf(call(candidate).compliance.openEvent({ eventId }))).toBe('FORBIDDEN');
    const noMfa = await sessionContext(a, officer);
    expect(await codeOf(call(noMfa).compliance.openEvent({ eventId }))).toBe('FORBIDDEN');
    expect(await opens(eventId)).toHaveLength(0);
  });

  it('answers NOT_FOUND for an unknown id and BAD_REQUEST for a malformed one', async () => {
    const o = call(officerCtx).compliance;
    expect(await codeOf(o.openEvent({ eventId: '00000000-0000-4000-8000-000000000000' }))).toBe('NOT_FOUND');
    expect(await codeOf(o.openEvent({ eventId: 'not-a-uuid' }))).toBe('BAD_REQUEST');
  });

  it('shows a live subject’s personal fields decrypted, with position, chain and metadata; records the view without the values', async () => {
    const subject = await createTestAccount(a, { name: 'Ada Visible', email: 'ada.visible@example.org' });
    const eventId = await registrationOf(subject);
    const e = await call(officerCtx).compliance.openEvent({ eventId });
    expect(e).toMatchObject({
      eventId,
      type: 'AccountRegistered',
      streamId: `user-${subject}`,
      streamVersion: 1,
    });
    expect(e.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(e.globalPosition).toBeGreaterThan(0);
    expect(e.actor).not.toBeNull();
    const email = e.fields.find((f) => f.name === 'email')!;
    expect(email).toMatchObject({ personal: true, redacted: false, value: '"ada.visible@example.org"' });
    expect(JSON.stringify(e)).not.toContain('$enc');

    const rows = await opens(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({
      officerId: officer,
      action: 'open',
      filter: { eventId, type: 'AccountRegistered' },
      outcome: 'opened',
    });
    expect(rows[0]!.metadata).toMatchObject({ actor: { kind: 'staff', id: officer } });
    expect(JSON.stringify(rows)).not.toContain('ada.visible');
  });

  it('shows the personal fields as redacted once the subject is erased (their key destroyed)', async () => {
    const subject = await createTestAccount(a, { name: 'Bo Gone', email: 'bo.gone@example.org' });
    const eventId = await registrationOf(subject);
    await a.keys.destroy(db.sql, subject, 'erasure requested');
    const e = await call(officerCtx).compliance.openEvent({ eventId });
    const personal = e.fields.filter((f) => f.personal);
    expect(personal.length).toBeGreaterThan(0);
    expect(personal.every((f) => f.redacted && f.value === null)).toBe(true);
    expect(JSON.stringify(e)).not.toContain('bo.gone');
    // the non-personal fields stay readable
    expect(e.fields.find((f) => f.name === 'userId')).toMatchObject({
      redacted: false,
      value: `"${subject}"`,
    });
    const rows = await opens(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data.outcome).toMatch(/^opened; \d+ personal fields redacted$/);
  });
});
