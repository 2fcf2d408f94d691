/**
 * `npm run bench`: throughput and latency of the spine, each printed as a ratio against a baseline measured
 * in the same run on the same server (machines here are noisy; absolute numbers are not comparable).
 *   BENCH <name> <value> <unit> ratio=<r> target=<t>
 * Needs a PostgreSQL server (TEST_DATABASE_URL / DATABASE_URL, default 127.0.0.1:5432) and, for the
 * pipeline figure, a Kafka broker (KAFKA_BROKERS, default 127.0.0.1:9092; `npm run kafka:start`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import postgres from 'postgres';
import {
  activityProjection,
  ASYNC_PROJECTIONS,
  createPersistence,
  rebuildProjection,
  runProjection,
  silentLogger,
  type NewEvent,
} from '@tia/db';
import { createTestDatabase, speechFixture, TEST_MASTER_KEY } from '@tia/db/testing';
import {
  KafkaTransport,
  EmbeddedTransport,
  closeDecoder,
  warmDecoder,
  feedbackHandler,
  transcriptionHandler,
  type Handler,
  type PrepareContext,
  type TranscriptionEngine,
  type Transport,
} from '@tia/worker';
import { givenCandidate, givenUpload, inline, ScriptedEngine } from '@tia/worker/testing';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** `BENCH_ONLY=pipeline,practice` runs only those sections (names in the comments below). */
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;
const want = (section: string) => !ONLY || ONLY.includes(section);
const T = new Date().toISOString();
const PAYLOAD = 'x'.repeat(200);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

const line = (name: string, value: number, unit: string, ratio: number, target: string) =>
  console.log(
    `BENCH ${name} ${value.toFixed(value >= 100 ? 0 : 2)} ${unit} ratio=${ratio.toFixed(2)} target=${target}`,
  );

const ping = (): NewEvent => {
  const id = randomUUID();
  return {
    eventId: id,
    type: 'DiagnosticPinged',
    data: { pingId: id, sentAt: T, payload: PAYLOAD },
    metadata: { occurredAt: T },
  };
};

