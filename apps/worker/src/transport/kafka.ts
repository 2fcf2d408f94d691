import {
  Kafka,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type Producer,
  CompressionTypes,
} from 'kafkajs';
import { randomUUID } from 'node:crypto';
import {
  deadLetter,
  heartbeat as beat,
  runPollingConsumer,
  type EventStore,
  type Logger,
  type Sql,
  type StoredEvent,
} from '@tia/db';
import { eventRegistry } from '@tia/domain';
import type { Handler, Trace, Transport } from './port.js';
import { consumerName, processEvent, runRedriveLoop, type Outcome } from './process.js';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
}

export const topicFor = (cfg: Pick<KafkaConfig, 'topicPrefix'>, type: string) =>
  `${cfg.topicPrefix}${eventRegistry.get(type).category}`;
export const dlqTopic = (cfg: Pick<KafkaConfig, 'topicPrefix'>) => `${cfg.topicPrefix}dead-letter`;
export const allTopics = (cfg: Pick<KafkaConfig, 'topicPrefix'>) => [
  ...new Set(eventRegistry.types().map((t) => topicFor(cfg, t))),
  dlqTopic(cfg),
];

const kafkaLogLevel = logLevel.WARN;
export const createKafka = (cfg: KafkaConfig, log: Logger) =>
  new Kafka({
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    logLevel: kafkaLogLevel,
    retry: { initialRetryTime: 200, retries: 5 },
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        if (level <= logLevel.ERROR) log.error(`kafka: ${message}`, rest);
        else log.warn(`kafka: ${message}`, rest);
      },
  });

export const ensureTopics = async (admin: Admin, cfg: KafkaConfig) => {
  const existing = new Set(await admin.listTopics());
  const missing = allTopics(cfg).filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
    });
  }
};

/** Wire format: the event as stored (personal fields stay ciphertext on the broker). */
export const toMessage = (e: StoredEvent) => ({
  key: e.streamId,
  value: JSON.stringify({ ...e, recordedAt: e.recordedAt.toISOString() }),
  headers: {
    'event-id': e.eventId,
    'event-type': e.type,
    'schema-version': String(e.schemaVersion),
    'global-position': String(e.globalPosition),
    'transaction-id': e.transactionId,
    'content-type': 'application/vnd.tia.event+json',
  } satisfies IHeaders,
});

export const fromMessage = (value: Buffer | null): StoredEvent => {
  if (!value) throw new Error('empty Kafka message');
  const raw = JSON.parse(value.toString('utf8')) as StoredEvent & { recordedAt: string };
  return { ...raw, recordedAt: new Date(raw.recordedAt) };
};

/** Broker answers that refuse this message for good (any other failure may pass on a retry). */
const REFUSED_FOR_GOOD = new Set([
  'MESSAGE_TOO_LARGE',
  'CORRUPT_MESSAGE',
  'INVALID_RECORD',
  'INVALID_TIMESTAMP',
]);

/**
 * Transient unless the broker refused the message itself. A broker that is away, slow, electing a leader or
 * misconfigured is transient (kafkajs gives up after its own retries; the relay backs off and tries again).
 */
export const isRetriableKafkaError = (e: unknown): boolean => {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const err = cur as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof err.type === 'string' && REFUSED_FOR_GOOD.has(err.type)) return false;
    cur = err.originalError ?? err.cause;
  }
  return true;
};

/**
 * The outbox relay: publishes committed events to Kafka in commit order; the checkpoint moves only after the
 * broker acknowledged, so a broker outage delays events but never loses them (at-least-once). No transaction
 * is open while it talks to the broker (a slow broker must not hold back other consumers or the sealer).
 * Transient failures are retried with backoff, forever; an event the broker refuses for good (or whose type
 * this code does not know, so it has no topic) is quarantined in `dead_letters` and the relay goes on.
 */
