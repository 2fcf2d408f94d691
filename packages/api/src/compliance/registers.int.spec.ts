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
let candidateCtx: Context;
const clock = testClock(new Date('2027-06-01T12:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx).registers;

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

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
  candidateCtx = await sessionContext(a, await createTestAccount(a), { mfaPassed: true });
});
afterAll(async () => db?.drop());

const processor = {
  name: 'Acme Speech GmbH',
  purpose: 'Transcribe recorded answers',
  dataShared: ['Audio of one answer'],
  endpoints: ['https://speech.acme.example'],
  location: 'Germany',
  dpaSignedOn: '2026-10-01',
  lastAuditOn: '2026-11-15',
  status: 'active' as const,
};

describe('compliance registers', () => {
  it('publishes the records of processing with every Art. 30(1) field, to anyone', async () => {
    const ropa = await call({ ...officerCtx, session: null }).processing();
    expect(ropa.map((r) => r.id)).toEqual(expect.arrayContaining(['accounts', 'practice-feedback']));
    for (const r of ropa) {
      expect(r.controller).toBeTruthy(); // (a)
      expect(r.purposes).toBeTruthy(); // (b)
      expect(r.subjectCategories.length && r.dataCategories.length).toBeTruthy(); // (c)
      expect(r.recipients.length).toBeGreaterThan(0); // (d)
      expect(Array.isArray(r.transfers)).toBe(true); // (e)
      expect(r.retention).toBeTruthy(); // (f)
      expect(r.securityMeasures).toBeTruthy(); // (g)
    }
  });

  it('is edited by compliance officers only, each change an event, read back from the projection', async () => {
    expect(await codeOf(call(candidateCtx).overview())).toBe('FORBIDDEN');
    expect(
      await codeOf(call(candidateCtx).save({ register: 'processor', entryId: 'acme', fields: processor })),
    ).toBe('FORBIDDEN');
    const o = call(officerCtx);
    await o.save({ register: 'processor', entryId: 'acme', fields: processor });
    const { id: _id, ...accountsRecord } = (await o.processing()).find((r) => r.id === 'accounts')!;
    await o.save({
      register: 'processing',
      entryId: 'accounts',
      fields: {
        ...accountsRecord,
        transfers: [{ country: 'United States', safeguard: 'Standard contractual clauses (2021/914)' }],
      },
    });
    await o.save({
      register: 'disclosure',
      entryId: 'court-order-2027-01',
      fields: {
        recipient: 'District court of Example',
        kind: 'authority',
        legalBasis: 'Court order 12/2027 (Art. 6(1)(c))',
        dataDisclosed: ['Account email', 'Sign-in times'],
        approxSubjects: 1,
        disclosedOn: '2027-05-20',
        reference: 'CO-12-2027',
      },
    });
    const view = await o.overview();
    const acme = view.entries.find((e) => e.entryId === 'acme')!;
    expect(acme).toMatchObject({ register: 'processor', source: 'edited', updatedBy: officer });
    expect(view.entries.find((e) => e.entryId === 'court-order-2027-01')?.register).toBe('disclosure');
    const accounts = (await call({ ...officerCtx, session: null }).processing()).find(
      (r) => r.id === 'accounts',
    )!;
    expect(accounts.transfers).toEqual([
      { country: 'United States', safeguard: 'Standard contractual clauses (2021/914)' },
    ]);
    const events = await db.sql<{ type: string; actor: string }[]>`
      select type, metadata->'actor'->>'id' as actor from events where type like 'RegisterEntry%' order by global_position`;
    expect(events).toEqual([
      { type: 'RegisterEntrySaved', actor: officer },
      { type: 'RegisterEntrySaved', actor: officer },
      { type: 'RegisterEntrySaved', actor: officer },
    ]);

    await o.remove({ register: 'processor', entryId: 'acme', reason: 'Contract ended on 31 May.' });
    expect((await o.overview()).entries.some((e) => e.entryId === 'acme')).toBe(false);
    expect(await codeOf(o.remove({ register: 'processor', entryId: 'acme', reason: 'again' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('flags DPIAs whose review date has passed, and lists the access reviews', async () => {
    const o = call(officerCtx);
    // The checked-in DPIA is due for review on 2027-05-30; the clock says 2027-06-01.
    const view = await o.overview();
    expect(view.entries.find((e) => e.entryId === 'voice-recordings')).toMatchObject({ overdue: true });
    await o.save({
      register: 'dpia',
      entryId: 'voice-recordings',
      fields: {
        title: 'Voice recordings and automated feedback',
        processingId: 'practice-feedback',
        risks: ['Voice is biometric-like data'],
        safeguards: ['Audio deleted once transcribed'],
        residualRisk: 'low',
        reviewedOn: '2027-06-01',
        nextReviewOn: '2027-12-01',
      },
    });
    expect((await o.overview()).entries.find((e) => e.entryId === 'voice-recordings')).toMatchObject({
      overdue: false,
    });
    expect(view.accessReviews.map((r) => r.userId)).toContain(officer);
  });

  it('refuses malformed entries as BAD_REQUEST', async () => {
    const o = call(officerCtx);
    expect(await codeOf(o.save({ register: 'processor', entryId: 'Bad Id', fields: processor }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await codeOf(
        o.save({
          register: 'processor',
          entryId: 'x',
          fields: { ...processor, endpoints: ['ftp://x'] },
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await codeOf(
        o.save({ register: 'processor', entryId: 'x', fields: { ...processor, name: 'x'.repeat(201) } }),
      ),
    ).toBe('BAD_REQUEST');
  });
});
