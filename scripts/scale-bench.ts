/**
 * `npm run bench:scale`: does the store keep its speed at SCALE_EVENTS events (default 10 000 000)?
 * Seeds a scratch database through the store itself (`EventStore.append`, SCALE_WRITERS parallel writers,
 * batches of SCALE_BATCH events on distinct streams), then measures against baselines of the same run:
 *   - append throughput (single-event and batched appends, APPEND_WRITERS writers) on an empty store and on
 *     the full one, alternated in rounds (median of each): ratio = full / empty, target >= 0.8;
 *   - a sparse consumer (one type in 10 000, and two types) catching up from position 0 through
 *     `EventStore.readBatch`, the very read the consumers run: events, batches, time, and the first batch's
 *     plan with EXPLAIN (ANALYZE, BUFFERS) — it must read its own events from an index, not the log;
 *     for comparison the pre-0024 query (the whole log in commit order, filtered by type);
 *   - health (`healthReport`, public and exact-lag) and the lag figures: time and plans, empty vs full.
 *     BENCH <name> <value> <unit> ratio=<r> target=<t>
 * SCALE_ONLY=append stops after the append figures. SCALE_KEEP=1 keeps the seeded database (its name is printed); SCALE_DB=<name> measures an existing one
 * instead of seeding (pending migrations are applied to it first). Otherwise it is dropped at the end.
 * Needs a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, default 127.0.0.1:5432). Not part of npm test.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import type postgres from 'postgres';
import type { Checkpoint, NewEvent, Persistence, Queryable, Sql } from '@tia/db';
import {
  createPersistence,
  createSql,
  healthReport,
  heartbeat,
  migrate,
  writeCheckpoint,
  START,
} from '@tia/db';
import { createTestDatabase, TEST_MASTER_KEY, testServerUrl } from '@tia/db/testing';

const N = Number(process.env.SCALE_EVENTS ?? 10_000_000);
const WRITERS = Number(process.env.SCALE_WRITERS ?? 4);
const BATCH = Number(process.env.SCALE_BATCH ?? 1000);
const APPEND_WRITERS = Number(process.env.APPEND_WRITERS ?? 4);
const APPEND_SECONDS = Number(process.env.APPEND_SECONDS ?? 5);
const ROUNDS = Number(process.env.SCALE_ROUNDS ?? 3);
const KEEP = process.env.SCALE_KEEP === '1';
const REUSE = process.env.SCALE_DB ?? null;
/** `SCALE_ONLY=append`: stop after the append figures (more rounds against the noise of a shared machine). */
const ONLY_APPEND = process.env.SCALE_ONLY === 'append';
/** `APPEND_IDS=v7`: the measured appends use time-ordered event ids (UUIDv7) instead of random ones (v4). */
const V7 = process.env.APPEND_IDS === 'v7';

