import type { EventStore, Logger, RecordedEvent, StoredEvent, TxSql } from '@tia/db';
import type { EventOf, EventType } from '@tia/domain';

export interface HandlerContext {
  /** The transaction that also records the event in the handler's inbox: effects and dedup commit together. */
  tx: TxSql;
  store: EventStore;
  log: Logger;
  /** Long work calls this now and then (Kafka: keeps the group membership alive). */
  heartbeat: () => Promise<void>;
}

export interface PrepareContext {
  store: EventStore;
  log: Logger;
  heartbeat: () => Promise<void>;
  /** 1-based attempt number, and how many there will be before the event is dead-lettered. */
  attempt: number;
  maxAttempts: number;
  signal?: AbortSignal;
}

/**
 * An idempotent event handler; the transport decides where events come from. It gets only events of `types`,
 * typed as their members of the `DomainEvent` union (`Handler<P, 'RecordingUploaded'>`: a typo is a compile
 * error). Method syntax on purpose (bivariant), so a handler of some types fits `Handler` lists.
 */
export interface Handler<P = unknown, T extends EventType = EventType> {
  readonly name: string;
  readonly types: readonly T[];
  /** Attempts before the event is dead-lettered (default 5). */
  readonly maxAttempts?: number;
  /**
   * Slow work (speech recognition, remote APIs) done with NO transaction open, before `handle`; it may run
   * again on a redelivery. Its result is handed to `handle`, which decides and writes in the transaction.
   */
  prepare?(event: RecordedEvent<EventOf<T>>, ctx: PrepareContext): Promise<P>;
  handle(event: RecordedEvent<EventOf<T>>, ctx: HandlerContext & { prepared?: P }): Promise<void>;
}

/**
 * Where an event is on its way to a handler, for latency measurements (`npm run bench`, practice section):
 * `published` — the relay's broker acknowledged it (Kafka only; `handler` is the relay's name);
 * `received` — a handler's consumer has it in hand, before the inbox check.
 */
export type TraceStage = 'published' | 'received';
export type Trace = (stage: TraceStage, handler: string, event: StoredEvent) => void;

export interface TransportStatus {
  mode: 'kafka' | 'embedded';
  running: boolean;
}

/** Where handlers get their events: Kafka (relay + consumer groups) or the event store directly. */
export interface Transport {
  readonly mode: 'kafka' | 'embedded';
  start(): Promise<void>;
  /** Stops taking new events, lets in-flight ones finish, then returns. */
  stop(): Promise<void>;
}
