import type { Checkpoint, EventStore, InlineProjection, RecordedEvent, StoredEvent } from './event-store.js';
import { START } from './event-store.js';
import { eventSlice, eventsOf, type EventOf, type EventType } from '@tia/domain';
import { readCheckpoint, runPollingConsumer, writeCheckpoint } from './consumer.js';
import type { Logger } from './log.js';
import { decodeOrQuarantine } from './quarantine.js';
import type { Sql, TxSql } from './sql.js';

/** Maps a projection's logical table name to the physical table to write (live or rebuild copy). */
export type TableNames = (logical: string) => string;

interface ProjectionBase {
  readonly name: string;
  readonly tables: readonly string[];
}

/**
 * A read model. Its tables are created by migrations; `apply` must address them only through `t(...)`, so a
 * rebuild can replay into fresh copies and swap them in. `apply` gets the events of `types` (all when absent),
 * decoded and typed as their members of the `DomainEvent` union. Build one with `defineProjection`.
 */
export interface DataProjection<T extends EventType = EventType> extends ProjectionBase {
  readonly types?: readonly T[];
  readonly readsData?: true;
  // Method syntax on purpose (bivariant), so a projection of some types fits `Projection` lists.
  apply(tx: TxSql, events: readonly RecordedEvent<EventOf<T>>[], t: TableNames): Promise<void>;
}

/**
 * A read model that reads only the envelope (type, stream, times), never `data`: events are passed as stored,
 * skipping decryption, upcasting and validation (much faster rebuilds).
 */
export interface EnvelopeProjection extends ProjectionBase {
  readonly types?: readonly EventType[];
  readonly readsData: false;
  apply(tx: TxSql, events: readonly StoredEvent[], t: TableNames): Promise<void>;
}

export type Projection = DataProjection | EnvelopeProjection;

/** A typed projection: `types` names the events `apply` gets (a typo is a compile error). */
export const defineProjection = <const T extends EventType>(p: DataProjection<T>): DataProjection<T> => p;

const live: TableNames = (n) => n;

const consumerName = (p: Projection) => `projection:${p.name}`;

/**
 * Applies stored events to a projection: as stored for an envelope projection, else decoded — events this code
 * cannot read are quarantined, never guessed at.
 */
const applyStored = async (
  p: Projection,
  deps: { store: EventStore; log: Logger },
  tx: TxSql,
  events: StoredEvent[],
  t: TableNames,
): Promise<void> => {
  if (p.readsData === false) return p.apply(tx, events, t);
  const decoded = await decodeOrQuarantine(deps.store, tx, deps.log, consumerName(p), events);
  return p.apply(tx, relevant(p, decoded), t);
};

const relevant = <T extends EventType>(p: DataProjection<T>, events: readonly RecordedEvent[]) =>
  p.types ? eventsOf(eventSlice(p.types), events) : (events as readonly RecordedEvent<EventOf<T>>[]);

/** Runs a projection inside every append's transaction. */
export const asInline = (p: Projection): InlineProjection => ({
  name: p.name,
  apply: async (tx, events) => {
    if (p.readsData === false) {
      const mine = events.filter((e) => !p.types || p.types.includes(e.type));
      if (mine.length > 0) await p.apply(tx, mine, live);
      return;
    }
    const mine = relevant(p, events);
    if (mine.length > 0) await p.apply(tx, mine, live);
  },
});

/** Keeps a projection up to date from the event store, checkpoint stored with each batch. */
export const runProjection = (
  p: Projection,
  deps: {
    sql: Sql;
    store: EventStore;
    log: Logger;
    signal: AbortSignal;
    batchSize?: number;
    pollMs?: number;
    /** Woken on commit (default true); false: polls every `pollMs`. */
    wake?: boolean;
  },
) =>
  runPollingConsumer({
    name: consumerName(p),
    sql: deps.sql,
    store: deps.store,
    log: deps.log,
    signal: deps.signal,
    ...(p.types ? { types: p.types } : {}),
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
    ...(deps.wake === false ? { wake: false } : {}),
    handleBatch: async (tx, events) => applyStored(p, deps, tx, events, live),
  });

export interface RebuildResult {
  events: number;
  batches: number;
  ms: number;
}

