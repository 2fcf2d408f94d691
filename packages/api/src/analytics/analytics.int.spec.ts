import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsProjection, rebuildProjection, silentLogger as dbSilentLogger } from '@tia/db';
import { appendAnalyticsPerson, createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { ALL_BANK_QUESTIONS, COMPETENCIES, analytics } from '@tia/domain';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';
import { asAnalyst } from './service.js';

/** Issue 12 / P43: suppressed figures, no differencing, the privacy budget, and who may ask. */
let db: TestDatabase;
let a: AuthServices;
let analyst: Context;
let analystId: string;
const clock = testClock(new Date('2026-12-01T12:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

const q = (competency: string, i: number) =>
  ALL_BANK_QUESTIONS.filter((x) => x.competency === competency)[i]!.id;

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  const adminId = await createTestAccount(a);
  await changeStaffAccess(
    { store: a.store },
    { type: 'BootstrapAdmin', userId: adminId, now: clock().toISOString() },
  );
  analystId = await createTestAccount(a);
  await changeStaffAccess(
    { store: a.store },
    { type: 'GrantRole', actorId: adminId, userId: analystId, role: 'analyst', now: clock().toISOString() },
  );
  analyst = await sessionContext(a, analystId, { mfaPassed: true });
  // Teamwork: 14 people score 60–79 on question 1, 12 score 40–59 on question 2.
  // Leadership: 12 people score 60–79 on question 1, and THREE score 40–59 (question 2): the small cell.
  // Leadership question 3: ONE person alone (60–79): the differencing target.
  const people: Parameters<typeof appendAnalyticsPerson>[1][] = [
    ...Array.from({ length: 14 }, () => ({ questionId: q('teamwork', 0), overall: 70 })),
    ...Array.from({ length: 12 }, () => ({ questionId: q('teamwork', 1), overall: 50 })),
    ...Array.from({ length: 12 }, () => ({ questionId: q('leadership', 0), overall: 70 })),
    ...Array.from({ length: 3 }, () => ({ questionId: q('leadership', 1), overall: 50 })),
    { questionId: q('leadership', 2), overall: 70 },
  ];
  for (const p of people) await appendAnalyticsPerson(a.store, p);
  await rebuildProjection(analyticsProjection, {
    sql: db.sql,
    store: a.store,
    log: dbSilentLogger,
    inline: true, // reads every committed event (nothing else appends meanwhile), not only those below the horizon
  });
});
afterAll(async () => db?.drop());

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

type Fig = Awaited<ReturnType<ReturnType<typeof call>['analytics']['figure']>>;
const figure = (measure: analytics.Measure, dimension: analytics.Dimension, ctx: Context = analyst) =>
  call(ctx).analytics.figure({ report: 'answers', measure, dimension });
const row = (f: Fig, key: string) => f.rows.find((r) => r.key === key)!;
const col = (f: Fig, bin: number) => f.columns.findIndex((c) => c.key === String(bin));
const nulls = (xs: readonly (number | null)[]) => xs.filter((x) => x === null).length;

/** No row or column of a figure has exactly one hidden member (counting its shown total). */
const expectNoSingleHidden = (f: Fig) => {
  for (const r of [...f.rows, { key: 'total', ...f.totals }])
    expect(nulls([...r.cells, r.total]), `row ${r.key}`).not.toBe(1);
  f.columns.forEach((c, i) =>
    expect(nulls([...f.rows.map((r) => r.cells[i]!), f.totals.cells[i]!]), `column ${c.label}`).not.toBe(1),
  );
};

describe('analyst figures', () => {
  it('a 3-person cell is suppressed together with complementary cells in its row and column', async () => {
    const f = await figure('overall', 'competency');
    const b3 = col(f, 3);
    const b4 = col(f, 4);
    expect(row(f, 'leadership').cells[b3]).toBeNull(); // the 3 people
    // A 2×2 block hides all four inner cells; its totals (≥ k people) stay, and leave the 3-person cell
    // anywhere between 0 and 15.
    expect(row(f, 'teamwork').cells[b4]).toBeNull();
    expect([row(f, 'teamwork').total, row(f, 'leadership').total]).toEqual([26, 16]);
    expect([f.totals.cells[b3], f.totals.cells[b4], f.totals.total]).toEqual([15, 27, 42]);
    // Its row and its column each hide at least one more cell, so no total gives it back.
    expect(nulls([...row(f, 'leadership').cells, row(f, 'leadership').total])).toBeGreaterThanOrEqual(2);
    expect(nulls([...f.rows.map((r) => r.cells[b3]!), f.totals.cells[b3]!])).toBeGreaterThanOrEqual(2);
    expectNoSingleHidden(f);
    expect(f.protection).toMatchObject({ k: 11, noise: null });
    expect(f.protection.suppressedCells).toBeGreaterThanOrEqual(3);
    expect(f.unit).toBe('answers');
  });

  it('differencing: no pair of allowed figures isolates the one person on leadership question 3', async () => {
    const byQuestion = await figure('overall', 'question');
    const byCompetency = await figure('overall', 'competency');
    const byTrack = await figure('overall', 'track');
    const lonely = String(analytics.questionNumber(q('leadership', 2)));
    const b4 = col(byQuestion, 4);
    expect(row(byQuestion, lonely).cells[b4]).toBeNull();
    // competency cell − the other questions of the competency: needs every other one shown, so one must be hidden.
    const leadershipQuestions = byQuestion.rows.filter(
      (r) => ALL_BANK_QUESTIONS[Number(r.key) - 1]!.competency === 'leadership',
    );
    for (let i = 0; i < byQuestion.columns.length; i++) {
      const parent = row(byCompetency, 'leadership').cells[i];
      const parts = leadershipQuestions.map((r) => r.cells[i]!);
      if (parent !== null) expect(nulls(parts), `bin ${byQuestion.columns[i]!.label}`).not.toBe(1);
      // the same for a track and its competencies
      const track = row(byTrack, 'competency').cells[i];
      const comps = byCompetency.rows.filter(
        (r) => COMPETENCIES[r.key as keyof typeof COMPETENCIES].track === 'competency',
      );
      if (track !== null) expect(nulls(comps.map((r) => r.cells[i]!))).not.toBe(1);
    }
    // Row totals are the same cells in every measure's figure (shown or hidden alike).
    const pace = await figure('pace', 'question');
    expect(row(pace, lonely).total).toBe(row(byQuestion, lonely).total);
    expect(row(pace, lonely).total).toBeNull();
    for (const f of [byQuestion, byCompetency, byTrack, pace]) expectNoSingleHidden(f);
    // There is no way to ask for a subset ("everyone but X"): the input admits no filter.
    expect(
      await codeOf(
        call(analyst).analytics.figure({
          report: 'answers',
          measure: 'overall',
          dimension: 'track',
          filter: { question: 1 },
        } as never),
      ),
    ).toBe('BAD_REQUEST');
  });

  it('the funnel counts people per sign-up month and stage', async () => {
    const f = await call(analyst).analytics.figure({ report: 'funnel' });
    expect(f.unit).toBe('people');
    // 42 candidates with one answer each (stage 3) signed up in November; the admin and the analyst in December.
    expect(f.totals.total).toBe(44);
    expect(row(f, '2026-12-01').total).toBeNull(); // 2 people
    // Showing November's 42 beside the grand total of 44 would give the 2 back: hidden as a complement.
    expect(row(f, '2026-11-01').cells[2]).toBeNull();
    expect(f.totals.cells[2]).toBeNull();
    expectNoSingleHidden(f);
  });

  it('every query is an AnalyticsQueried event on the analyst stream, naming what was applied', async () => {
    const events = await a.store.readStream(analytics.budget.analystStream(analystId));
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.every((e) => e.type === 'AnalyticsQueried')).toBe(true);
    expect(events[0]!.data).toMatchObject({
      analystId,
      report: 'answers',
      measure: 'overall',
      k: 11,
      epsilon: 0,
    });
  });

  it('the analyst role cannot reach personal data even through the query helper', async () => {
    await expect(asAnalyst(db.sql, (tx) => tx`select * from rm_accounts`)).rejects.toMatchObject({
      code: '42501',
    });
    await expect(
      asAnalyst(db.sql, (tx) => tx`select * from analytics_private.answers`),
    ).rejects.toMatchObject({
      code: '42501',
    });
  });

  it('only analysts with a passed second factor may ask', async () => {
    expect(await codeOf(figure('overall', 'track', await sessionContext(a, analystId)))).toBe('FORBIDDEN');
    const candidate = await createTestAccount(a);
    expect(
      await codeOf(figure('overall', 'track', await sessionContext(a, candidate, { mfaPassed: true }))),
    ).toBe('FORBIDDEN');
  });
});

