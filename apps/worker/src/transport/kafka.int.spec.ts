/**
 * The Kafka path end to end against the real broker (`npm run kafka:start`): outbox relay in commit order,
 * consumer groups, idempotent handlers under redelivery, the dead-letter topic, and a relay that loses
 * nothing while the broker is unreachable. Skipped only when no broker is reachable and CI is not set.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareCheckpoints,
  createPersistence,
  silentLogger,
  readCheckpoint,
  type Persistence,
  type RecordedEvent,
} from '@tia/db';
import {
  createTestDatabase,
  TEST_MASTER_KEY,
  ping,
  registered,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { KafkaTransport, createKafka, dlqTopic, runRelay, topicFor, type KafkaConfig } from './kafka.js';
import type { Handler } from './port.js';
import { skipKafkaTests, TEST_BROKERS } from '../kafka/testing.js';
import type { Outcome } from './process.js';

const brokers = TEST_BROKERS;
const skip = await skipKafkaTests('Kafka transport tests');

describe.skipIf(skip)('Kafka transport (real broker)', () => {
  let db: TestDatabase;
  let p: Persistence;
  const cfg: KafkaConfig = {
    brokers,
    clientId: 'tia-test',
    topicPrefix: `t${randomBytes(4).toString('hex')}.`,
  };
  const seen: RecordedEvent[] = [];
  const outcomes: [string, Outcome][] = [];
  const handler: Handler = {
    name: 'rec',
    types: ['DiagnosticPinged', 'AccountRegistered'],
    maxAttempts: 2,
    handle: async (e, { tx }) => {
      if (e.type === 'DiagnosticPinged' && e.data.payload === 'poison') throw new Error('poison pill');
      seen.push(e);
      await tx`insert into effects (event_id) values (${e.eventId})`;
    },
  };
  const transport = () =>
    new KafkaTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      cfg,
      handlers: [handler],
      baseDelayMs: 5,
      onOutcome: (_h, id, o) => outcomes.push([id, o]),
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    p = createPersistence(db.sql, TEST_MASTER_KEY);
    await db.sql`create table effects (event_id uuid not null)`;
  });
  afterAll(async () => db?.drop());

  it('relays committed events in order, with key and headers, to a consumer group; poison goes to the DLQ', async () => {
    const t = transport();
    await t.start();
    const stream = `diag-${randomUUID()}`;
    await p.store.append(stream, 0, [ping('1'), ping('2'), ping('poison'), ping('3')]);
    const uid = randomUUID();
    await p.store.append(`user-${uid}`, 0, [registered(uid, 'Mary Jackson', 'mj@example.org')]);
    await waitFor(() => outcomes.length === 5);
    await t.stop();
    expect(
      seen
        .filter((e) => e.type === 'DiagnosticPinged')
        .map((e) => (e.type === 'DiagnosticPinged' ? e.data.payload : undefined)),
    ).toEqual(['1', '2', '3']);
    expect(seen.find((e) => e.type === 'AccountRegistered')!.data.name).toBe('Mary Jackson');
    expect(outcomes.map(([, o]) => o).sort()).toEqual([
      'dead_lettered',
      'processed',
      'processed',
      'processed',
      'processed',
    ]);
    expect(await db.sql`select type, attempts, error from dead_letters`).toEqual([
      { type: 'DiagnosticPinged', attempts: 2, error: 'poison pill' },
    ]);

    // Raw look at the broker: wire format, headers, and no plaintext personal data on Kafka.
    const kafka = new Kafka({ clientId: 'peek', brokers, logLevel: logLevel.NOTHING });
    const peek = kafka.consumer({ groupId: `${cfg.topicPrefix}peek` });
    const got: { topic: string; m: KafkaMessage }[] = [];
    await peek.connect();
    await peek.subscribe({
      topics: [topicFor(cfg, 'DiagnosticPinged'), topicFor(cfg, 'AccountRegistered'), dlqTopic(cfg)],
      fromBeginning: true,
    });
    await peek.run({
      eachMessage: ({ topic, message }) => {
        got.push({ topic, m: message });
        return Promise.resolve();
      },
    });
    await waitFor(() => got.length === 6);
    await peek.disconnect();
    const diag = got.filter((g) => g.topic === `${cfg.topicPrefix}diagnostics`);
    expect(diag).toHaveLength(4);
    expect(diag.every((g) => g.m.key?.toString() === stream)).toBe(true);
    expect(diag[0]!.m.headers!['event-type']!.toString()).toBe('DiagnosticPinged');
    expect(diag[0]!.m.headers!['schema-version']!.toString()).toBe('1');
    expect(diag[0]!.m.headers!['event-id']!.toString()).toMatch(/^[0-9a-f-]{36}$/);
    const identity = got.find((g) => g.topic === `${cfg.topicPrefix}identity`)!;
    expect(identity.m.value!.toString()).not.toContain('Mary Jackson');
    const dlq = got.find((g) => g.topic === dlqTopic(cfg))!;
    expect(dlq.m.headers!['dlq-error']!.toString()).toBe('poison pill');
    expect(dlq.m.headers!['dlq-consumer']!.toString()).toBe('handler:rec');
  });

  it('is idempotent when Kafka redelivers (group offsets rewound): no effect happens twice', async () => {
    const admin = createKafka(cfg, silentLogger).admin();
    await admin.connect();
    for (const topic of [topicFor(cfg, 'DiagnosticPinged'), topicFor(cfg, 'AccountRegistered')]) {
      await admin.resetOffsets({ groupId: `${cfg.topicPrefix}worker.rec`, topic, earliest: true });
    }
    await admin.disconnect();
    outcomes.length = 0;
    const t = transport();
    await t.start();
    await waitFor(() => outcomes.length === 5);
    await t.stop();
    expect(outcomes.map(([, o]) => o)).toEqual(Array(5).fill('duplicate'));
    expect(await db.sql`select count(*)::int as n from effects`).toEqual([{ n: 4 }]);
  });

  it('loses nothing while the broker is unreachable: the relay resumes from its checkpoint', async () => {
    const name = `relay:test-${randomUUID()}`;
    await db.sql`insert into consumer_checkpoints (consumer, transaction_id, global_position)
                 select ${name}, coalesce(max(transaction_id), '0'), coalesce(max(global_position), 0) from events`;
    const before = await readCheckpoint(db.sql, name);
    const payloads = ['x1', 'x2', 'x3'];
    const streams: string[] = [];
    for (const x of payloads) {
      const s = `diag-${randomUUID()}`;
      streams.push(s);
      await p.store.append(s, 0, [ping(x)]);
    }
    const [first] = await p.store.readStream(streams[0]!);

    // Broker unreachable: the producer cannot connect, every publish fails, the checkpoint stays.
    const dead = createKafka({ ...cfg, brokers: ['127.0.0.1:1'] }, silentLogger).producer({
      retry: { retries: 0 },
    });
    const ac1 = new AbortController();
    const r1 = runRelay({
      sql: db.sql,
      store: p.store,
      producer: dead,
      cfg,
      log: silentLogger,
      signal: ac1.signal,
      name,
    });
    await new Promise((r) => setTimeout(r, 1500));
    ac1.abort();
    await r1;
    // The checkpoint may move up to the cluster-wide horizon (a transaction of another test can hold it
    // below our events), but never past an event that was not published.
    const after = await readCheckpoint(db.sql, name);
    expect(compareCheckpoints(after, before)).toBeGreaterThanOrEqual(0);
    expect(
      compareCheckpoints(after, {
        transactionId: first!.transactionId,
        globalPosition: first!.globalPosition,
      }),
    ).toBeLessThan(0);

    // Broker back: everything appended meanwhile is published, in order (one partition, made before the
    // relay runs, so the order on the topic is the relay's order).
    const kafka = new Kafka({ clientId: 'peek2', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: `${cfg.topicPrefix}resumed.diagnostics`, numPartitions: 1 }],
    });
    await admin.disconnect();
    const producer = createKafka(cfg, silentLogger).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const ac2 = new AbortController();
    const r2 = runRelay({
      sql: db.sql,
      store: p.store,
      producer,
      cfg: { ...cfg, topicPrefix: `${cfg.topicPrefix}resumed.` },
      log: silentLogger,
      signal: ac2.signal,
      name,
    });
    const peek = kafka.consumer({ groupId: `${cfg.topicPrefix}peek2` });
    const got: string[] = [];
    await peek.connect();
    await peek.subscribe({ topic: `${cfg.topicPrefix}resumed.diagnostics`, fromBeginning: true });
    await peek.run({
      eachMessage: ({ message }) => {
        got.push((JSON.parse(message.value!.toString()) as { data: { payload: string } }).data.payload);
        return Promise.resolve();
      },
    });
    await waitFor(() => got.length >= 3);
    ac2.abort();
    await r2;
    await peek.disconnect();
    await producer.disconnect();
    expect(got).toEqual(payloads);
  });
});
