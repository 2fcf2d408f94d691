import {
  ConcurrencyError,
  runPollingConsumer,
  type EventStore,
  type Logger,
  type Sql,
  type StoredEvent,
  type TxSql,
} from '@tia/db';
import type { Handler, Trace, Transport } from './port.js';
import { consumerName, processEvent, runRedriveLoop, type Outcome } from './process.js';

/**
 * Drives handlers straight from the event store (no broker): each handler is a polling consumer with its
 * own checkpoint; each event runs in a savepoint with its inbox row, so a redelivery is a no-op.
 */
export class EmbeddedTransport implements Transport {
  readonly mode = 'embedded' as const;
  private ac = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly deps: {
      sql: Sql;
      store: EventStore;
      log: Logger;
      handlers: readonly Handler[];
      pollMs?: number;
      /** Consumers are woken on commit (default true); false: they poll every `pollMs`. */
      wake?: boolean;
      baseDelayMs?: number;
      /** How often requested dead-letter re-drives are looked for (default 2 s). */
      redrivePollMs?: number;
      onOutcome?: (handler: string, eventId: string, outcome: Outcome) => void;
      /** Latency measurements: when a handler's consumer read an event. */
      trace?: Trace;
    },
  ) {}

  start(): Promise<void> {
    this.ac = new AbortController();
    const signal = this.ac.signal;
    for (const h of this.deps.handlers) {
      const log = this.deps.log.child({ handler: h.name, transport: this.mode });
      this.loops.push(
        runPollingConsumer({
          name: consumerName(h),
          sql: this.deps.sql,
          store: this.deps.store,
          log,
          signal,
          types: h.types,
          batchSize: h.prepare ? 5 : 20,
          pollMs: this.deps.pollMs ?? 25,
          ...(this.deps.wake === false ? { wake: false } : {}),
          mode: this.mode,
          ...(h.prepare
            ? { handleEach: (e: StoredEvent) => this.processAlone(h, e, log, signal) }
            : {
                handleBatch: async (tx: TxSql, events: StoredEvent[]) => {
                  for (const e of events) {
                    this.deps.trace?.('received', h.name, e);
                    const outcome = await processEvent(h, e, {
                      store: this.deps.store,
                      log,
                      signal,
                      ...(this.deps.baseDelayMs !== undefined ? { baseDelayMs: this.deps.baseDelayMs } : {}),
                      atomic: (fn) => tx.savepoint(fn),
                      // The batch's transaction may be older than a stream's head: retry the batch anew.
                      abortOn: (err) => err instanceof ConcurrencyError,
                      heartbeat: () => Promise.resolve(),
                    });
                    this.deps.onOutcome?.(h.name, e.eventId, outcome);
                  }
                },
              }),
        }),
      );
    }
    this.loops.push(
      runRedriveLoop({
        store: this.deps.store,
        log: this.deps.log.child({ component: 'redrive' }),
        handlers: this.deps.handlers,
        signal,
        ...(this.deps.redrivePollMs ? { pollMs: this.deps.redrivePollMs } : {}),
      }),
    );
    return Promise.resolve();
  }

  /** A handler with slow `prepare` work: each event in its own transaction, none open while it prepares. */
  private async processAlone(h: Handler, e: StoredEvent, log: Logger, signal: AbortSignal): Promise<void> {
    this.deps.trace?.('received', h.name, e);
    const outcome = await processEvent(h, e, {
      store: this.deps.store,
      log,
      signal,
      ...(this.deps.baseDelayMs !== undefined ? { baseDelayMs: this.deps.baseDelayMs } : {}),
      atomic: (fn) => this.deps.sql.begin(fn),
      heartbeat: () => Promise.resolve(),
    });
    this.deps.onOutcome?.(h.name, e.eventId, outcome);
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.allSettled(this.loops);
    this.loops = [];
  }
}