describe('privacy budget', () => {
  it('noisy queries spend ε; once the budget is spent the next query is refused', async () => {
    const ctx: Context = { ...analyst, analytics: { k: 11, epsilon: 1, budget: 2.5 } };
    const before = (await a.store.readStream(analytics.budget.analystStream(analystId))).length;
    // Earlier exact queries spent nothing (ε = 0).
    const f1 = await figure('overall', 'track', ctx);
    expect(f1.protection.noise).toEqual({
      mechanism: 'two-sided geometric',
      epsilon: 1,
      sensitivity: 4,
      scale: 4,
    });
    expect(f1.budget).toEqual({ spent: 1, total: 2.5, noise: true });
    await figure('fillers', 'week', ctx);
    expect(await codeOf(figure('overall', 'track', ctx))).toBe('FORBIDDEN');
    const catalog = await call(ctx).analytics.catalog();
    expect(catalog.budget).toMatchObject({ spent: 2, total: 2.5, noise: true });
    const after = await a.store.readStream(analytics.budget.analystStream(analystId));
    expect(after.length).toBe(before + 2); // the refused query was not answered, so not recorded as asked
    expect(after.at(-1)!.data).toMatchObject({ epsilon: 1, noiseScale: 4 });
  });
});

describe('objection (P25)', () => {
  it('a candidate objects and withdraws the objection; each change is one event, repeats are no-ops', async () => {
    const userId = await createTestAccount(a);
    const ctx = await sessionContext(a, userId);
    expect(await call(ctx).privacy.objection()).toEqual({ objecting: false, since: null });
    await call(ctx).privacy.setObjection({ objecting: true });
    await call(ctx).privacy.setObjection({ objecting: true });
    expect(await call(ctx).privacy.objection()).toMatchObject({ objecting: true });
    await call(ctx).privacy.setObjection({ objecting: false });
    const types = (await a.store.readStream(`privacy-${userId}`)).map((e) => e.type);
    expect(types).toEqual(['ProcessingObjected', 'ObjectionWithdrawn']);
  });
});
