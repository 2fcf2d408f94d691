import { createHash } from 'node:crypto';
import {
  currentVersion,
  DomainError,
  type DomainEvent,
  type EventOf,
  type EventSlice,
  type EventType,
} from '@tia/domain';
import type { EventCodec } from './codec.js';
import type { Queryable, Sql, TxSql } from './sql.js';

export interface EventMetadata {
  /** When it happened (UTC, ISO-8601), as decided by the caller. */
  occurredAt: string;
  actor?: { kind: 'user' | 'staff' | 'system'; id: string };
  correlationId?: string;
  causationId?: string;
  [key: string]: unknown;
}

/** An event to append: one member of the `DomainEvent` union (type and data checked by tsc), id and metadata. */
export type NewEvent<E extends DomainEvent = DomainEvent> = E & {
  eventId: string;
  metadata: EventMetadata;
};

/** An event as stored: personal fields still encrypted, data in its stored schema version. */
export interface StoredEvent {
  globalPosition: number;
  transactionId: string;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** Where an event sits in the log: everything of a stored event but its type and data. */
export type EventEnvelope = Omit<StoredEvent, 'type' | 'data'>;

/**
 * An event as read: personal fields decrypted (or redacted after erasure), data upcast to the current version
 * and validated by its schema — so it is typed as its member of the `DomainEvent` union.
 */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = EventEnvelope & E;

/** `'any'`: no check; `0`: the stream must not exist yet; n: the stream must be at version n. */
export type ExpectedVersion = number | 'any';

export interface Checkpoint {
  /** xid8 as decimal text */
  transactionId: string;
  globalPosition: number;
}
export const START: Checkpoint = Object.freeze({ transactionId: '0', globalPosition: 0 });

export const compareCheckpoints = (a: Checkpoint, b: Checkpoint): number => {
  const x = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (x !== 0n) return x < 0n ? -1 : 1;
  return a.globalPosition - b.globalPosition;
};

/**
 * Another writer appended to the stream first (optimistic concurrency). The message is the store's own
 * explanation, for logs: the API reports it as 409 with a plain message, never as 500.
 */
export class ConcurrencyError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    detail: string,
  ) {
    super(detail);
  }
}

export class DuplicateEventIdError extends Error {
  constructor(readonly streamId: string) {
    super(`An event id in this append was already used by a different event (stream ${streamId})`);
    this.name = 'DuplicateEventIdError';
  }
}

export interface AppendResult {
  /** Stream version after the append. */
  nextVersion: number;
  positions: number[];
  /** True when every event already existed (an idempotent retry). */
  alreadyAppended: boolean;
}

/** Runs inside the append's transaction, so commands see its effects immediately. */
export interface InlineProjection {
  readonly name: string;
  apply(tx: TxSql, events: readonly RecordedEvent[]): Promise<void>;
}

interface Row {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  recorded_at: Date;
}

const toStored = (r: Row): StoredEvent => ({
  globalPosition: Number(r.global_position),
  transactionId: r.transaction_id,
  streamId: r.stream_id,
  streamVersion: Number(r.stream_version),
  eventId: r.event_id,
  type: r.type,
  schemaVersion: r.schema_version,
  data: r.data,
  metadata: r.metadata,
  recordedAt: r.recorded_at,
});

/** JSON with object keys sorted at every level (what jsonb would store, in one spelling). */
const canonicalJson = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );

/**
 * Digest of an event's meaning: type, plaintext data (validated, current schema version) and metadata. It is
 * computed in memory only — a stored hash of plaintext would outlive crypto-shredding.
 */
