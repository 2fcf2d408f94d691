/**
 * `npm run bench:trail`: how fast the audit trail pages (keyset, newest first) and the breach "affected
 * people" query run at TRAIL_BENCH_EVENTS events (default 1 000 000), seeded through the event store
 * (`EventStore.append`, schema checks and encryption of personal fields included) into a scratch database
 * that is dropped at the end. Each timing is the median of TRAIL_BENCH_RUNS runs (default 5), printed with its
 * ratio against a baseline of the same run: fetching one event by its position (primary key).
 *   BENCH <name> <ms> ms ratio=<r>
 * The filtered queries are timed twice in the same run: with the indexes of migration 0017, then with those
 * indexes dropped (the scratch database only) — `..._no_0017` lines. Append throughput is measured both ways
 * too (APPEND lines, events/s and the ratio with/without). TRAIL_BENCH_EXPLAIN=1 prints the plans.
 * Needs a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, default 127.0.0.1:5432). Not part of npm test.
 */
import { randomUUID } from 'node:crypto';
import { affectedBy, browseTrail, TrailPage } from '@tia/api';
import type { NewEvent } from '@tia/db';
import { createTestPersistence } from '@tia/db/testing';

const N = Number(process.env.TRAIL_BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.TRAIL_BENCH_RUNS ?? 5);
/** Events per batch: 999 diagnostics on their own stream + 1 personal note on the one subject's stream. */
const BATCH = 1000;
const SUBJECT = randomUUID();
/** A user named by `userId` in events of another stream (the other half of the subject filter). */
const USER = randomUUID();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = async (fn: () => Promise<unknown>): Promise<number> => {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(ms);
};
const line = (name: string, ms: number, base: number) =>
  console.log(`BENCH ${name} ${ms.toFixed(ms >= 100 ? 0 : 3)} ms ratio=${(ms / base).toFixed(1)}`);

