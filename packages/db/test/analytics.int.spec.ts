import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analytics, COMPETENCY_IDS, TRACKS } from '@tia/domain';
import { createTestPersistence, eventually, unchecked, type TestDatabase } from '../src/testing/index.js';
import { appendAnalyticsPerson } from '../src/testing/analytics.js';
import type { Persistence } from '../src/factory.js';
import { rebuildProjection, runProjection } from '../src/projections.js';
import { analyticsProjection } from '../src/read-models/analytics.js';
import { eraseSubject } from '../src/privacy.js';
import { silentLogger } from '../src/log.js';

/** Issue 12 / P25, P43: what the `analytics` schema can hold, who can read it, and who is left out of it. */
let db: TestDatabase;
let p: Persistence;
beforeAll(async () => void ({ db, p } = await createTestPersistence()));
afterAll(async () => db?.drop());

// inline: reads every committed event, not only those below the cluster-wide horizon (other test files'
// transactions would hold it back); nothing else appends meanwhile.
const project = () =>
  rebuildProjection(analyticsProjection, { sql: db.sql, store: p.store, log: silentLogger, inline: true });

/** Scored answers and distinct people in the grand total. */
const grand = async () => {
  const rows = await db.sql<{ answers: number; subjects: number }[]>`
    select answers, subjects from analytics.answer_cells where measure = 'all' and dimension = 'all'`;
  return rows[0] ?? { answers: 0, subjects: 0 };
};
const funnelTotal = async () =>
  (
    await db.sql<{ subjects: number }[]>`
    select subjects from analytics.funnel_cells where cohort is null and stage is null`
  )[0]?.subjects ?? 0;

describe('the analytics schema (P43)', () => {
  it('has no column that can hold an identifier or free text: only counts, bins, dates and fixed enumerations', async () => {
    const cols = await db.sql<
      { table_name: string; column_name: string; data_type: string; udt_schema: string; udt_name: string }[]
    >`
      select table_name, column_name, data_type, udt_schema, udt_name
        from information_schema.columns where table_schema = 'analytics' order by table_name, ordinal_position`;
    expect(cols.length).toBeGreaterThan(5);
    const allowed = new Set(['smallint', 'integer', 'bigint', 'date', 'timestamp with time zone', 'boolean']);
    const free = cols.filter(
      (c) => !allowed.has(c.data_type) && !(c.data_type === 'USER-DEFINED' && c.udt_schema === 'analytics'),
    );
    expect(free, 'columns of a type that could hold text or an identifier').toEqual([]);
    // The enumerations are the domain's fixed lists, nothing else.
    const labels = async (type: string) =>
      (
        await db.sql<
          { l: string }[]
        >`select unnest(enum_range(null::analytics.${db.sql.unsafe(type)}))::text as l`
      ).map((r) => r.l);
    expect(await labels('track')).toEqual([...TRACKS]);
    expect(await labels('competency')).toEqual([...COMPETENCY_IDS]);
    expect(await labels('measure')).toEqual(['all', ...analytics.MEASURES]);
    expect(await labels('dimension')).toEqual(['all', ...analytics.DIMENSIONS]);
    const enums = cols.filter((c) => c.data_type === 'USER-DEFINED').map((c) => c.udt_name);
    expect(new Set(enums)).toEqual(new Set(['track', 'competency', 'measure', 'dimension']));
  });

  it('tia_analyst can read analytics and nothing in any other schema', async () => {
    const elsewhere = await db.sql<{ schema: string; name: string }[]>`
      select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname not in ('analytics', 'pg_catalog', 'information_schema')
         and (has_table_privilege('tia_analyst', c.oid, 'SELECT') or has_table_privilege('tia_analyst', c.oid, 'INSERT')
              or has_table_privilege('tia_analyst', c.oid, 'UPDATE') or has_table_privilege('tia_analyst', c.oid, 'DELETE'))`;
    expect(elsewhere).toEqual([]);
    const asAnalyst = (query: string) =>
      db.sql.begin(async (tx) => {
        await tx`set local role tia_analyst`;
        return tx.unsafe(query);
      });
    for (const q of [
      'select * from public.events limit 1',
      'select * from rm_accounts limit 1',
      'select * from rm_recordings limit 1',
      'select * from subject_keys limit 1',
      'select * from analytics_private.subjects limit 1',
      'select * from analytics_private.answers limit 1',
    ])
      await expect(asAnalyst(q), q).rejects.toMatchObject({ code: '42501' });
    await expect(asAnalyst('select count(*) from analytics.answer_cells')).resolves.toHaveLength(1);
    await expect(asAnalyst('select count(*) from analytics.funnel_cells')).resolves.toHaveLength(1);
    await expect(asAnalyst('delete from analytics.answer_cells')).rejects.toMatchObject({ code: '42501' });
  });
});

