/**
 * The outbox relay against the real broker (issue 9): no transaction is held while it talks to Kafka (a slow
 * broker must not hold back the sealer or other consumers), and an event it cannot route is quarantined
 * while the rest are published.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence, sealChain, silentLogger, type Persistence } from '@tia/db';
import {
  createTestDatabase,
  eventually,
  TEST_MASTER_KEY,
  T,
  ping,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { createKafka, ensureTopics, runRelay, topicFor, type KafkaConfig } from './kafka.js';
import { skipKafkaTests, TEST_BROKERS } from '../kafka/testing.js';

const skip = await skipKafkaTests('relay tests');

describe.skipIf(skip)('outbox relay (real broker)', () => {
  let db: TestDatabase;
  let p: Persistence;
  let producer: Producer;
  const cfg: KafkaConfig = {
    brokers: TEST_BROKERS,
    clientId: 'tia-relay-test',
    topicPrefix: `r${randomBytes(4).toString('hex')}.`,
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    p = createPersistence(db.sql, TEST_MASTER_KEY);
    const kafka = createKafka(cfg, silentLogger);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, cfg);
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  }, 60_000);
  afterAll(async () => {
    await producer?.disconnect();
    await db?.drop();
  });

  const sealed = async (eventId: string) =>
    (
      await db.sql`select 1 from event_chain c join events e using (global_position)
                   where e.event_id = ${eventId}`
    ).length === 1;

  it('holds no transaction while the broker is slow: the sealer keeps sealing', async () => {
    let entered = false;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    // The real producer, with a broker that takes its time to acknowledge.
    const slow: Producer = {
      ...producer,
      sendBatch: async (batch) => {
        entered = true;
        await gate;
        return producer.sendBatch(batch);
      },
    };
    const name = `relay:slow-${randomUUID()}`;
    await p.store.append(`diag-${randomUUID()}`, 0, [ping('first')]);
    const ac = new AbortController();
    const relay = runRelay({
      sql: db.sql,
      store: p.store,
      producer: slow,
      cfg,
      log: silentLogger,
      signal: ac.signal,
      name,
    });
    try {
      await waitFor(() => entered);
      const later = ping('appended while the relay waits for the broker');
      await p.store.append(`diag-${randomUUID()}`, 0, [later]);
      await eventually(async () => {
        await sealChain(db.sql);
        expect(await sealed(later.eventId)).toBe(true);
      }, 30_000);
    } finally {
      release();
      ac.abort();
      await relay;
    }
  }, 60_000);

  it('quarantines an event of unknown type and publishes the rest', async () => {
    const unknownId = randomUUID();
    await db.sql`select * from tia_append(${`future-${randomUUID()}`}, 0, ${db.sql.json([
      {
        event_id: unknownId,
        type: 'FromANewerRelease',
        schema_version: 1,
        data: {},
        metadata: { occurredAt: T },
      },
    ])})`;
    const after = ping('after the unknown one');
    await p.store.append(`diag-${randomUUID()}`, 0, [after]);
    const name = `relay:poison-${randomUUID()}`;
    const ac = new AbortController();
    const relay = runRelay({
      sql: db.sql,
      store: p.store,
      producer,
      cfg,
      log: silentLogger,
      signal: ac.signal,
      name,
    });
    const kafka = new Kafka({ clientId: 'peek-relay', brokers: TEST_BROKERS, logLevel: logLevel.NOTHING });
    const peek = kafka.consumer({ groupId: `${cfg.topicPrefix}peek-${randomUUID()}` });
    const got: string[] = [];
    try {
      await peek.connect();
      await peek.subscribe({ topic: topicFor(cfg, 'DiagnosticPinged'), fromBeginning: true });
      await peek.run({
        eachMessage: ({ message }) => {
          got.push(message.headers!['event-id']!.toString());
          return Promise.resolve();
        },
      });
      await waitFor(() => got.includes(after.eventId), 45_000);
    } finally {
      ac.abort();
      await relay;
      await peek.disconnect();
    }
    expect(
      await db.sql`select type, reason from dead_letters where consumer = ${name} and event_id = ${unknownId}`,
    ).toEqual([{ type: 'FromANewerRelease', reason: 'poison' }]);
  }, 90_000);
});