/** Runs `op` from `writers` concurrent loops for `seconds`; returns operations per second. */
const rate = async (writers: number, seconds: number, op: (w: number) => Promise<void>) => {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      while (performance.now() < end) {
        await op(w);
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
};

/** Alternates baseline and subject runs (A B A B) and keeps the best of each, to damp noise. */
const abab = async (baseline: () => Promise<number>, subject: () => Promise<number>, rounds = 2) => {
  let b = 0;
  let s = 0;
  for (let i = 0; i < rounds; i++) {
    b = Math.max(b, await baseline());
    s = Math.max(s, await subject());
  }
  return { b, s };
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

const reachable = (addr: string) =>
  new Promise<boolean>((resolve) => {
    const i = addr.lastIndexOf(':');
    const s = net.connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
    s.setTimeout(1500, () => (s.destroy(), resolve(false)));
    s.on('connect', () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });

const db = await createTestDatabase();
try {
  const { sql } = db;
  const { store } = createPersistence(sql, TEST_MASTER_KEY);
  await sql`create table raw_events (id bigint generated always as identity primary key, stream_id text not null, type text not null, data jsonb not null, metadata jsonb not null)`;

  // 1. (append) Single-event appends, 8 concurrent writers on distinct streams, vs raw single-row INSERT.
  if (want('append')) {
    const streams = Array.from({ length: 8 }, () => `diag-${randomUUID()}`);
    const { b, s } = await abab(
      () =>
        rate(8, SECONDS, async () => {
          const e = ping();
          await sql`insert into raw_events (stream_id, type, data, metadata) values (${streams[0]!}, ${e.type}, ${sql.json(e.data as never)}, ${sql.json(e.metadata as never)})`;
        }),
      () => rate(8, SECONDS, async (w) => void (await store.append(streams[w]!, 'any', [ping()]))),
    );
    line('append_single_8writers', s, 'events/s', s / b, '>=0.6');
  }

  // 2. (append) 100-event batch appends vs raw multi-row INSERT of 100 rows.
  if (want('append')) {
    const streams = Array.from({ length: 4 }, () => `diag-${randomUUID()}`);
    const { b, s } = await abab(
      async () =>
        100 *
        (await rate(4, SECONDS, async (w) => {
          const rows = Array.from({ length: 100 }, () => {
            const e = ping();
            return {
              stream_id: streams[w]!,
              type: e.type,
              data: sql.json(e.data as never),
              metadata: sql.json(e.metadata as never),
            };
          });
          await sql`insert into raw_events ${sql(rows, 'stream_id', 'type', 'data', 'metadata')}`;
        })),
      async () =>
        100 *
        (await rate(
          4,
          SECONDS,
          async (w) => void (await store.append(streams[w]!, 'any', Array.from({ length: 100 }, ping))),
        )),
    );
    line('append_batch100', s, 'events/s', s / b, '>=0.5');
  }

  // 2b. (notify) What waking consumers on commit costs writers: NOTIFY serialises committing transactions
  //     that notified (a global lock at commit). Single-event appends, 8 writers, with the `events_notify`
  //     trigger vs with it disabled, same database.
  if (want('notify')) {
    const streams = Array.from({ length: 8 }, () => `diag-${randomUUID()}`);
    const appendRate = () =>
      rate(8, SECONDS, async (w) => void (await store.append(streams[w]!, 'any', [ping()])));
    const { b, s } = await abab(async () => {
      await sql`alter table events disable trigger events_notify`;
      try {
        return await appendRate();
      } finally {
        await sql`alter table events enable trigger events_notify`;
      }
    }, appendRate);
    line('append_single_notify_vs_none', s, 'events/s', s / b, '>=0.9');
  }

  // 2c. (idle) Idle load of a worker: queries per second its pool sends with nothing to do (handlers of the
  //     worker's four event families on the embedded transport plus the asynchronous projections), woken on
  //     commit vs polling every 25 ms as before. Counted by the client (postgres.js `debug`).
  if (want('idle')) {
    const fresh = await createTestDatabase();
    const idleQps = async (wake: boolean) => {
      let queries = 0;
      const pool = postgres(fresh.url, { max: 10, onnotice: () => undefined, debug: () => void queries++ });
      const p = createPersistence(pool, TEST_MASTER_KEY);
      const noop = (name: string, types: Handler['types']): Handler => ({
        name,
        types,
        handle: async () => Promise.resolve(),
      });
      const t = new EmbeddedTransport({
        sql: pool,
        store: p.store,
        log: silentLogger,
        wake,
        handlers: [
          noop('diagnostics', ['DiagnosticPinged']),
          noop('privacy-export', ['DataExportRequested']),
          noop('transcription', ['RecordingUploaded']),
          noop('feedback', ['TranscriptProduced']),
        ],
      });
      const ac = new AbortController();
      await t.start();
      const loops = ASYNC_PROJECTIONS.map((pr) =>
        runProjection(pr, { sql: pool, store: p.store, log: silentLogger, signal: ac.signal, wake }),
      );
      await new Promise((r) => setTimeout(r, 3000)); // started, first polls done
      const q0 = queries;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, Math.max(5, SECONDS * 2) * 1000));
      const qps = (queries - q0) / ((performance.now() - t0) / 1000);
      ac.abort();
      await t.stop();
      await Promise.allSettled(loops);
      await pool.end({ timeout: 5 });
      return qps;
    };
    const polling = await idleQps(false);
    const woken = await idleQps(true);
    console.log(
      `# idle worker: ${polling.toFixed(1)} queries/s polling every 25 ms, ${woken.toFixed(1)} woken on commit`,
    );
    line('idle_worker_queries', woken, 'queries/s', woken / Math.max(0.01, polling), '<=1');
    await fresh.drop();
  }

  // 3. (rebuild) Projection rebuild vs a raw SELECT scan of the same events (in the same consumer order).
  if (want('rebuild')) {
    const [{ n }] = (await sql<{ n: string }[]>`select count(*) as n from events`) as unknown as [
      { n: string },
    ];
    const total = Number(n);
    const scan = async () => {
      const t0 = performance.now();
      let rows = 0;
      await sql`select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at
                  from events order by transaction_id, global_position`.cursor(
        1000,
        (batch) => void (rows += batch.length),
      );
      return rows / ((performance.now() - t0) / 1000);
    };
    const rebuild = async () => {
      const r = await rebuildProjection(activityProjection, {
        sql,
        store,
        log: silentLogger,
        batchSize: 1000,
      });
      return r.events / (r.ms / 1000);
    };
    const { b, s } = await abab(scan, rebuild);
    line(`projection_rebuild_${total}events`, s, 'events/s', s / b, '>=0.5');
  }

  // 4. (pipeline) Pipeline latency: append commit → handler completion, no-op handler, via relay + Kafka +
  //    worker; woken on commit, and (the `wake_vs_poll` line) against the same pipeline polling as before.
  if (want('pipeline')) {
    const kafkaUp = await reachable(brokers[0]!);
    const prefix = `bench${randomBytes(3).toString('hex')}.`;
    // A fresh database: the relay must not first drain the events the phases above wrote.
    const fresh = await createTestDatabase();
    const p2 = createPersistence(fresh.sql, TEST_MASTER_KEY);
    const measure = async (mk: (h: Handler, done: (id: string) => void) => Transport, n = 200) => {
      const started = new Map<string, number>();
      const lat: number[] = [];
      let resolveAll: () => void = () => undefined;
      const all = new Promise<void>((r) => (resolveAll = r));
      const t = mk(
        { name: 'noop', types: ['DiagnosticPinged'], handle: async () => Promise.resolve() },
        (id) => {
          const s0 = started.get(id);
          if (s0 !== undefined) lat.push(performance.now() - s0);
          if (lat.length === n) resolveAll();
        },
      );
      await t.start();
      await new Promise((r) => setTimeout(r, 2000)); // let the consumer group settle
      for (let i = 0; i < n; i++) {
        const e = ping();
        const s = `diag-${randomUUID()}`;
        await p2.store.append(s, 0, [e]);
        started.set(e.eventId, performance.now());
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.race([all, new Promise((r) => setTimeout(r, 60_000))]);
      await t.stop();
      return lat;
    };
    if (kafkaUp) {
      // Baseline: raw kafkajs produce → eachMessage on the same broker.
      const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
      const topic = `${prefix}raw`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      const consumer = kafka.consumer({ groupId: `${prefix}raw`, maxWaitTimeInMs: 100 });
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const sent = new Map<string, number>();
      const raw: number[] = [];
      await consumer.run({
        eachMessage: ({ message }) => {
          raw.push(performance.now() - (sent.get(message.key!.toString()) ?? performance.now()));
          return Promise.resolve();
        },
      });
      await new Promise((r) => setTimeout(r, 2000));
      for (let i = 0; i < 200; i++) {
        const k = randomUUID();
        sent.set(k, performance.now());
        await producer.send({ topic, messages: [{ key: k, value: PAYLOAD }] });
        await new Promise((r) => setTimeout(r, 10));
      }
      const end = Date.now() + 30_000;
      while (raw.length < 200 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      await consumer.disconnect();
      await producer.disconnect();

      const viaKafka = (wake: boolean, tag: string) =>
        measure(
          (h, done) =>
            new KafkaTransport({
              sql: fresh.sql,
              store: p2.store,
              log: silentLogger,
              handlers: [h],
              wake,
              cfg: { brokers, clientId: 'bench', topicPrefix: prefix + tag },
              onOutcome: (_n, id) => done(id),
            }),
        );
      const polled = await viaKafka(false, 'p.');
      const lat = await viaKafka(true, 'w.');
      console.log(
        `# one hop via Kafka p50/p99: raw kafkajs ${pct(raw, 50).toFixed(1)}/${pct(raw, 99).toFixed(1)} ms, ` +
          `relay polling every 20 ms ${pct(polled, 50).toFixed(1)}/${pct(polled, 99).toFixed(1)} ms, ` +
          `woken on commit ${pct(lat, 50).toFixed(1)}/${pct(lat, 99).toFixed(1)} ms`,
      );
      line(
        'pipeline_kafka_wake_vs_poll_p50',
        pct(lat, 50),
        'ms',
        pct(lat, 50) / Math.max(0.01, pct(polled, 50)),
        '<=10ms',
      );
      line(
        'pipeline_kafka_latency_p50',
        pct(lat, 50),
        'ms',
        pct(lat, 50) / Math.max(0.01, pct(raw, 50)),
        '<=100ms',
      );
      line(
        'pipeline_kafka_latency_p99',
        pct(lat, 99),
        'ms',
        pct(lat, 99) / Math.max(0.01, pct(raw, 99)),
        '<=500ms',
      );
    } else {
      console.log(
        `# Kafka not reachable at ${brokers.join(',')}: pipeline latency measured on the embedded transport instead`,
      );
      // Without a broker the same handlers run on the embedded transport; the ratio is against the target.
      const viaEmbedded = (wake: boolean) =>
        measure(
          (h, done) =>
            new EmbeddedTransport({
              sql: fresh.sql,
              store: p2.store,
              log: silentLogger,
              handlers: [h],
              wake,
              onOutcome: (_n, id) => done(id),
            }),
        );
      const polled = await viaEmbedded(false);
      const elat = await viaEmbedded(true);
      line(
        'pipeline_embedded_wake_vs_poll_p50',
        pct(elat, 50),
        'ms',
        pct(elat, 50) / Math.max(0.01, pct(polled, 50)),
        '<=10ms',
      );
      line('pipeline_embedded_latency_p50', pct(elat, 50), 'ms', pct(elat, 50) / 100, '<=100ms');
      line('pipeline_embedded_latency_p99', pct(elat, 99), 'ms', pct(elat, 99) / 500, '<=500ms');
    }
    await fresh.drop();
  }

  // 5. (practice) Practice pipeline overhead: upload committed → FeedbackScored committed, minus the speech
  //    engine's time (a scripted engine answers at once; ffmpeg decoding, the consent checks, both handlers,
  //    the blob deletion and the relay hops are what is measured). Baseline: the no-op one-hop pipeline of the
  //    same transport; and (the `wake_vs_poll` line) the same pipeline polling as before, same run.
  //    Two loads: `paced` (40 answers, one uploaded every 150 ms, as before: answers may queue behind each
  //    other) and `alone` (one answer in flight at a time: the latency of one answer, no queueing). Each
  //    answer's way is timed hop by hop (transport `trace`, wrapped handlers, blob store and engine) and the
  //    medians printed as `# hop` lines.
  if (want('practice')) {
    const kafkaUp = await reachable(brokers[0]!);
    const audio = readFileSync(speechFixture());
    const engine = new ScriptedEngine({
      text: 'when i was leading a team of five i rebuilt the report and we cut the time by forty percent',
      words: [],
    });
    type Marks = Map<string, number>;
    /** The hops of one answer, in order: [label, from mark, to mark]. */
    const HOPS: [string, string, string][] = [
      ['upload transaction (blob + RecordingUploaded)', 'up0', 'up1'],
      ...(kafkaUp
        ? ([
            ['relay: wake, read, publish to Kafka (acked)', 'up1', 'published:RecordingUploaded'],
            [
              'Kafka: published → transcription consumer',
              'published:RecordingUploaded',
              'received:transcription',
            ],
          ] as [string, string, string][])
        : ([['transcription consumer: wake, read', 'up1', 'received:transcription']] as [
            string,
            string,
            string,
          ][])),
      ['inbox check + decode event', 'received:transcription', 'prepare0:transcription'],
      ['consent check (processingBlock)', 'prepare0:transcription', 'blob0'],
      ['blob read + decrypt', 'blob0', 'blob1'],
      ['ffmpeg decode to 16 kHz (spawn + decode)', 'blob1', 'engine0'],
      ['ENGINE (subtracted)', 'engine0', 'engine1'],
      ['after the engine: scoreAtOnce session read + rubric (else ≈ 0)', 'engine1', 'prepare1:transcription'],
      ['prepare → transaction: begin, inbox, decode', 'prepare1:transcription', 'handle0:transcription'],
      [
        'decide + append TranscriptProduced, AudioDeleted, blob delete',
        'handle0:transcription',
        'handle1:transcription',
      ],
      ['commit (transcription)', 'handle1:transcription', 'done:transcription'],
      ...(kafkaUp
        ? ([
            [
              'relay: wake, read, publish to Kafka (acked)',
              'done:transcription',
              'published:TranscriptProduced',
            ],
            ['Kafka: published → feedback consumer', 'published:TranscriptProduced', 'received:feedback'],
          ] as [string, string, string][])
        : ([['feedback consumer: wake, read', 'done:transcription', 'received:feedback']] as [
            string,
            string,
            string,
          ][])),
      ['inbox check, decode, prepare, begin, inbox, decode', 'received:feedback', 'handle0:feedback'],
      ['score + append FeedbackScored', 'handle0:feedback', 'handle1:feedback'],
      ['commit (feedback)', 'handle1:feedback', 'done:feedback'],
      ['TOTAL: upload start → FeedbackScored committed (engine included)', 'up0', 'scored'],
    ];
    const practiceRun = async (wake: boolean, warm: boolean, scoreAtOnce: boolean) => {
      // warm: an ffmpeg started ahead waits for each answer (the worker's default); cold: one started per answer.
      if (warm) warmDecoder();
      else closeDecoder();
      const prefix = `benchp${randomBytes(3).toString('hex')}.`;
      const fresh = await createTestDatabase();
      let queries = 0; // every statement the pool sends (postgres.js `debug`): consumers, handlers, uploads
      const pool = postgres(fresh.url, { max: 10, onnotice: () => undefined, debug: () => void queries++ });
      const p3 = createPersistence(pool, TEST_MASTER_KEY);
      const marks = new Map<string, Marks>(); // recording id → stage → when (first time)
      const mark = (rid: string | undefined, stage: string) => {
        if (!rid) return;
        let m = marks.get(rid);
        if (!m) marks.set(rid, (m = new Map<string, number>()));
        if (!m.has(stage)) m.set(stage, performance.now());
      };
      const ridOf = (e: { data: unknown }) => (e.data as { recordingId?: string }).recordingId;
      const ridByEvent = new Map<string, string>();
      let current: string | undefined; // the recording being transcribed (one at a time per consumer)
      const blobs = new Proxy(p3.blobs, {
        get(target, key, recv) {
          if (key === 'get')
            return async (db: Parameters<typeof target.get>[0], id: string) => {
              mark(id, 'blob0');
              const r = await target.get(db, id);
              mark(id, 'blob1');
              return r;
            };
          const v = Reflect.get(target, key, recv) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const timedEngine: TranscriptionEngine = {
        name: engine.name,
        model: engine.model,
        check: () => engine.check(),
        transcribe: async (wav, o) => {
          const rid = current;
          mark(rid, 'engine0');
          try {
            return await engine.transcribe();
          } finally {
            mark(rid, 'engine1');
            void wav;
            void o;
          }
        },
      };
      const timed = (h: Handler): Handler => ({
        name: h.name,
        types: h.types,
        ...(h.maxAttempts !== undefined ? { maxAttempts: h.maxAttempts } : {}),
        ...(h.prepare
          ? {
              prepare: async (e: Parameters<NonNullable<Handler['prepare']>>[0], ctx: PrepareContext) => {
                const rid = ridOf(e);
                current = rid;
                mark(rid, `prepare0:${h.name}`);
                try {
                  return await h.prepare!(e, ctx);
                } finally {
                  mark(rid, `prepare1:${h.name}`);
                }
              },
            }
          : {}),
        handle: async (e, ctx) => {
          mark(ridOf(e), `handle0:${h.name}`);
          await h.handle(e, ctx);
          mark(ridOf(e), `handle1:${h.name}`);
        },
      });
      const trace = (stage: string, h: string, e: { eventId: string; type: string; data: unknown }) => {
        const rid = ridOf(e);
        if (!rid) return;
        ridByEvent.set(e.eventId, rid);
        mark(rid, stage === 'published' ? `published:${e.type}` : `${stage}:${h}`);
      };
      const mkTransport = (handlers: Handler[], onOutcome: (h: string, id: string) => void): Transport =>
        kafkaUp
          ? new KafkaTransport({
              sql: pool,
              store: p3.store,
              log: silentLogger,
              handlers,
              wake,
              cfg: { brokers, clientId: 'bench', topicPrefix: prefix },
              onOutcome: (h, id) => onOutcome(h, id),
              trace,
            })
          : new EmbeddedTransport({
              sql: pool,
              store: p3.store,
              log: silentLogger,
              handlers,
              wake,
              onOutcome: (h, id) => onOutcome(h, id),
              trace,
            });
      // Baseline: append → no-op handler, one hop, same transport and database.
      const base: number[] = [];
      {
        const sent = new Map<string, number>();
        const t = mkTransport(
          [{ name: 'noop', types: ['DiagnosticPinged'], handle: async () => Promise.resolve() }],
          (_h, id) => {
            const s0 = sent.get(id);
            if (s0 !== undefined) base.push(performance.now() - s0);
          },
        );
        await t.start();
        await new Promise((r) => setTimeout(r, 2000));
        for (let i = 0; i < 60; i++) {
          const e = ping();
          await p3.store.append(`diag-${randomUUID()}`, 0, [e]);
          sent.set(e.eventId, performance.now());
          await new Promise((r) => setTimeout(r, 20));
        }
        const end = Date.now() + 30_000;
        while (base.length < 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
        await t.stop();
      }
      const n = 40;
      const alone = 15;
      const done = new Map<string, number>(); // TranscriptProduced event id → when the feedback handler ended
      const outcomeAt = new Map<string, number>(); // event id → when its handler's transaction committed
      const t = mkTransport(
        [
          // As the worker runs them with no language model configured (`worker.ts`).
          timed(transcriptionHandler({ blobs, inline, engine: timedEngine, scoreAtOnce })),
          timed(feedbackHandler({ blobs, inline, enricher: null })),
        ],
        (h, id) => {
          mark(ridByEvent.get(id), `done:${h}`);
          if (!outcomeAt.has(id)) outcomeAt.set(id, performance.now());
          if (h === 'feedback') done.set(id, performance.now());
        },
      );
      await t.start();
      await new Promise((r) => setTimeout(r, 2000));
      const who = await givenCandidate(p3);
      const started = new Map<string, number>();
      const upload = async () => {
        const s0 = performance.now();
        const id = await givenUpload(p3, who, audio);
        started.set(id, s0);
        mark(id, 'up0');
        marks.get(id)!.set('up0', s0);
        mark(id, 'up1');
        return id;
      };
      const paced: string[] = [];
      for (let i = 0; i < n; i++) {
        paced.push(await upload());
        await new Promise((r) => setTimeout(r, 150));
      }
      const settle = async (want: number, ms: number) => {
        const end = Date.now() + ms;
        while (done.size < want && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      };
      await settle(n, 120_000);
      const lone: string[] = [];
      await new Promise((r) => setTimeout(r, 200));
      const q0 = queries;
      for (let i = 0; i < alone; i++) {
        lone.push(await upload());
        await settle(n + i + 1, 30_000);
        await new Promise((r) => setTimeout(r, 200));
      }
      const queriesPerAnswer = (queries - q0) / alone;
      await t.stop();
      // FeedbackScored committed with the event that caused it (its handler's transaction): TranscriptProduced
      // (feedback handler) or, scored at once, RecordingUploaded (transcription handler).
      const rows = await pool<{ recording_id: string; cause: string; engine_ms: number }[]>`
        select f.data->>'recordingId' as recording_id, f.metadata->>'causationId' as cause,
               (t.data->>'engineMs')::int as engine_ms
          from events f join events t on t.stream_id = f.stream_id and t.type = 'TranscriptProduced'
         where f.type = 'FeedbackScored'`;
      for (const r of rows) {
        const at = outcomeAt.get(r.cause);
        if (at !== undefined) marks.get(r.recording_id)?.set('scored', at);
      }
      const overheadOf = (ids: string[]) => {
        const want = new Set(ids);
        const out: number[] = [];
        for (const r of rows) {
          if (!want.has(r.recording_id)) continue;
          const s0 = started.get(r.recording_id);
          const f = marks.get(r.recording_id)?.get('scored');
          if (s0 !== undefined && f !== undefined) out.push(f - s0 - r.engine_ms);
        }
        return out;
      };
      /** Median of each hop over `ids` (answers missing a mark are left out of that hop). */
      const hops = (ids: string[]) =>
        HOPS.map(([label, from, to]) => {
          const xs: number[] = [];
          for (const id of ids) {
            const m = marks.get(id);
            const a = m?.get(from);
            const b = m?.get(to);
            if (a !== undefined && b !== undefined) xs.push(b - a);
          }
          return { label, p50: xs.length ? pct(xs, 50) : NaN, n: xs.length };
        });
      await pool.end({ timeout: 5 });
      await fresh.drop();
      return {
        queriesPerAnswer,
        overhead: overheadOf(paced),
        alone: overheadOf(lone),
        hopsPaced: hops(paced),
        hopsAlone: hops(lone),
        base,
      };
    };
    // Before (main: an ffmpeg per answer, feedback scored by the next hop), then after (ffmpeg started ahead,
    // rubric feedback decided with the transcript), then the after pipeline polling as before wake-on-commit.
    const before = await practiceRun(true, false, false);
    const woken = await practiceRun(true, true, true);
    const polled = await practiceRun(false, true, true);
    const { overhead, base } = woken;
    const via = kafkaUp ? 'kafka' : 'embedded';
    const p50 = (xs: number[]) => pct(xs, 50).toFixed(1);
    console.log(
      `# practice pipeline via ${via}, 11 s clip, scripted engine; answers scored ${overhead.length}/40 paced ` +
        `+ ${woken.alone.length}/15 alone; overhead p50 (ms) paced / alone: after ${p50(overhead)} / ` +
        `${p50(woken.alone)}, before ${p50(before.overhead)} / ${p50(before.alone)}, ` +
        `after but polling ${p50(polled.overhead)} / ${p50(polled.alone)}; statements per answer (alone, all ` +
        `consumers): after ${woken.queriesPerAnswer.toFixed(1)}, before ${before.queriesPerAnswer.toFixed(1)}, ` +
        `polling ${polled.queriesPerAnswer.toFixed(1)}`,
    );
    console.log(
      `# hop (p50 ms, one answer alone)                                    ${'after'.padStart(8)} ${'before'.padStart(8)} ${'polling'.padStart(8)} ${'paced'.padStart(8)}`,
    );
    woken.hopsAlone.forEach((h, i) =>
      console.log(
        `# hop ${h.label.padEnd(62)} ${[h, before.hopsAlone[i]!, polled.hopsAlone[i]!, woken.hopsPaced[i]!]
          .map((x) => x.p50.toFixed(1).padStart(8))
          .join(' ')}`,
      ),
    );
    line(
      `practice_overhead_${via}_p50`,
      pct(overhead, 50),
      'ms',
      pct(overhead, 50) / Math.max(0.01, pct(base, 50)),
      '<=1000ms',
    );
    line(
      `practice_overhead_${via}_p99`,
      pct(overhead, 99),
      'ms',
      pct(overhead, 99) / Math.max(0.01, pct(base, 99)),
      '<=3000ms',
    );
    line(
      `practice_overhead_${via}_wake_vs_poll_p50`,
      pct(overhead, 50),
      'ms',
      pct(overhead, 50) / Math.max(0.01, pct(polled.overhead, 50)),
      '<=50ms',
    );
    line(
      `practice_overhead_alone_${via}_wake_vs_poll_p50`,
      pct(woken.alone, 50),
      'ms',
      pct(woken.alone, 50) / Math.max(0.01, pct(polled.alone, 50)),
      '<=50ms',
    );
    line(
      `practice_overhead_alone_${via}_after_vs_before_p50`,
      pct(woken.alone, 50),
      'ms',
      pct(woken.alone, 50) / Math.max(0.01, pct(before.alone, 50)),
      '<=50ms',
    );
    line(
      `practice_overhead_${via}_after_vs_before_p50`,
      pct(overhead, 50),
      'ms',
      pct(overhead, 50) / Math.max(0.01, pct(before.overhead, 50)),
      '<=50ms',
    );
    line(
      `practice_statements_per_answer_after_vs_before`,
      woken.queriesPerAnswer,
      'statements',
      woken.queriesPerAnswer / Math.max(0.01, before.queriesPerAnswer),
      '<=1',
    );
    closeDecoder();
  }
  // 6. (trpc) A DB-backed tRPC query (`privacy.processing`, public) from the web server as it runs (`server.ts`,
  //    which answers `/api/trpc` itself, without Next), vs a bare `node:http` server answering the same body
  //    from the same use case (`scripts/lib/bare-query-server.ts`); each in a process of its own, 16 keep-alive
  //    clients, rounds alternating. Also measured in the same rounds, for the record: the same call through
  //    Next's route (`scripts/lib/next-route-server.ts`, how server.ts served it before). Needs `next build`
  //    (made here when apps/web has none).
  if (want('trpc')) {
    const fresh = await createTestDatabase();
    const webDir = path.join(ROOT, 'apps/web');
    if (!existsSync(path.join(webDir, '.next', 'BUILD_ID'))) {
      console.log('# trpc_query: building apps/web (next build) first');
      const built = spawnSync('npx', ['next', 'build', '--webpack'], {
        cwd: webDir,
        stdio: 'inherit',
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      });
      if (built.status !== 0) throw new Error('next build failed');
    }
    /** Starts a server process; resolves with its port once it printed it (or answered on it). */
    const startServer = async (cmd: string[], cwd: string, env: NodeJS.ProcessEnv, port?: number) => {
      const child = spawn(process.execPath, ['--import', 'tsx', ...cmd], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Only the tail is kept: the web server logs one line per request (its access log) for the whole run.
      let out = '';
      const keep = (d: Buffer) => void (out = (out + d.toString()).slice(-4000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`server exited: ${out.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`server did not start: ${out.slice(-2000)}`);
        const m = /listening (\d+)/.exec(out);
        if (port === undefined && m) return { child, port: Number(m[1]) };
        if (port !== undefined && out.includes('web server listening')) return { child, port };
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const webPort = 20_000 + Math.floor(Math.random() * 20_000);
    const web = await startServer(
      ['server.ts', '-p', String(webPort), '-H', '127.0.0.1'],
      webDir,
      {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        ALLOW_DEV_MAILBOX: '1',
        DATABASE_URL: fresh.url,
        MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
        AUTH_SECRET: Buffer.alloc(32, 9).toString('base64'),
      },
      webPort,
    );
    const bare = await startServer(['scripts/lib/bare-query-server.ts', fresh.url], ROOT, process.env);
    const viaNextPort = webPort + 1;
    const viaNext = await startServer(
      [path.join(ROOT, 'scripts/lib/next-route-server.ts'), String(viaNextPort)],
      webDir,
      {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        ALLOW_DEV_MAILBOX: '1',
        DATABASE_URL: fresh.url,
        MASTER_KEY: TEST_MASTER_KEY.toString('base64'),
        AUTH_SECRET: Buffer.alloc(32, 9).toString('base64'),
      },
    );
    try {
      // A fair comparison: both answer the same body (the bare server runs the procedure's use case, too).
      const bodies = await Promise.all(
        [`http://127.0.0.1:${bare.port}/`, `http://127.0.0.1:${web.port}/api/trpc/privacy.processing`].map(
          async (u) => (await fetch(u)).text(),
        ),
      );
      if (bodies[0] !== bodies[1]) throw new Error(`trpc_query: bodies differ:\n${bodies[0]}\n${bodies[1]}`);
      console.log(`# trpc_query: both answer the same ${bodies[0]!.length}-byte body`);
      /** CPU seconds a process has used (Linux /proc; null elsewhere): rates on a shared machine swing, this less. */
      const cpuOf = (pid: number | undefined): number | null => {
        try {
          const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
        } catch {
          return null;
        }
      };
      const cpuMsPerRequest = [0, 0, 0].map(() => ({ cpu: 0, requests: 0 }));
      const load =
        (url: string, pid?: number, slot = 0) =>
        async () => {
          for (let i = 0; i < 50; i++) {
            const r = await fetch(url);
            if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
            await r.arrayBuffer();
          } // warm-up
          const cpu0 = cpuOf(pid);
          const t0 = performance.now();
          const r = await rate(16, SECONDS, async () => {
            const r = await fetch(url);
            if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`);
            await r.arrayBuffer();
          });
          const cpu1 = cpuOf(pid);
          if (cpu0 !== null && cpu1 !== null) {
            cpuMsPerRequest[slot]!.cpu += cpu1 - cpu0;
            cpuMsPerRequest[slot]!.requests += (r * (performance.now() - t0)) / 1000;
          }
          return r;
        };
      // bare, web, via Next, bare, web, via Next …: the best of each (the machine is shared and noisy).
      const subjects = [
        load(`http://127.0.0.1:${bare.port}/`, bare.child.pid, 0),
        load(`http://127.0.0.1:${web.port}/api/trpc/privacy.processing`, web.child.pid, 1),
        load(`http://127.0.0.1:${viaNext.port}/api/trpc/privacy.processing`, viaNext.child.pid, 2),
      ];
      const best = [0, 0, 0];
      for (let round = 0; round < Number(process.env.BENCH_TRPC_ROUNDS ?? 2); round++)
        for (const [i, run] of subjects.entries()) best[i] = Math.max(best[i]!, await run());
      const [b, s, n] = best as [number, number, number];
      console.log(
        `# trpc_query: bare node:http ${b.toFixed(0)} requests/s, tRPC from server.ts ${s.toFixed(0)} requests/s ` +
          `(ratio ${(s / b).toFixed(2)}), through Next's route as before ${n.toFixed(0)} requests/s (ratio ${(n / b).toFixed(2)})`,
      );
      const ms = cpuMsPerRequest.map(({ cpu, requests }) => (requests > 0 ? (1000 * cpu) / requests : NaN));
      if (ms.every(Number.isFinite))
        console.log(
          `# trpc_query: server CPU per request (all rounds): bare ${ms[0]!.toFixed(2)} ms, server.ts ` +
            `${ms[1]!.toFixed(2)} ms (bare/server.ts ${(ms[0]! / ms[1]!).toFixed(2)}), through Next ${ms[2]!.toFixed(2)} ms ` +
            `(bare/Next ${(ms[0]! / ms[2]!).toFixed(2)})`,
        );
      line('trpc_query', s, 'requests/s', s / b, '>=0.5');
    } finally {
      web.child.kill('SIGTERM');
      bare.child.kill('SIGTERM');
      viaNext.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1000));
      await fresh.drop();
    }
  }
} finally {
  await db.drop();
}
