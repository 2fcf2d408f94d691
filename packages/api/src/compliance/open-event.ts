import { eventRegistry, isRedacted } from '@tia/domain';
import type { EventMetadata, StoredEvent } from '@tia/db';
import { z } from 'zod';
import { NotFound } from '../errors.js';
import type { AuthServices } from '../services.js';

export const OpenEventInput = z.object({ eventId: z.uuid().max(36) }).strict();
export type OpenEventInput = z.infer<typeof OpenEventInput>;

/** Longest text shown for one field's value; longer values are cut (and said to be). */
const MAX_VALUE_CHARS = 4000;

export interface OpenedField {
  name: string;
  /** Declared as personal data by the event's definition (encrypted at rest with the subject's key). */
  personal: boolean;
  /** True when the key that sealed it is destroyed (the subject was erased): the value is gone for good. */
  redacted: boolean;
  /** The value as JSON text (decrypted for personal fields), null when redacted. */
  value: string | null;
  truncated: boolean;
}

export interface OpenedEvent {
  globalPosition: number;
  eventId: string;
  type: string;
  /** The version stored; `fields` are shown upcast to the current version. */
  schemaVersion: number;
  currentSchemaVersion: number;
  streamId: string;
  streamVersion: number;
  transactionId: string;
  recordedAt: string;
  occurredAt: string | null;
  actor: { kind: string; id: string } | null;
  correlationId: string | null;
  causationId: string | null;
  /** Other metadata keys (names only). */
  otherMetadata: string[];
  /** Its link in the hash chain, or null when the sealer has not reached it yet. */
  chain: { seq: number; prevHash: string; hash: string; sealedAt: string } | null;
  fields: OpenedField[];
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
  seq: string | null;
  prev_hash: Buffer | null;
  hash: Buffer | null;
  sealed_at: Date | null;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * One event in full for a compliance officer: where it sits in the log, its chain link, its metadata and its
 * fields — personal ones decrypted with the subject's key while it exists, shown as redacted once erased.
 * Unknown id → NotFound. Recording the view is the caller's job (the router does it).
 */
export const openEvent = async (a: AuthServices, input: OpenEventInput): Promise<OpenedEvent> => {
  const [r] = await a.sql<Row[]>`
    select e.global_position, e.transaction_id::text, e.stream_id, e.stream_version, e.event_id, e.type,
           e.schema_version, e.data, e.metadata, e.recorded_at, c.seq, c.prev_hash, c.hash, c.sealed_at
      from events e left join event_chain c on c.global_position = e.global_position
     where e.event_id = ${input.eventId}`;
  if (!r) throw new NotFound('No event has this id.');
  const stored: StoredEvent = {
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
  };
  const [decoded] = await a.store.decode([stored], a.sql);
  const def = eventRegistry.get(r.type);
  const data = decoded!.data as Record<string, unknown>;
  const fields = Object.keys(data)
    .sort()
    .map((name): OpenedField => {
      const v = data[name];
      const personal = def.pii.includes(name);
      if (isRedacted(v)) return { name, personal, redacted: true, value: null, truncated: false };
      const json = JSON.stringify(v) ?? 'null';
      return {
        name,
        personal,
        redacted: false,
        value: json.slice(0, MAX_VALUE_CHARS),
        truncated: json.length > MAX_VALUE_CHARS,
      };
    });
  const m = r.metadata;
  const actor =
    typeof m.actor === 'object' && m.actor !== null && typeof m.actor.id === 'string'
      ? { kind: String(m.actor.kind), id: m.actor.id }
      : null;
  const known = new Set(['occurredAt', 'actor', 'correlationId', 'causationId']);
  return {
    globalPosition: stored.globalPosition,
    eventId: r.event_id,
    type: r.type,
    schemaVersion: r.schema_version,
    currentSchemaVersion: def.versions.length,
    streamId: r.stream_id,
    streamVersion: stored.streamVersion,
    transactionId: r.transaction_id,
    recordedAt: r.recorded_at.toISOString(),
    occurredAt: text(m.occurredAt),
    actor,
    correlationId: text(m.correlationId),
    causationId: text(m.causationId),
    otherMetadata: Object.keys(m)
      .filter((k) => !known.has(k))
      .sort(),
    chain:
      r.seq !== null && r.prev_hash && r.hash && r.sealed_at
        ? {
            seq: Number(r.seq),
            prevHash: r.prev_hash.toString('hex'),
            hash: r.hash.toString('hex'),
            sealedAt: r.sealed_at.toISOString(),
          }
        : null,
    fields,
  };
};
