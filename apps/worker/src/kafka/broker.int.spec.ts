/**
 * Proves that kafkajs 2.2.4 works against the dev/CI broker started by `scripts/kafka.sh`
 * (Apache Kafka 4.x, KRaft): admin, idempotent producer, consumer group with committed
 * offsets, and a second group member resuming after the committed offset.
 *
 * Broker: KAFKA_BROKERS (comma-separated, default 127.0.0.1:9092).
 * No broker reachable: started for the run when Java is present (`skipKafkaTests`), else skipped locally
 * with the reason, FAILS when CI is set.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipKafkaTests, testBrokerDir } from './testing.js';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);

/** Written by scripts/kafka.sh on start: which broker it launched. */
const brokerInfoPaths = [
  fileURLToPath(new URL('../../../../.kafka/broker.json', import.meta.url)),
  // a broker the tests started themselves
  path.join(testBrokerDir(Number(brokers[0]!.split(':').pop())), 'broker.json'),
];

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** One raw request/response round trip with the classic (non-flexible) Kafka framing. */
function kafkaRequest(
  address: string,
  apiKey: number,
  apiVersion: number,
  body: Buffer,
  timeoutMs = 3000,
): Promise<Buffer> {
  const { host, port } = splitHostPort(address);
  const clientId = Buffer.from('broker.int.spec');
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(1, 4); // correlation id
  header.writeInt16BE(clientId.length, 8);
  const payload = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new Error(`timeout talking to ${address}`));
    });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat([size, payload])));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        socket.destroy();
        resolve(buf.subarray(8, 4 + buf.readInt32BE(0))); // drop size + correlation id
      }
    });
  });
}

/** ApiVersions v0: api key -> [min, max] supported by the broker. */
async function apiVersions(address: string): Promise<Map<number, [number, number]>> {
  const res = await kafkaRequest(address, 18, 0, Buffer.alloc(0));
  const errorCode = res.readInt16BE(0);
  if (errorCode !== 0) throw new Error(`ApiVersions error ${errorCode}`);
  const n = res.readInt32BE(2);
  const out = new Map<number, [number, number]>();
  for (let i = 0, p = 6; i < n; i++, p += 6)
    out.set(res.readInt16BE(p), [res.readInt16BE(p + 2), res.readInt16BE(p + 4)]);
  return out;
}

async function reachable(address: string): Promise<boolean> {
  try {
    await apiVersions(address);
    return true;
  } catch {
    return false;
  }
}

// no broker: one is started for the run when Java is present; else skipped with the reason (CI: throws)
const skip = await skipKafkaTests('the kafkajs-against-broker checks (broker.int.spec)');
const brokerUp = !skip && (await Promise.all(brokers.map(reachable))).some(Boolean);

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return typeof v === 'string' ? v : undefined;
}

interface Received {
  partition: number;
  offset: string;
  key: string;
  value: string;
  run: string | undefined;
  seq: string | undefined;
}

function toReceived(partition: number, m: KafkaMessage): Received {
  return {
    partition,
    offset: m.offset,
    key: m.key?.toString('utf8') ?? '',
    value: m.value?.toString('utf8') ?? '',
    run: headerText(m.headers, 'x-run'),
    seq: headerText(m.headers, 'x-seq'),
  };
}