export const runRelay = async (deps: {
  sql: Sql;
  store: EventStore;
  producer: Producer;
  cfg: KafkaConfig;
  log: Logger;
  signal: AbortSignal;
  pollMs?: number;
  /** Woken on commit (default true); false: polls every `pollMs` (the benchmark's baseline). */
  wake?: boolean;
  name?: string;
  /** Called with each batch the broker acknowledged (latency measurements). */
  onPublished?: (events: readonly StoredEvent[]) => void;
}) =>
  runPollingConsumer({
    name: deps.name ?? 'relay:kafka',
    sql: deps.sql,
    store: deps.store,
    log: deps.log,
    signal: deps.signal,
    mode: 'kafka',
    batchSize: 500,
    pollMs: deps.pollMs ?? 20,
    ...(deps.wake === false ? { wake: false } : {}),
    handleBatchOutsideTx: async (events) => {
      const consumer = deps.name ?? 'relay:kafka';
      const routable: StoredEvent[] = [];
      for (const e of events) {
        if (eventRegistry.has(e.type)) routable.push(e);
        else
          await deadLetter(deps.sql, deps.log, {
            consumer,
            event: e,
            reason: 'poison',
            error: `Unknown event type ${e.type}: no topic to publish it to`,
            attempts: 0,
          });
      }
      if (routable.length === 0) return;
      try {
        await publish(deps.producer, deps.cfg, routable);
        deps.onPublished?.(routable);
      } catch (e) {
        if (isRetriableKafkaError(e)) throw e;
        // Refused for good: find the event(s) the broker will not take, set them aside, send the rest.
        for (const event of routable) {
          try {
            await publish(deps.producer, deps.cfg, [event]);
          } catch (one) {
            if (isRetriableKafkaError(one)) throw one;
            await deadLetter(deps.sql, deps.log, {
              consumer,
              event,
              reason: 'permanent',
              error: `Kafka refused the event: ${(one as Error).message}`,
              attempts: 1,
            });
          }
        }
      }
    },
  });