describe('the analytics projection', () => {
  it('counts scored answers and people per dimension and bin, and survives a rebuild with the analyst grant intact', async () => {
    for (let i = 0; i < 3; i++) await appendAnalyticsPerson(p.store, { answers: 2, overall: 55 });
    await project();
    expect(await grand()).toEqual({ answers: 6, subjects: 3 });
    const overall = await db.sql<{ bin: number; answers: number; subjects: number }[]>`
      select bin, answers, subjects from analytics.answer_cells where measure = 'overall' and dimension = 'track'`;
    expect(overall).toEqual([{ bin: 3, answers: 6, subjects: 3 }]);
    const latency = await db.sql<{ bin: number }[]>`
      select bin from analytics.answer_cells where measure = 'latency' and dimension = 'all'`;
    expect(latency).toEqual([{ bin: 2 }]); // scored 45 s after upload
    // After the rebuild (tables swapped in) the analyst can still read.
    await db.sql.begin(async (tx) => {
      await tx`set local role tia_analyst`;
      expect((await tx`select 1 from analytics.answer_cells limit 1`).length).toBe(1);
    });
  });
});

describe('exclusion (P25, P26, P24, P19): a subject leaves every aggregate already built', () => {
  const withOne = async (exclude: (userId: string) => Promise<unknown>) => {
    const before = await grand();
    const funnelBefore = await funnelTotal();
    const userId = await appendAnalyticsPerson(p.store, { answers: 3 });
    await project();
    expect(await grand()).toEqual({ answers: before.answers + 3, subjects: before.subjects + 1 });
    expect(await funnelTotal()).toBe(funnelBefore + 1);
    await exclude(userId);
    await project();
    expect(await grand()).toEqual(before);
    expect(await funnelTotal()).toBe(funnelBefore);
    return userId;
  };
  const privacyEvent = (userId: string, type: string, data: Record<string, unknown>) =>
    p.store.append(`privacy-${userId}`, 'any', [
      unchecked({
        eventId: randomUUID(),
        type,
        data: { subjectId: userId, ...data },
        metadata: { occurredAt: new Date().toISOString() },
      }),
    ]);
  const now = () => new Date().toISOString();

  it('objection (and back in once the objection is withdrawn)', async () => {
    const before = await grand();
    const userId = await withOne((u) =>
      privacyEvent(u, 'ProcessingObjected', { scope: 'analytics', objectedAt: now() }),
    );
    await privacyEvent(userId, 'ObjectionWithdrawn', { scope: 'analytics', withdrawnAt: now() });
    await project();
    expect(await grand()).toEqual({ answers: before.answers + 3, subjects: before.subjects + 1 });
    await privacyEvent(userId, 'ProcessingObjected', { scope: 'analytics', objectedAt: now() });
    await project();
  });

  it('restriction of processing', async () => {
    await withOne((u) => privacyEvent(u, 'ProcessingRestricted', { restrictedAt: now() }));
  });

  it('withdrawal of the product-improvement consent (withdrawing another consent changes nothing)', async () => {
    const before = await grand();
    const userId = await appendAnalyticsPerson(p.store, { answers: 3 });
    await privacyEvent(userId, 'ConsentGiven', {
      purpose: 'product_improvement',
      policyVersion: 'v1',
      givenAt: now(),
    });
    await privacyEvent(userId, 'ConsentWithdrawn', { purpose: 'marketing_email', withdrawnAt: now() });
    await project();
    expect(await grand()).toEqual({ answers: before.answers + 3, subjects: before.subjects + 1 });
    await privacyEvent(userId, 'ConsentWithdrawn', { purpose: 'product_improvement', withdrawnAt: now() });
    await project();
    expect(await grand()).toEqual(before);
  });

  it('erasure (and no row of the subject is left in analytics_private)', async () => {
    const userId = await withOne((u) =>
      eraseSubject(
        { store: p.store, keys: p.keys },
        { subjectId: u, reason: 'user_request', eventId: randomUUID(), now: now() },
      ),
    );
    for (const table of ['subjects', 'sessions', 'answers'])
      expect(
        await db.sql`select 1 from ${db.sql(`analytics_private.${table}`)} where subject_id = ${userId}`,
      ).toHaveLength(0);
  });

  it('the live projection (as the worker runs it) takes an objecting subject out of figures already built', async () => {
    const ac = new AbortController();
    const loop = runProjection(analyticsProjection, {
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      signal: ac.signal,
      pollMs: 50,
    });
    try {
      const userId = await appendAnalyticsPerson(p.store, { answers: 3 });
      const built = await eventually(async () => {
        const n =
          await db.sql`select 1 from analytics_private.answers where subject_id = ${userId} and bins is not null`;
        expect(n).toHaveLength(3);
        const g = await grand();
        const included = await db.sql<{ answers: number }[]>`
          select count(*)::int as answers from analytics_private.answers a join analytics_private.subjects s using (subject_id)
           where a.bins is not null and not (s.objected or s.restricted or s.consent_withdrawn)`;
        expect(g.answers).toBe(included[0]!.answers);
        return g;
      }, 30_000);
      await privacyEvent(userId, 'ProcessingObjected', { scope: 'analytics', objectedAt: now() });
      await eventually(
        async () =>
          expect(await grand()).toEqual({ answers: built.answers - 3, subjects: built.subjects - 1 }),
        30_000,
      );
    } finally {
      ac.abort();
      await loop;
    }
  });
});
