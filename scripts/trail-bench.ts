/**
 * `npm run bench:trail`: how fast the audit trail pages (keyset, newest first) at TRAIL_BENCH_EVENTS events
 * (default 1 000 000), seeded through the event store (`EventStore.append`, schema checks and encryption of
 * personal fields included) into a scratch database that is dropped at the end. Each timing is the median of
 * TRAIL_BENCH_RUNS runs (default 5), printed with its ratio against a baseline of the same run: fetching one
 * event by its position (primary key).
 *   BENCH <name> <ms> ms ratio=<r>
 * Needs a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, default 127.0.0.1:5432). Not part of npm test.
 */
import { randomUUID } from 'node:crypto';
import { browseTrail, TrailPage } from '@tia/api';
import type { NewEvent } from '@tia/db';
import { createTestPersistence } from '@tia/db/testing';

const N = Number(process.env.TRAIL_BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.TRAIL_BENCH_RUNS ?? 5);
/** Events per batch: 999 diagnostics on their own stream + 1 personal note on the one subject's stream. */
const BATCH = 1000;
const SUBJECT = randomUUID();

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
  for (let b = 0; b < batches; b++) {
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
    noteVersion++;
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
  line('subject_first_page', await time(() => page({ filter: { subjectId: SUBJECT } })), base);
  line(
    'stream_prefix_first_page',
    await time(() => page({ filter: { streamPrefix: `user-${SUBJECT}` } })),
    base,
  );
  line('correlation_oldest_batch', await time(() => page({ filter: { correlationId: 'bench-0' } })), base);
} finally {
  await db.drop();
}