describe.skipIf(skip)(`Kafka broker at ${brokers.join(',')} with kafkajs 2.2.4`, () => {
  const runId = randomUUID().slice(0, 8);
  const topic = `it.broker.${runId}`;
  const groupId = `it-broker-${runId}`;
  const PARTITIONS = 3;

  const kafka = new Kafka({
    clientId: `broker-int-spec-${runId}`,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 5, initialRetryTime: 100 },
  });

  let admin: Admin | undefined;
  let producer: Producer | undefined;
  const consumers: Consumer[] = [];

  const message = (seq: number) => ({
    key: `user-${seq % 2}`, // two keys, so per-key ordering/partitioning is exercised
    value: JSON.stringify({ seq, runId }),
    headers: { 'x-run': runId, 'x-seq': String(seq) },
  });

  function newConsumer(): Consumer {
    const c = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
    });
    consumers.push(c);
    return c;
  }

  /** Runs a group member that commits each message's offset after handling it. */
  async function consume(consumer: Consumer, sink: Received[]): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message: m }) => {
        await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(m.offset) + 1n).toString() }]);
        sink.push(toReceived(partition, m));
      },
    });
  }

  beforeAll(async () => {
    if (!brokerUp) {
      throw new Error(
        `no Kafka broker answers ApiVersions at ${brokers.join(',')} — run \`npm run kafka:start\` (scripts/kafka.sh) first`,
      );
    }
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  });

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic], timeout: 5000 }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  });

  it('is the 4.x broker that scripts/kafka.sh started (describeCluster + ApiVersions)', async () => {
    const cluster = await admin!.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(cluster.controller).not.toBeNull();
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);

    // ApiVersions fingerprint: AddRaftVoter (80) first appears in 3.9 (KIP-853); Kafka 4.0 removed
    // Fetch v0-v3 and OffsetCommit v0-v1 (KIP-896). Both together => a 4.x broker. The rest of this
    // file shows kafkajs 2.2.4 still works with what is left (it sends Fetch v4+, OffsetCommit v2+).
    const versions = await apiVersions(brokers[0]!);
    expect(versions.has(80), 'AddRaftVoter (3.9+) advertised').toBe(true);
    // (Produce keeps advertising v0 for old librdkafka clients, so Fetch is the telling key.)
    expect(versions.get(1)?.[0], 'Fetch min version (4 from Kafka 4.0)').toBeGreaterThanOrEqual(4);
    expect(versions.get(8)?.[0], 'OffsetCommit min version (2 from Kafka 4.0)').toBeGreaterThanOrEqual(2);

    // If the broker is the one scripts/kafka.sh launched in this checkout, check it exactly.
    for (const brokerInfoPath of brokerInfoPaths.filter((p) => existsSync(p))) {
      const info = JSON.parse(readFileSync(brokerInfoPath, 'utf8')) as {
        version: string;
        clusterId: string;
        bootstrap: string;
      };
      if (brokers.includes(info.bootstrap)) {
        expect(info.version).toMatch(/^4\.\d+\.\d+$/);
        expect(cluster.clusterId).toBe(info.clusterId);
      }
    }
  });

  it('admin creates a topic and reports its metadata', async () => {
    const created = await admin!.createTopics({
      topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
    expect(await admin!.listTopics()).toContain(topic);

    const { topics } = await admin!.fetchTopicMetadata({ topics: [topic] });
    expect(topics).toHaveLength(1);
    expect(topics[0]!.name).toBe(topic);
    expect(topics[0]!.partitions).toHaveLength(PARTITIONS);
    for (const p of topics[0]!.partitions) {
      expect(p.partitionErrorCode).toBe(0);
      expect(p.leader).toBeGreaterThanOrEqual(0);
      expect(p.replicas).toHaveLength(1);
    }
  });

  const first: Received[] = [];
  const second: Received[] = [];
  const FIRST = [0, 1, 2, 3, 4, 5];
  const SECOND = [6, 7, 8, 9];

  it('idempotent producer sends keyed messages with headers', async () => {
    const metadata = await producer!.send({ topic, messages: FIRST.map(message) }); // acks=-1 (required by idempotence)
    expect(metadata.length).toBeGreaterThanOrEqual(1); // one entry per partition written to
    for (const r of metadata) {
      expect(r.topicName).toBe(topic);
      expect(r.errorCode).toBe(0);
      expect(Number(r.baseOffset)).toBeGreaterThanOrEqual(0);
    }
  });

  it('a consumer group member consumes them and commits offsets', async () => {
    const a = newConsumer();
    await consume(a, first);
    await waitFor(`${FIRST.length} messages on consumer A`, () => first.length >= FIRST.length);
    await sleep(300); // nothing extra may arrive
    expect(first.map((r) => Number(r.seq)).sort((x, y) => x - y)).toEqual(FIRST);
    for (const r of first) {
      expect(r.run).toBe(runId);
      expect(JSON.parse(r.value)).toEqual({ seq: Number(r.seq), runId });
      expect(r.key).toBe(`user-${Number(r.seq) % 2}`);
    }
    // Same key => same partition, and per-key order is preserved.
    for (const key of ['user-0', 'user-1']) {
      const ofKey = first.filter((r) => r.key === key);
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      expect(ofKey.map((r) => Number(r.seq))).toEqual(
        [...ofKey.map((r) => Number(r.seq))].sort((x, y) => x - y),
      );
    }

    await a.disconnect(); // leaves the group

    const [committed] = await admin!.fetchOffsets({ groupId, topics: [topic] });
    const sum = committed!.partitions.reduce((n, p) => n + Math.max(Number(p.offset), 0), 0);
    expect(sum).toBe(FIRST.length);
  });

  it('a second member of the same group resumes after the committed offsets (no redelivery)', async () => {
    await producer!.send({ topic, messages: SECOND.map(message) });
    const b = newConsumer();
    await consume(b, second);
    await waitFor(`${SECOND.length} messages on consumer B`, () => second.length >= SECOND.length);
    await sleep(500); // give a wrongful redelivery of the first batch time to show up
    expect(second.map((r) => Number(r.seq)).sort((x, y) => x - y)).toEqual(SECOND);
    await b.disconnect();

    const [committed] = await admin!.fetchOffsets({ groupId, topics: [topic] });
    const sum = committed!.partitions.reduce((n, p) => n + Math.max(Number(p.offset), 0), 0);
    expect(sum).toBe(FIRST.length + SECOND.length);
  });
});