export class RebuildInProgressError extends Error {
  constructor(readonly projection: string) {
    super(`A rebuild of projection ${projection} is already running`);
    this.name = 'RebuildInProgressError';
  }
}

/** A table name, possibly schema-qualified (`analytics.answer_cells`), quoted part by part for SQL text. */
const q = (name: string): string =>
  name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');

/** The schema prefix (`analytics.`) of a possibly qualified table name, or '' for the search path. */
const schemaOf = (name: string): string =>
  name.includes('.') ? `${q(name.slice(0, name.lastIndexOf('.')))}.` : '';

/**
 * Gives the shadow copy of a table what `LIKE … INCLUDING ALL` leaves out: grants, foreign keys and
 * triggers (indexes, defaults, checks, identity and comments come with LIKE).
 */
const copyTableExtras = async (tx: TxSql, table: string, shadowTable: string): Promise<void> => {
  const grants = await tx<{ grantee: string; privilege: string; grantable: boolean }[]>`
    select case when a.grantee = 0 then 'public' else a.grantee::regrole::text end as grantee,
           a.privilege_type as privilege, a.is_grantable as grantable
      from pg_class c, aclexplode(c.relacl) a
     where c.oid = ${table}::regclass and a.grantee <> c.relowner`;
  for (const g of grants) {
    const grantee = g.grantee === 'public' ? 'public' : g.grantee; // regrole text is already quoted
    await tx.unsafe(
      `grant ${g.privilege} on ${q(shadowTable)} to ${grantee}${g.grantable ? ' with grant option' : ''}`,
    );
  }
  const fks = await tx<{ name: string; def: string }[]>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
     where conrelid = ${table}::regclass and contype = 'f' order by conname`;
  for (const fk of fks) {
    await tx.unsafe(`alter table ${q(shadowTable)} add constraint "${fk.name}__rb" ${fk.def}`);
  }
  const triggers = await tx<{ def: string; qualified: string; plain: string }[]>`
    select pg_get_triggerdef(t.oid) as def, format('%I.%I', n.nspname, c.relname) as qualified,
           ${table}::regclass::text as plain
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
     where t.tgrelid = ${table}::regclass and not t.tgisinternal order by t.tgname`;
  for (const t of triggers) {
    const on = t.def.includes(` ON ${t.qualified} `) ? t.qualified : t.plain;
    await tx.unsafe(t.def.replace(` ON ${on} `, ` ON ${q(shadowTable)} `));
  }
};

const indexesOf = async (tx: TxSql, table: string) => {
  const rows = await tx<{ name: string; def: string }[]>`
    select c.relname as name, pg_get_indexdef(i.indexrelid) as def
      from pg_index i join pg_class c on c.oid = i.indexrelid
     where i.indrelid = ${table}::regclass order by c.relname`;
  // What the index is, whatever it and its table are called: uniqueness, method, columns, predicate.
  return rows.map((r) => ({
    name: r.name,
    key: (r.def.startsWith('CREATE UNIQUE') ? 'unique ' : '') + r.def.slice(r.def.indexOf(' USING ')),
  }));
};

/** After the swap: indexes (and the constraints they back) and foreign keys get their original names back. */
const restoreNames = async (
  tx: TxSql,
  table: string,
  original: { name: string; key: string }[],
): Promise<void> => {
  const free = [...original];
  for (const i of await indexesOf(tx, table)) {
    const at = free.findIndex((o) => o.key === i.key);
    if (at < 0) continue;
    const [want] = free.splice(at, 1);
    if (want!.name !== i.name)
      await tx.unsafe(`alter index ${schemaOf(table)}"${i.name}" rename to "${want!.name}"`);
  }
  const fks = await tx<{ name: string }[]>`
    select conname as name from pg_constraint
     where conrelid = ${table}::regclass and contype = 'f' and conname like '%\\_\\_rb'`;
  for (const fk of fks)
    await tx.unsafe(`alter table ${q(table)} rename constraint "${fk.name}" to "${fk.name.slice(0, -4)}"`);
};

/**
 * Replays the whole log into fresh copies of the projection's tables, then swaps them in atomically. The
 * copies keep the live tables' grants, foreign keys and triggers. One rebuild per projection at a time
 * (`RebuildInProgressError` otherwise).
 * - async projection: the final catch-up reads below the horizon and stores the checkpoint with the swap; the
 *   live runner, held at its checkpoint row meanwhile, continues from there.
 * - inline projection (`inline: true`): appends keep writing to the live tables until the final transaction
 *   locks them; once locked, every transaction that touched them has committed, so the catch-up reads every
 *   committed event, and appends still in flight write to the new tables after the swap. The tables are
 *   locked ACCESS EXCLUSIVE at once (a weaker lock upgraded at the rename could deadlock with a reader).
 */
export const rebuildProjection = async (
  p: Projection,
  deps: { sql: Sql; store: EventStore; log: Logger; batchSize?: number; inline?: boolean },
): Promise<RebuildResult> => {
  const lockConn = await deps.sql.reserve();
  try {
    const [got] = await lockConn<{ ok: boolean }[]>`
      select pg_try_advisory_lock(hashtext(${'tia:rebuild:' + p.name})) as ok`;
    if (!got!.ok) throw new RebuildInProgressError(p.name);
    try {
      return await rebuildLocked(p, deps);
    } finally {
      await lockConn`select pg_advisory_unlock(hashtext(${'tia:rebuild:' + p.name}))`;
    }
  } finally {
    lockConn.release();
  }
};

const rebuildLocked = async (
  p: Projection,
  deps: { sql: Sql; store: EventStore; log: Logger; batchSize?: number; inline?: boolean },
): Promise<RebuildResult> => {
  const started = performance.now();
  const suffix = '__rebuild';
  const shadow: TableNames = (n) => `${n}${suffix}`;
  const batchSize = deps.batchSize ?? 1000;
  const tables = [...p.tables].sort();
  await deps.sql.begin(async (tx) => {
    for (const t of tables) {
      await tx`drop table if exists ${tx(shadow(t))}`;
      await tx`create table ${tx(shadow(t))} (like ${tx(t)} including all)`;
      await copyTableExtras(tx, t, shadow(t));
    }
  });
  let at: Checkpoint = START;
  let total = 0;
  let batches = 0;
  const step = async (tx: TxSql, horizon = true) => {
    const { events, next } = await deps.store.readBatch(at, batchSize, {
      ...(p.types ? { types: p.types } : {}),
      db: tx,
      horizon,
    });
    if (events.length > 0) await applyStored(p, deps, tx, events, shadow);
    total += events.length;
    batches++;
    at = next;
    return events.length === batchSize; // a short batch means everything below the horizon was read
  };
  // Bulk of the replay, in short transactions.
  for (;;) {
    const more = await deps.sql.begin((tx) => step(tx));
    if (!more) break;
  }
  // Final catch-up and swap.
  await deps.sql.begin(async (tx) => {
    if (deps.inline) {
      await tx.unsafe(`lock table ${tables.map(q).join(', ')} in access exclusive mode`);
      while (await step(tx, false)) {
        /* catch up on everything committed */
      }
    } else {
      // The live runner's order: checkpoint row, then tables.
      await readCheckpoint(tx, consumerName(p), true); // holds the live runner
      await tx.unsafe(`lock table ${tables.map(q).join(', ')} in access exclusive mode`);
      while (await step(tx)) {
        /* catch up below the horizon */
      }
    }
    for (const t of tables) {
      const original = await indexesOf(tx, t);
      // A table may be schema-qualified (`analytics.answer_cells`): RENAME TO takes the bare name.
      const bare = t.slice(t.lastIndexOf('.') + 1);
      await tx`alter table ${tx(t)} rename to ${tx(`${bare}__old`)}`;
      await tx`alter table ${tx(shadow(t))} rename to ${tx(bare)}`;
      await tx`drop table ${tx(`${t}__old`)}`;
      await restoreNames(tx, t, original);
    }
    await tx`update consumer_checkpoints set transaction_id = ${at.transactionId}::xid8, global_position = ${at.globalPosition},
             processed = ${total}, updated_at = now() where consumer = ${consumerName(p)}`;
  });
  const ms = performance.now() - started;
  deps.log.info('projection rebuilt', { projection: p.name, events: total, batches, ms: Math.round(ms) });
  return { events: total, batches, ms };
};

export { writeCheckpoint };