/** Publishes events (as stored) to their category topics in one batch, acknowledged by all replicas. */
export const publish = async (producer: Producer, cfg: KafkaConfig, events: readonly StoredEvent[]) => {
  const byTopic = new Map<string, ReturnType<typeof toMessage>[]>();
  for (const e of events) {
    const topic = topicFor(cfg, e.type);
    const list = byTopic.get(topic) ?? [];
    list.push(toMessage(e));
    byTopic.set(topic, list);
  }
  await producer.sendBatch({
    acks: -1,
    compression: CompressionTypes.None,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
};

export class KafkaTransport implements Transport {
  readonly mode = 'kafka' as const;
  private ac = new AbortController();
  private kafka: Kafka;
  private producer: Producer | null = null;
  private consumers: Consumer[] = [];
  private relay: Promise<void> | null = null;
  private redrive: Promise<void> | null = null;
  private beats: NodeJS.Timeout | null = null;
  private readonly instance = randomUUID();

  constructor(
    private readonly deps: {
      sql: Sql;
      store: EventStore;
      log: Logger;
      cfg: KafkaConfig;
      handlers: readonly Handler[];
      /** Run the outbox relay in this process (default true). */
      relay?: boolean;
      /** The relay is woken on commit (default true); false: it polls every 20 ms. */
      wake?: boolean;
      baseDelayMs?: number;
      /** How often requested dead-letter re-drives are looked for (default 2 s). */
      redrivePollMs?: number;
      onOutcome?: (handler: string, eventId: string, outcome: Outcome) => void;
      /** Latency measurements: when the relay published an event, when a consumer received it. */
      trace?: Trace;
    },
  ) {
    this.kafka = createKafka(deps.cfg, deps.log);
  }

  async start(): Promise<void> {
    this.ac = new AbortController();
    const { cfg, log } = this.deps;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(admin, cfg);
    } finally {
      await admin.disconnect();
    }
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await this.producer.connect();
    if (this.deps.relay !== false) {
      this.relay = runRelay({
        ...this.deps,
        producer: this.producer,
        signal: this.ac.signal,
        log: log.child({ component: 'relay' }),
        ...(this.deps.trace
          ? {
              onPublished: (events: readonly StoredEvent[]) => {
                for (const e of events) this.deps.trace!('published', 'relay:kafka', e);
              },
            }
          : {}),
      });
    }
    for (const h of this.deps.handlers) await this.startConsumer(h);
    const producer = this.producer;
    this.redrive = runRedriveLoop({
      store: this.deps.store,
      log: log.child({ component: 'redrive' }),
      handlers: this.deps.handlers,
      signal: this.ac.signal,
      ...(this.deps.relay !== false
        ? {
            relay: {
              name: 'relay:kafka',
              publish: (events: StoredEvent[]) => publish(producer, cfg, events),
            },
          }
        : {}),
      ...(this.deps.redrivePollMs ? { pollMs: this.deps.redrivePollMs } : {}),
    });
    const statusBeat = () =>
      Promise.all(
        this.deps.handlers.map((h) => beat(this.deps.sql, consumerName(h), 'kafka', this.instance)),
      ).catch((e: unknown) => log.warn('status heartbeat failed', { error: e }));
    await statusBeat();
    this.beats = setInterval(() => void statusBeat(), 2000);
  }

  private async startConsumer(h: Handler) {
    const { cfg, store, sql } = this.deps;
    const log = this.deps.log.child({ handler: h.name, transport: this.mode });
    const consumer = this.kafka.consumer({
      groupId: `${cfg.topicPrefix}worker.${h.name}`,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [...new Set(h.types.map((t) => topicFor(cfg, t)))],
      fromBeginning: true,
    });
    const producer = this.producer!;
    await consumer.run({
      autoCommit: true,
      eachMessage: async (payload) => {
        const { message, topic, partition } = payload;
        const heartbeat = () => payload.heartbeat();
        const type = message.headers?.['event-type']?.toString();
        if (!type || !(h.types as readonly string[]).includes(type)) return;
        let event: StoredEvent;
        try {
          event = fromMessage(message.value);
        } catch (e) {
          // Unparseable: straight to the DLQ with its coordinates; nothing to retry.
          await producer.send({
            topic: dlqTopic(cfg),
            messages: [
              {
                key: message.key,
                value: message.value,
                headers: {
                  ...message.headers,
                  'dlq-reason': (e as Error).message,
                  'dlq-source': `${topic}/${partition}/${message.offset}`,
                },
              },
            ],
          });
          log.error('unparseable message dead-lettered', { topic, partition, offset: message.offset });
          return;
        }
        this.deps.trace?.('received', h.name, event);
        const timer = setInterval(() => void heartbeat().catch(() => undefined), 2_000);
        try {
          const outcome = await processEvent(h, event, {
            store,
            log,
            signal: this.ac.signal,
            ...(this.deps.baseDelayMs !== undefined ? { baseDelayMs: this.deps.baseDelayMs } : {}),
            atomic: (fn) => sql.begin(fn),
            heartbeat: () => heartbeat(),
            onDeadLetter: async (ev, error, attempts) => {
              await producer.send({
                topic: dlqTopic(cfg),
                messages: [
                  {
                    ...toMessage(ev),
                    headers: {
                      ...toMessage(ev).headers,
                      'dlq-consumer': consumerName(h),
                      'dlq-error': error.message.slice(0, 1000),
                      'dlq-attempts': String(attempts),
                    },
                  },
                ],
              });
            },
          });
          this.deps.onOutcome?.(h.name, event.eventId, outcome);
        } finally {
          clearInterval(timer);
        }
      },
    });
    this.consumers.push(consumer);
  }

  async stop(): Promise<void> {
    this.ac.abort();
    if (this.beats) clearInterval(this.beats);
    // Consumers first: disconnect waits for the in-flight eachMessage to finish and commits its offset.
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    this.consumers = [];
    await this.relay?.catch(() => undefined);
    await this.redrive?.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