const { db, p } = await createTestPersistence();
try {
  const started = Date.now();
  const at = new Date().toISOString();
  const batches = Math.ceil(N / BATCH);
  let noteVersion = 0;
  const seedBatch = async (b: number) => {
    const meta = {
      occurredAt: at,
      actor: { kind: 'system' as const, id: 'bench' },
      correlationId: `bench-${b}`,
    };
    const pings: NewEvent[] = [];
    for (let i = 0; i < BATCH - 1; i++)
      pings.push({
        eventId: randomUUID(),
        type: 'DiagnosticPinged',
        data: { pingId: randomUUID(), sentAt: at, payload: 'x'.repeat(100) },
        metadata: meta,
      });
    await p.store.append(`diag-${b}`, 0, pings);
    await p.store.append(`user-${SUBJECT}`, noteVersion, [
      {
        eventId: randomUUID(),
        type: 'NoteRecorded',
        data: { subjectId: SUBJECT, noteId: randomUUID(), text: `note ${b}`, recordedAt: at },
        metadata: meta,
      },
    ]);
    // Every 10th batch also has an event naming the user in its payload, on another stream.
    if (b % 10 === 0)
      await p.store.append(`account-${USER}`, 'any', [
        {
          eventId: randomUUID(),
          type: 'PasswordChanged',
          data: { userId: USER, via: 'change', changedAt: at },
          metadata: meta,
        },
      ]);
    noteVersion++;
  };
  for (let b = 0; b < batches; b++) {
    await seedBatch(b);
    if ((b + 1) % 100 === 0)
      console.log(`seeded ${(b + 1) * BATCH} events (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await db.sql`vacuum analyze events`;
  const [counts] = await db.sql<{ n: string; top: string }[]>`
    select count(*)::text as n, max(global_position)::text as top from events`;
  const { n, top } = counts!;
  console.log(
    `trail bench: ${n} events seeded through the store in ${Math.round((Date.now() - started) / 1000)} s`,
  );

  const page = (input: unknown) => browseTrail(db.sql, TrailPage.parse(input));
  const mid = Math.floor(Number(top) / 2);
  const base = await time(() => db.sql`select * from events where global_position = ${mid}`);
  line('baseline_one_event_by_position', base, base);
  line('first_page_50', await time(() => page({})), base);
  line('mid_page_50', await time(() => page({ cursor: mid })), base);
  line('deep_page_50_oldest', await time(() => page({ cursor: 1000 })), base);
  line('type_first_page_rare_type', await time(() => page({ filter: { type: 'NoteRecorded' } })), base);
  line(
    'type_deep_page_rare_type',
    await time(() => page({ filter: { type: 'NoteRecorded' }, cursor: 5000 })),
    base,
  );
  line(
    'stream_prefix_first_page',
    await time(() => page({ filter: { streamPrefix: `user-${SUBJECT}` } })),
    base,
  );

  // Breach "affected people": a window over the middle tenth of the seeding time, for a rare type's category
  // (privacy: the notes) and for a common one (diagnostics: 999 of every 1000 events).
  const [span] = await db.sql<{ lo: Date; hi: Date }[]>`
    select min(recorded_at) as lo, max(recorded_at) as hi from events`;
  const lo = span!.lo.getTime();
  const width = span!.hi.getTime() - lo;
  const window = (category: string) => ({
    from: new Date(lo + width * 0.45).toISOString(),
    to: new Date(lo + width * 0.55).toISOString(),
    category,
  });
  const filtered = async (suffix: string) => {
    line(`subject_first_page${suffix}`, await time(() => page({ filter: { subjectId: SUBJECT } })), base);
    line(
      `subject_by_userId_first_page${suffix}`,
      await time(() => page({ filter: { subjectId: USER } })),
      base,
    );
    line(
      `correlation_oldest_batch${suffix}`,
      await time(() => page({ filter: { correlationId: 'bench-0' } })),
      base,
    );
    line(
      `correlation_newest_batch${suffix}`,
      await time(() => page({ filter: { correlationId: `bench-${batches - 1}` } })),
      base,
    );
    line(
      `breach_affected_rare_category${suffix}`,
      await time(() => affectedBy(db.sql, window('privacy'))),
      base,
    );
    line(
      `breach_affected_common_category${suffix}`,
      await time(() => affectedBy(db.sql, window('diagnostics'))),
      base,
    );
  };
  const explain = async () => {
    if (process.env.TRAIL_BENCH_EXPLAIN !== '1') return;
    const w = window('diagnostics');
    const plans: [string, string][] = [
      [
        'subject_named_elsewhere',
        `select global_position from (
           (select * from events where global_position < ${Number.MAX_SAFE_INTEGER} and stream_id = 'user-${USER}'
             order by stream_version desc limit 51)
           union all
           (select * from events where global_position < ${Number.MAX_SAFE_INTEGER} and data->>'userId' = '${USER}'
              and stream_id <> 'user-${USER}' order by global_position desc limit 51)
         ) as e order by global_position desc limit 51`,
      ],
      [
        'subject_own_stream',
        `select global_position from (
           (select * from events where global_position < ${Number.MAX_SAFE_INTEGER} and stream_id = 'user-${SUBJECT}'
             order by stream_version desc limit 51)
           union all
           (select * from events where global_position < ${Number.MAX_SAFE_INTEGER} and data->>'userId' = '${SUBJECT}'
              and stream_id <> 'user-${SUBJECT}' order by global_position desc limit 51)
         ) as e order by global_position desc limit 51`,
      ],
      [
        'correlation',
        `select global_position from events where global_position < ${Number.MAX_SAFE_INTEGER}
           and metadata->>'correlationId' = 'bench-0' order by global_position desc limit 51`,
      ],
      [
        'breach_common_category',
        `select subject, count(*) from (
           select coalesce(case when jsonb_typeof(data->'userId') = 'string' then data->>'userId' end,
                           case when jsonb_typeof(data->'subjectId') = 'string' then data->>'subjectId' end) as subject
             from events where type = any('{DiagnosticPinged}'::text[])
              and recorded_at >= '${w.from}' and recorded_at < '${w.to}') as t group by subject`,
      ],
    ];
    for (const [name, q] of plans) {
      const rows = await db.sql.unsafe<{ 'QUERY PLAN': string }[]>(
        `explain (analyze, costs off, timing off) ${q}`,
      );
      console.log(`EXPLAIN ${name}\n${rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
    }
  };
  await filtered('');
  await explain();

  /** Appends APPEND_BATCHES batches of 1000 events (as seeded) and returns events per second. */
  const APPEND_BATCHES = Number(process.env.TRAIL_BENCH_APPEND_BATCHES ?? 20);
  let extra = 0;
  const appendRate = async () => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < APPEND_BATCHES; i++) await seedBatch(batches + extra++);
    return (APPEND_BATCHES * BATCH) / (Number(process.hrtime.bigint() - t) / 1e9);
  };
  const withIdx1 = await appendRate();
  const INDEXES = ['events_data_user_id', 'events_correlation_id', 'events_type_recorded_at'];
  const defs = await db.sql<{ indexdef: string }[]>`
    select indexdef from pg_indexes where tablename = 'events' and indexname = any(${INDEXES})`;
  if (defs.length !== INDEXES.length) throw new Error('migration 0017 indexes not found');
  for (const i of INDEXES) await db.sql.unsafe(`drop index ${i}`);
  await db.sql`vacuum analyze events`;
  await filtered('_no_0017');
  await explain();
  const without1 = await appendRate();
  const rebuilt = Date.now();
  for (const d of defs) await db.sql.unsafe(d.indexdef);
  console.log(`rebuilt the 0017 indexes in ${((Date.now() - rebuilt) / 1000).toFixed(1)} s`);
  const withIdx2 = await appendRate();
  for (const i of INDEXES) await db.sql.unsafe(`drop index ${i}`);
  const without2 = await appendRate();
  const w = (withIdx1 + withIdx2) / 2;
  const wo = (without1 + without2) / 2;
  console.log(
    `APPEND with_0017 ${w.toFixed(0)} events/s (${withIdx1.toFixed(0)}, ${withIdx2.toFixed(0)}) ` +
      `without_0017 ${wo.toFixed(0)} events/s (${without1.toFixed(0)}, ${without2.toFixed(0)}) ratio=${(w / wo).toFixed(2)}`,
  );
} finally {
  await db.drop();
}
