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
let officerCtx: Context;
const clock = testClock(new Date('2027-04-01T09:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  const officer = await createTestAccount(a, { email: 'officer@example.org' });
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

describe('categories and purposes in the privacy center (P30)', () => {
  it('are the records of processing: an officer’s edit and removal show up there, for anyone', async () => {
    const anyone = { ...officerCtx, session: null };
    const register = await call(anyone).registers.processing();
    const before = await call(anyone).privacy.processing();
    // One purpose row per record of processing, with the register's own words.
    expect(before.purposes.map((p) => [p.id, p.name, p.purposes, p.legalBasis])).toEqual(
      register.map((r) => [r.id, r.name, r.purposes, r.legalBasis]),
    );
    expect(before.categories.map((c) => c.category)).toContain('Email address');

    const { id: _id, ...accounts } = register.find((r) => r.id === 'accounts')!;
    await call(officerCtx).registers.save({
      register: 'processing',
      entryId: 'accounts',
      fields: {
        ...accounts,
        purposes: 'Run your account and keep it safe (edited by compliance).',
        dataCategories: [...accounts.dataCategories, 'Preferred language'],
      },
    });
    const after = await call(anyone).privacy.processing();
    const row = after.purposes.find((p) => p.id === 'accounts')!;
    expect(row.purposes).toBe('Run your account and keep it safe (edited by compliance).');
    expect(after.categories.find((c) => c.category === 'Preferred language')).toEqual({
      category: 'Preferred language',
      usedFor: [accounts.name],
    });

    const other = register.find((r) => r.id !== 'accounts')!;
    await call(officerCtx).registers.remove({
      register: 'processing',
      entryId: other.id,
      reason: 'Stopped.',
    });
    expect((await call(anyone).privacy.processing()).purposes.map((p) => p.id)).not.toContain(other.id);
  });
});