export const eventDigest = (e: { type: string; data: unknown; metadata: unknown }): string =>
  createHash('sha256')
    .update(canonicalJson({ type: e.type, data: e.data, metadata: e.metadata }))
    .digest('hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STREAM = /^[a-z][a-z0-9_]*-[A-Za-z0-9_.:@-]{1,180}$/;

/** Stream ids are `<category>-<id>`, e.g. `user-3f2c…`. */
export const streamCategory = (streamId: string): string => streamId.slice(0, streamId.indexOf('-'));

const pgHint = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null ? ((e as { hint?: string }).hint ?? undefined) : undefined;
const pgConstraint = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null
    ? ((e as { constraint_name?: string }).constraint_name ?? undefined)
    : undefined;

export class EventStore {
  constructor(
    readonly sql: Sql,
    readonly codec: EventCodec,
  ) {}

  /**
   * Appends events to a stream with optimistic concurrency. Idempotent by event id: repeating the same
   * append is a success that changes nothing; reusing an id for a different event is an error.
   */
  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: readonly NewEvent[],
    opts: { tx?: TxSql; inline?: readonly InlineProjection[] } = {},
  ): Promise<AppendResult> {
    if (!STREAM.test(streamId)) throw new Error(`Invalid stream id "${streamId}" (expected <category>-<id>)`);
    if (events.length === 0) throw new Error('append needs at least one event');
    for (const e of events)
      if (!UUID.test(e.eventId)) throw new Error(`Invalid event id "${e.eventId}" (expected a UUID)`);
    const inline = opts.inline ?? [];
    const run = async (db: Queryable, tx: TxSql | null): Promise<AppendResult> => {
      if (tx) {
        // Inside the caller's transaction a failed statement would abort it: look for a retry first.
        const earlier = await this.alreadyAppended(streamId, events, tx);
        if (earlier) return earlier;
      }
      const payload = [];
      for (const e of events) {
        payload.push({
          event_id: e.eventId,
          type: e.type,
          schema_version: currentVersion(this.codec.registry.get(e.type)),
          data: await this.codec.encode(db, e.eventId, e.type, e.data),
          metadata: e.metadata,
        });
      }
      const rows = await db<{ global_position: string; stream_version: string }[]>`
        select global_position, stream_version
          from tia_append(${streamId}, ${expected === 'any' ? null : expected},
                          ${db.json(payload as unknown as Parameters<typeof db.json>[0])})`;
      const result: AppendResult = {
        nextVersion: Number(rows[rows.length - 1]!.stream_version),
        positions: rows.map((r) => Number(r.global_position)),
        alreadyAppended: false,
      };
      if (tx && inline.length > 0) {
        const decoded = await this.decode(await this.readPositions(tx, result.positions), tx);
        for (const p of inline) await p.apply(tx, decoded);
      }
      return result;
    };
    for (let attempt = 1; ; attempt++) {
      try {
        if (opts.tx) return await run(opts.tx, opts.tx);
        if (inline.length > 0) return await this.sql.begin((tx) => run(tx, tx));
        return await run(this.sql, null);
      } catch (e) {
        const conflict =
          pgHint(e) === 'tia:concurrency' || pgConstraint(e) === 'events_stream_id_stream_version_key';
        const reusedId = pgConstraint(e) === 'events_event_id_key';
        if (!conflict && !reusedId) throw e;
        if (!opts.tx) {
          // A twin of this very append may have won the race: that is success, not conflict.
          const earlier = await this.alreadyAppended(streamId, events, this.sql);
          if (earlier) return earlier;
          // With no expected version, losing a race only means "read the new version and go again".
          if (conflict && expected === 'any' && attempt < 20) continue;
        }
        if (reusedId) throw new DuplicateEventIdError(streamId);
        throw new ConcurrencyError(streamId, expected, (e as Error).message);
      }
    }
  }

  private async alreadyAppended(
    streamId: string,
    events: readonly { eventId: string; type: string; data: unknown; metadata: EventMetadata }[],
    db: Queryable,
  ): Promise<AppendResult | null> {
    const ids = events.map((e) => e.eventId);
    const rows = await db<Row[]>`
      select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
             data, metadata, recorded_at
        from events where event_id = any(${ids}::uuid[])
       order by stream_version`;
    if (rows.length === 0) return null;
    if (rows.length !== events.length) throw new DuplicateEventIdError(streamId);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    const first = Number(byId.get(events[0]!.eventId)?.stream_version ?? -1);
    const ok = events.every((e, i) => {
      const r = byId.get(e.eventId);
      return r && r.stream_id === streamId && r.type === e.type && Number(r.stream_version) === first + i;
    });
    if (!ok) throw new DuplicateEventIdError(streamId);
    // Same ids, same places: the payloads must be the same too, or it is a reused id, not a retry.
    const stored = await this.codec.decodeMany(db, rows.map(toStored)).catch(() => null);
    const storedDigest = new Map(stored?.map((r) => [r.eventId, eventDigest(r)]) ?? []);
    const same = events.every(
      (e) =>
        storedDigest.get(e.eventId) ===
        eventDigest({
          type: e.type,
          data: this.codec.registry.validate(e.type, e.data),
          metadata: JSON.parse(JSON.stringify(e.metadata)) as unknown,
        }),
    );
    if (!same) throw new DuplicateEventIdError(streamId);
    return {
      nextVersion: first + events.length - 1,
      positions: events.map((e) => Number(byId.get(e.eventId)!.global_position)),
      alreadyAppended: true,
    };
  }

  private async readPositions(db: Queryable, positions: readonly number[]): Promise<StoredEvent[]> {
    const rows = await db<Row[]>`
      select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
             data, metadata, recorded_at
        from events where global_position = any(${positions as number[]}::bigint[]) order by global_position`;
    return rows.map(toStored);
  }

  async streamVersion(streamId: string, db: Queryable = this.sql): Promise<number> {
    const r = await db<
      { v: string }[]
    >`select coalesce(max(stream_version), 0) as v from events where stream_id = ${streamId}`;
    return Number(r[0]!.v);
  }

  /** All events of one stream, decoded, in stream order. */
  async readStream(
    streamId: string,
    opts: { fromVersion?: number; db?: Queryable } = {},
  ): Promise<RecordedEvent[]> {
    const db = opts.db ?? this.sql;
    const rows = await db<Row[]>`
      select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
             data, metadata, recorded_at
        from events where stream_id = ${streamId} and stream_version >= ${opts.fromVersion ?? 1}
       order by stream_version`;
    return this.decode(rows.map(toStored), db);
  }

  /** The newest `limit` events of one type, decoded, newest first (registers and audit views). */
  async readLatestOfType<T extends EventType>(
    type: T,
    limit: number,
    db: Queryable = this.sql,
  ): Promise<RecordedEvent<EventOf<T>>[]> {
    const rows = await db<Row[]>`
      select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
             data, metadata, recorded_at
        from events where type = ${type} order by global_position desc limit ${limit}`;
    // Every row has `type` (the where clause above): each is that member of the union.
    return (await this.decode(rows.map(toStored), db)) as RecordedEvent<EventOf<T>>[];
  }

  /**
   * Folds a stream with a decider's `evolve` (only the events of its slice), returning the state and the
   * version to expect on append.
   */
  async load<S, T extends EventType>(
    streamId: string,
    decider: { events: EventSlice<T>; evolve: (s: S, e: EventOf<T>) => S; initialState: S },
    db?: Queryable,
  ): Promise<{ state: S; version: number }> {
    const events = await this.readStream(streamId, db ? { db } : {});
    let state = decider.initialState;
    for (const e of events) if (decider.events.is(e)) state = decider.evolve(state, e);
    return { state, version: events.length === 0 ? 0 : events[events.length - 1]!.streamVersion };
  }

  /**
   * Gap-free batch for consumers: committed events after `after` in (transaction id, position) order, only
   * from transactions older than every transaction still running — so a late commit is never skipped.
   * `next` is where to continue from; it can move past the last event when a type filter skipped rows.
   */
  async readBatch(
    after: Checkpoint,
    limit: number,
    opts: {
      types?: readonly string[];
      db?: Queryable;
      /**
       * False: every committed event, ignoring the horizon. Only safe when nothing can still commit an
       * event the caller cares about (e.g. a rebuild holding the read model's tables locked).
       */
      horizon?: boolean;
    } = {},
  ): Promise<{ events: StoredEvent[]; next: Checkpoint }> {
    const db = opts.db ?? this.sql;
    const everything = opts.horizon === false;
    const rows = opts.types
      ? // Sparse read (migration 0024): one range of index `events_type_tx_order` per type, each in commit-safe
        // order and cut at `limit`, merged. Work is proportional to the events of these types past the
        // checkpoint (at most `limit` per type), never to the log's size.
        await db<(Row & { horizon: string })[]>`
      with h as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
      select h.xmin::text as horizon, e.global_position, e.transaction_id::text, e.stream_id, e.stream_version,
             e.event_id, e.type, e.schema_version, e.data, e.metadata, e.recorded_at
        from h left join lateral (
          select x.*
            from unnest(${[...new Set(opts.types)]}::text[]) as t(type)
            cross join lateral (
              select e.*
                from events e
               where e.type = t.type
                 and (e.transaction_id, e.global_position) > (${after.transactionId}::xid8, ${after.globalPosition}::bigint)
                 and (${everything} or e.transaction_id < h.xmin)
               -- the order of events_type_tx_order (the type is one value here); the planner prefers that index
               -- because 0024 tells it how many types there are (n_distinct), see the migration
               order by e.type, e.transaction_id, e.global_position
               limit ${limit}
            ) x
           order by x.transaction_id, x.global_position
           limit ${limit}
        ) e on true`
      : await db<(Row & { horizon: string })[]>`
      with h as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)
      select h.xmin::text as horizon, e.*
        from h left join lateral (
          select global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version,
                 data, metadata, recorded_at
            from events e
           where (e.transaction_id, e.global_position) > (${after.transactionId}::xid8, ${after.globalPosition}::bigint)
             and (${everything} or e.transaction_id < h.xmin)
           order by e.transaction_id, e.global_position
           limit ${limit}
        ) e on true`;
    const horizon = rows[0]!.horizon;
    const events = rows.filter((r) => r.global_position !== null).map(toStored);
    const last = events[events.length - 1];
    let next: Checkpoint = last
      ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
      : after;
    if (events.length < limit) {
      // Everything below the horizon has been seen: continue from it.
      const h = { transactionId: horizon, globalPosition: 0 };
      if (compareCheckpoints(h, next) > 0) next = h;
    }
    return { events, next };
  }

  /**
   * Stored → recorded. The one place where stored rows become typed events: `decodeMany` has upcast each to its
   * type's current schema version and validated it with that version's zod schema (or thrown).
   */
  async decode(events: readonly StoredEvent[], db: Queryable = this.sql): Promise<RecordedEvent[]> {
    return (await this.codec.decodeMany(db, events)) as RecordedEvent[];
  }

  /** How many committed events a consumer at `at` has not processed yet. */
  async lag(at: Checkpoint, db: Queryable = this.sql): Promise<number> {
    const r = await db<{ n: string }[]>`
      select count(*) as n from events
       where (transaction_id, global_position) > (${at.transactionId}::xid8, ${at.globalPosition}::bigint)`;
    return Number(r[0]!.n);
  }
}
