/**
 * The application's own digest of a sealed event, computed from the stored columns (never with the
 * database's `tia_row_digest`): a domain tag, then every column as a 4-byte big-endian length followed by
 * its UTF-8 bytes, so no two different rows can encode to the same bytes. `data`/`metadata` are taken as
 * PostgreSQL renders the stored jsonb (keys ordered, numbers exactly as stored); `recorded_at` as whole
 * microseconds since the epoch. Personal fields are ciphertext, so crypto-shredding never changes a digest.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../sql.js';
import { leafHash, type Hash } from './merkle.js';

const TAG = 'tia-event/v1';

export interface StoredEventColumns {
  globalPosition: string;
  transactionId: string;
  eventId: string;
  streamId: string;
  streamVersion: string;
  type: string;
  schemaVersion: string;
  recordedAtMicros: string;
  data: string;
  metadata: string;
}

const field = (h: ReturnType<typeof createHash>, s: string) => {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  h.update(len).update(b);
};

/** SHA-256 over the unambiguous encoding of one stored event. */
export const storedEventDigest = (e: StoredEventColumns): Hash => {
  const h = createHash('sha256');
  field(h, TAG);
  for (const v of [
    e.globalPosition,
    e.transactionId,
    e.eventId,
    e.streamId,
    e.streamVersion,
    e.type,
    e.schemaVersion,
    e.recordedAtMicros,
    e.data,
    e.metadata,
  ])
    field(h, v);
  return h.digest();
};

/** One entry of the sealed chain as the audit log sees it; `event` is null when the row is gone. */
export interface SealedEntry {
  seq: number;
  globalPosition: number;
  event: StoredEventColumns | null;
  /** H(0x00 ‖ storedEventDigest), or null when the row is gone. */
  leaf: Hash | null;
}

interface Row {
  seq: string;
  chain_position: string;
  global_position: string | null;
  transaction_id: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  type: string;
  schema_version: string;
  recorded_us: string;
  data: string;
  metadata: string;
}

/** Sealed entries with seq in (afterSeq, afterSeq + limit], in sequence order. */
export const readSealed = async (db: Queryable, afterSeq: number, limit = 5000): Promise<SealedEntry[]> => {
  const rows = await db<Row[]>`
    select c.seq::text as seq, c.global_position::text as chain_position, e.global_position::text as global_position,
           e.transaction_id::text as transaction_id, e.event_id::text as event_id, e.stream_id,
           e.stream_version::text as stream_version, e.type, e.schema_version::text as schema_version,
           (extract(epoch from e.recorded_at) * 1000000)::bigint::text as recorded_us,
           e.data::text as data, e.metadata::text as metadata
      from event_chain c left join events e on e.global_position = c.global_position
     where c.seq > ${afterSeq} and c.seq <= ${afterSeq + limit}
     order by c.seq`;
  return rows.map((r) => {
    const event: StoredEventColumns | null =
      r.global_position === null
        ? null
        : {
            globalPosition: r.global_position,
            transactionId: r.transaction_id,
            eventId: r.event_id,
            streamId: r.stream_id,
            streamVersion: r.stream_version,
            type: r.type,
            schemaVersion: r.schema_version,
            recordedAtMicros: r.recorded_us,
            data: r.data,
            metadata: r.metadata,
          };
    return {
      seq: Number(r.seq),
      globalPosition: Number(r.chain_position),
      event,
      leaf: event ? leafHash(storedEventDigest(event)) : null,
    };
  });
};