/** A UUIDv7: 48-bit milliseconds, then random bits (RFC 9562). */
const uuidv7 = (): string => {
  const b = randomBytes(16);
  b.writeUIntBE(Date.now(), 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
/** The sparse consumer's type: one event in RARE_EVERY. */
const RARE = 'DataExportRequested';
const RARE_EVERY = 10_000;
/** A second, less rare type (one in UNCOMMON_EVERY), for a two-type consumer. */
const UNCOMMON = 'TechnicalDataExpired';
const UNCOMMON_EVERY = 1_000;
const T = new Date().toISOString();
const DAY = T.slice(0, 10);
const PAYLOAD = 'x'.repeat(100);

const line = (name: string, value: number, unit: string, ratio: number | null, target: string) =>
  console.log(
    `BENCH ${name} ${value.toFixed(value >= 100 ? 0 : 2)} ${unit} ratio=${ratio === null ? '-' : ratio.toFixed(2)} target=${target}`,
  );
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** The i-th event of the log: mostly pings, one in UNCOMMON_EVERY retention records, one in RARE_EVERY exports. */
const eventAt = (i: number, id: () => string = randomUUID): NewEvent => {
  const eventId = id();
  const metadata = { occurredAt: T, actor: { kind: 'system' as const, id: 'scale-bench' } };
  if (i % RARE_EVERY === RARE_EVERY / 2)
    return {
      eventId,
      type: RARE,
      data: { exportId: randomUUID(), requestId: randomUUID(), subjectId: randomUUID(), requestedAt: T },
      metadata,
    };
  if (i % UNCOMMON_EVERY === UNCOMMON_EVERY / 2 - 1)
    return {
      eventId,
      type: UNCOMMON,
      data: { olderThanDay: DAY, keysDestroyed: i % 7, retentionDays: 30, expiredAt: T },
      metadata,
    };
  return {
    eventId,
    type: 'DiagnosticPinged',
    data: { pingId: eventId, sentAt: T, payload: PAYLOAD },
    metadata,
  };
};

const seed = async (p: Persistence, n: number) => {
  const started = Date.now();
  const batches = Math.ceil(n / BATCH);
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const writer = async (w: number) => {
    for (;;) {
      const b = next++;
      if (b >= batches) return;
      const events: NewEvent[] = [];
      for (let i = b * BATCH; i < Math.min(n, (b + 1) * BATCH); i++) events.push(eventAt(i));
      await p.store.append(`scale-${w}x${b}`, 0, events);
      done += events.length;
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        const s = (Date.now() - started) / 1000;
        console.log(
          `seeded ${done} events in ${Math.round(s)} s (${Math.round(done / s)} events/s; load ${load()})`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  const s = (Date.now() - started) / 1000;
  console.log(
    `SEED ${done} events through EventStore.append in ${Math.round(s)} s: ${Math.round(done / s)} events/s ` +
      `(${WRITERS} writers, batches of ${BATCH}; load ${load()})`,
  );
};

/** Events per second from APPEND_WRITERS loops for APPEND_SECONDS: single-event or `size`-event appends. */
const appendRate = async (p: Persistence, size: number): Promise<number> => {
  const until = Date.now() + APPEND_SECONDS * 1000;
  let n = 0;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: APPEND_WRITERS }, async () => {
      while (Date.now() < until) {
        const events = Array.from({ length: size }, (_, i) => eventAt(i + 1, V7 ? uuidv7 : randomUUID));
        await p.store.append(`bench-${randomUUID()}`, 0, events);
        n += size;
      }
    }),
  );
  return n / (ms(t) / 1000);
};

/** `db` that remembers the last query it ran (text with $n placeholders and parameters), to EXPLAIN it. */
const recording = (sql: Sql) => {
  const last: { text: string; params: unknown[] } = { text: '', params: [] };
  const db = ((strings: TemplateStringsArray, ...values: unknown[]) => {
    last.text = strings.reduce((acc, s, i) => `${acc}$${i}${s}`);
    last.params = values;
    return (sql as unknown as (s: TemplateStringsArray, ...v: unknown[]) => unknown)(strings, ...values);
  }) as unknown as Queryable;
  return { db, last };
};

const explain = async (sql: Sql, label: string, text: string, params: unknown[] = []) => {
  const rows = await sql.unsafe<{ 'QUERY PLAN': string }[]>(
    `explain (analyze, buffers, costs off) ${text}`,
    params as postgres.ParameterOrJSON<never>[],
  );
  console.log(`PLAN ${label}`);
  for (const r of rows) console.log(`  ${r['QUERY PLAN']}`);
  const all = rows.map((r) => r['QUERY PLAN']).join('\n');
  const top = /Buffers: shared( hit=(\d+))?( read=(\d+))?/.exec(all);
  return { buffers: top ? Number(top[2] ?? 0) + Number(top[4] ?? 0) : 0, plan: all };
};

/** A sparse consumer catching up from START: its batches through the real `readBatch`. */
const catchUp = async (p: Persistence, types: string[], batchSize = 200) => {
  const t = process.hrtime.bigint();
  let at: Checkpoint = START;
  let events = 0;
  let batches = 0;
  for (;;) {
    const r = await p.store.readBatch(at, batchSize, { types });
    events += r.events.length;
    batches++;
    at = r.next;
    if (r.events.length < batchSize) break;
  }
  return { ms: ms(t), events, batches, at };
};

const timeMedian = async (fn: () => Promise<unknown>, runs = 7) => {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await fn();
    xs.push(ms(t));
  }
  return median(xs);
};

/** Consumers as health sees them: one at the head, one sparse one, one stuck at the start (exact lag = log). */
const registerConsumers = async (p: Persistence, sql: Sql, sparseAt: Checkpoint) => {
  const head = await p.store.readBatch(START, 1, {}); // next: at least the horizon
  const [top] = await sql<{ tx: string; pos: string }[]>`
    select transaction_id::text as tx, global_position::text as pos from events
     order by transaction_id desc, global_position desc limit 1`;
  const atHead: Checkpoint = top ? { transactionId: top.tx, globalPosition: Number(top.pos) } : head.next;
  for (const [name, at] of [
    ['projection:head', atHead],
    ['handler:sparse', sparseAt],
    ['handler:stuck', { transactionId: '0', globalPosition: 1 }],
  ] as const) {
    await heartbeat(sql, name, 'embedded', 'scale-bench');
    await writeCheckpoint(sql, name, at, 0);
  }
};

const OLD_SPARSE = `
  with h as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
  select h.xmin::text as horizon, e.*
    from h left join lateral (
      select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
             data, metadata, recorded_at
        from events e
       where (e.transaction_id, e.global_position) > ('0'::xid8, 0::bigint)
         and (false or e.transaction_id < h.xmin)
         and ($1::text[] is null or e.type = any($1::text[]))
       order by e.transaction_id, e.global_position
       limit 200
    ) e on true`;

/** The public lag estimate before this change: newest position minus the checkpoint's (a sparse one's is 0). */
const OLD_PUBLIC_LAG_SQL = `
  select c.consumer, greatest(coalesce((select max(global_position) from events), 0) - c.global_position, 0) as lag
    from consumer_checkpoints c order by c.consumer`;

interface Figures {
  health: number;
  healthExact: number;
  healthBuffers: number;
  exactBuffers: number;
  sparseMs: number;
  sparseEvents: number;
}

/** Health and lag on one store, with its consumers registered: times, figures and the plans of its queries. */
const measureHealth = async (label: string, p: Persistence, sql: Sql, sparseAt: Checkpoint) => {
  await registerConsumers(p, sql, sparseAt);
  await sql`analyze consumer_status`;
  await sql`analyze consumer_checkpoints`;
  await healthReport(sql); // warm-up: the first call plans and reads the catalogue
  const health = await timeMedian(() => healthReport(sql));
  const healthExact = await timeMedian(() => healthReport(sql, { exactLag: true }), 3);
  const figures = async (exactLag: boolean) =>
    (await healthReport(sql, { exactLag })).transport.consumers
      .map((c) => `${c.name}=${c.lagEvents}${c.lagCapped ? '+' : ''}`)
      .join(' ');
  console.log(`${label}: lag public (estimate) ${await figures(false)}; exact ${await figures(true)}`);
  const old = await sql.unsafe<{ consumer: string; lag: string }[]>(OLD_PUBLIC_LAG_SQL);
  console.log(
    `${label}: lag public before this change ${old.map((r) => `${r.consumer}=${r.lag}`).join(' ')}`,
  );
  const rec = recording(sql);
  await healthReport(rec.db as unknown as Sql);
  const pub = await explain(sql, `health_public_${label}`, rec.last.text, rec.last.params);
  await healthReport(rec.db as unknown as Sql, { exactLag: true });
  const ex = await explain(sql, `health_exact_lag_${label}`, rec.last.text, rec.last.params);
  return { health, healthExact, healthBuffers: pub.buffers, exactBuffers: ex.buffers };
};

/** The plan a prepared statement gets once PostgreSQL switches to a generic one (postgres.js prepares). */
const explainGeneric = async (sql: Sql, label: string, text: string, params: unknown[]) => {
  const conn = await sql.reserve();
  try {
    await conn`set plan_cache_mode = force_generic_plan`;
    const types = params.map((v) =>
      Array.isArray(v)
        ? 'text[]'
        : typeof v === 'boolean'
          ? 'boolean'
          : typeof v === 'number'
            ? 'bigint'
            : 'text',
    );
    await conn.unsafe(`prepare scale_generic(${types.join(', ')}) as ${text}`);
    const lit = params.map((v) =>
      Array.isArray(v)
        ? `array[${v.map((x) => `'${String(x)}'`).join(', ')}]::text[]`
        : typeof v === 'string'
          ? `'${v}'`
          : String(v),
    );
    const rows = await conn.unsafe<{ 'QUERY PLAN': string }[]>(
      `explain (analyze, buffers, costs off) execute scale_generic(${lit.join(', ')})`,
    );
    console.log(`PLAN ${label} (generic plan)`);
    for (const r of rows) console.log(`  ${r['QUERY PLAN']}`);
    await conn`deallocate scale_generic`;
  } finally {
    conn.release();
  }
};

const main = async () => {
  console.log(
    `scale bench ${new Date().toISOString()}: SCALE_EVENTS=${N} writers=${WRITERS} batch=${BATCH}; ` +
      `append: ${APPEND_WRITERS} writers${V7 ? ' (UUIDv7 event ids)' : ''} x ${APPEND_SECONDS} s x ${ROUNDS} rounds; load ${load()}; ${os.cpus().length} cpus`,
  );
  const empty = await createTestDatabase();
  const pe = createPersistence(empty.sql, TEST_MASTER_KEY);
  let full: { name: string; sql: Sql; drop: () => Promise<void> };
  if (REUSE) {
    const u = new URL(testServerUrl());
    u.pathname = `/${REUSE}`;
    const sql = createSql(u.toString(), { max: 10, applicationName: 'tia-scale-bench' });
    const t = Date.now();
    await migrate(sql);
    console.log(`reusing ${REUSE}; migrations applied in ${Math.round((Date.now() - t) / 1000)} s`);
    full = {
      name: REUSE,
      sql,
      drop: async () => {
        await sql.end({ timeout: 5 });
      },
    };
  } else {
    full = await createTestDatabase();
  }
  const pf = createPersistence(full.sql, TEST_MASTER_KEY);
  console.log(`scratch databases: full=${full.name} empty=${empty.name}`);
  const dropFull = !KEEP;
  try {
    const [{ n: before }] = (await full.sql<{ n: string }[]>`
      select coalesce(max(global_position), 0)::text as n from events`) as unknown as [{ n: string }];
    // Appends on the empty store first (the baseline), before the other is seeded.
    const emptyRates = { single: [] as number[], batch: [] as number[] };
    emptyRates.single.push(await appendRate(pe, 1));
    emptyRates.batch.push(await appendRate(pe, 100));
    console.log(
      `empty store: single ${Math.round(emptyRates.single[0]!)} events/s, batched ${Math.round(emptyRates.batch[0]!)} events/s`,
    );
    if (Number(before) < N) await seed(pf, N - Number(before));
    const tv = Date.now();
    await full.sql`vacuum analyze events`;
    console.log(`vacuum analyze events: ${Math.round((Date.now() - tv) / 1000)} s`);
    const [size] = await full.sql<{ n: string; bytes: string; rare: string }[]>`
      select (select max(global_position) from events)::text as n,
             pg_size_pretty(pg_total_relation_size('events')) as bytes,
             (select count(*) from events where type = ${RARE})::text as rare`;
    console.log(
      `full store: ${size!.n} events, events table with indexes ${size!.bytes}, ${size!.rare} ${RARE}`,
    );
    if (KEEP) console.log(`SCALE_KEEP=1: keeping ${full.name} (drop it yourself)`);

    // Append throughput: empty and full alternated (the machine's load drifts), median of each.
    const fullRates = { single: [] as number[], batch: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      fullRates.single.push(await appendRate(pf, 1));
      if (r > 0) emptyRates.single.push(await appendRate(pe, 1));
      fullRates.batch.push(await appendRate(pf, 100));
      if (r > 0) emptyRates.batch.push(await appendRate(pe, 100));
      console.log(
        `round ${r + 1}: full single ${Math.round(fullRates.single[r]!)} batched ${Math.round(fullRates.batch[r]!)} events/s; load ${load()}`,
      );
    }
    const es = median(emptyRates.single);
    const eb = median(emptyRates.batch);
    const fs = median(fullRates.single);
    const fb = median(fullRates.batch);
    line('append_single_empty', es, 'events/s', 1, 'baseline');
    line('append_single_full', fs, 'events/s', fs / es, '>=0.8');
    line('append_batch100_empty', eb, 'events/s', 1, 'baseline');
    line('append_batch100_full', fb, 'events/s', fb / eb, '>=0.8');
    console.log(
      `append rounds (events/s): empty single ${emptyRates.single.map(Math.round).join(' ')}; ` +
        `full single ${fullRates.single.map(Math.round).join(' ')}; empty batched ${emptyRates.batch.map(Math.round).join(' ')}; ` +
        `full batched ${fullRates.batch.map(Math.round).join(' ')}`,
    );
    if (ONLY_APPEND) return;

    // Sparse consumers catching up from the start.
    const out: Partial<Record<'empty' | 'full', Figures>> = {};
    for (const [label, p, sql] of [
      ['empty', pe, empty.sql],
      ['full', pf, full.sql],
    ] as const) {
      await sql`analyze events`;
      const one = await catchUp(p, [RARE]);
      const two = await catchUp(p, [RARE, UNCOMMON]);
      console.log(
        `${label}: sparse consumer [${RARE}] caught up: ${one.events} events in ${one.batches} batches, ${one.ms.toFixed(1)} ms; ` +
          `[${RARE}, ${UNCOMMON}]: ${two.events} events in ${two.batches} batches, ${two.ms.toFixed(1)} ms`,
      );
      const rec = recording(sql);
      await p.store.readBatch(START, 200, { types: [RARE], db: rec.db });
      const plan = await explain(sql, `sparse_first_batch_${label}`, rec.last.text, rec.last.params);
      await p.store.readBatch(START, 200, { types: [RARE, UNCOMMON], db: rec.db });
      const plan2 = await explain(
        sql,
        `sparse_two_types_first_batch_${label}`,
        rec.last.text,
        rec.last.params,
      );
      if (label === 'full')
        await explainGeneric(sql, `sparse_two_types_first_batch_${label}`, rec.last.text, rec.last.params);
      if (label === 'full') {
        const old = await explain(sql, 'sparse_first_batch_before_0024_full', OLD_SPARSE, [[RARE]]);
        await explainGeneric(sql, 'sparse_first_batch_before_0024_full', OLD_SPARSE, [[RARE]]);
        line('sparse_first_batch_before_0024_buffers', old.buffers, 'buffers', null, 'what 0024 removes');
      }
      line(`sparse_catch_up_${label}`, one.ms, 'ms', null, 'info');
      line(`sparse_first_batch_buffers_${label}`, plan.buffers, 'buffers', null, 'info');
      line(`sparse_two_types_first_batch_buffers_${label}`, plan2.buffers, 'buffers', null, 'info');
      if (/Seq Scan on events|events_tx_order_type/.test(plan.plan + plan2.plan))
        console.log(`WARNING: the sparse read scans the log (${label})`);
      const h = await measureHealth(label, p, sql, one.at);
      out[label] = { ...h, sparseMs: one.ms, sparseEvents: one.events };
    }
    const e = out.empty!;
    const f = out.full!;
    line('sparse_catch_up_full_per_event', f.sparseMs / Math.max(1, f.sparseEvents), 'ms', null, 'info');
    line('health_public_empty', e.health, 'ms', 1, 'baseline');
    line('health_public_full', f.health, 'ms', f.health / e.health, 'O(1)');
    line(
      'health_public_buffers_full',
      f.healthBuffers,
      'buffers',
      f.healthBuffers / Math.max(1, e.healthBuffers),
      'O(1)',
    );
    line('health_exact_lag_empty', e.healthExact, 'ms', 1, 'baseline');
    line(
      'health_exact_lag_full',
      f.healthExact,
      'ms',
      f.healthExact / e.healthExact,
      'bounded (EXACT_LAG_CAP), staff only',
    );
    line(
      'health_exact_lag_buffers_full',
      f.exactBuffers,
      'buffers',
      f.exactBuffers / Math.max(1, e.exactBuffers),
      'bounded (EXACT_LAG_CAP)',
    );
    console.log(`done ${new Date().toISOString()}; load ${load()}`);
  } finally {
    await empty.drop();
    if (dropFull) await full.drop();
    else await full.sql.end({ timeout: 5 });
  }
};

await main();
