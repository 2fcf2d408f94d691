import { eventRegistry } from '@tia/domain';
import type { Queryable } from '@tia/db';
import { z } from 'zod';

const EVENT_TYPES = eventRegistry.types() as [string, ...string[]];

/** The fixed filters a compliance officer can browse the event log with (all optional, combined with AND). */
export const TrailFilter = z
  .object({
    /** Events of one data subject: their own stream (`user-<id>`) or naming them as `userId`. */
    subjectId: z.string().trim().min(1).max(200).optional(),
    type: z.enum(EVENT_TYPES).optional(),
    /** Streams whose id starts with this text (letters, digits, `-`, `_`, `:` and `.` only). */
    streamPrefix: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits, -, _, : and . only')
      .optional(),
    correlationId: z.string().trim().min(1).max(200).optional(),
    /** Recorded at or after this time. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Recorded at or before this time, to the millisecond (times are shown to the millisecond). */
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || Date.parse(f.from) <= Date.parse(f.to), {
    message: 'the start of the time range must not be after its end',
    path: ['from'],
  });
export type TrailFilter = z.infer<typeof TrailFilter>;

export const TrailPage = z
  .object({
    filter: TrailFilter.default({}),
    /** Global position of the last event of the previous page (events strictly older are returned). */
    cursor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(100).default(50),
    /** Sent by tRPC's infinite queries; only newest-first paging exists, so it is accepted and ignored. */
    direction: z.enum(['forward', 'backward']).optional(),
  })
  .strict();
export type TrailPage = z.infer<typeof TrailPage>;

export interface TrailEvent {
  globalPosition: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  streamId: string;
  streamVersion: number;
  recordedAt: string;
  occurredAt: string | null;
  actor: { kind: string; id: string } | null;
  correlationId: string | null;
  /** Names of the fields the event carries; values are never shown here. */
  fields: { name: string; personal: boolean }[];
}

interface Row {
  global_position: string;
  event_id: string;
  type: string;
  schema_version: number;
  stream_id: string;
  stream_version: string;
  recorded_at: Date;
  metadata: Record<string, unknown>;
  fields: string[];
}

const likePrefix = (p: string) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const actorOf = (m: Record<string, unknown>): TrailEvent['actor'] => {
  const a = m.actor;
  if (typeof a !== 'object' || a === null) return null;
  const { kind, id } = a as Record<string, unknown>;
  return typeof kind === 'string' && typeof id === 'string' ? { kind, id } : null;
};

/**
 * One page of the event log, newest first: walks the primary key (`global_position`) backwards from the
 * cursor, or an index that leads with the filter (`(type, global_position)`; the correlation id's and the
 * subject's expression indexes of migration 0017); the other filters are checked on the rows met on the way. Returns metadata and field names only, never the (encrypted) personal values.
 */
export const browseTrail = async (
  db: Queryable,
  page: TrailPage,
): Promise<{ events: TrailEvent[]; nextCursor: number | null }> => {
  const f = page.filter;
  const cursor = page.cursor ?? Number.MAX_SAFE_INTEGER;
  const limit = page.limit + 1;
  // The filters other than the subject, as a fresh fragment each time it is used.
  const rest = () => db`
       ${f.type ? db`and type = ${f.type}` : db``}
       ${f.streamPrefix ? db`and stream_id like ${likePrefix(f.streamPrefix)}` : db``}
       ${f.correlationId ? db`and metadata->>'correlationId' = ${f.correlationId}` : db``}
       ${f.from ? db`and recorded_at >= ${new Date(f.from)}` : db``}
       ${f.to ? db`and recorded_at < ${new Date(Date.parse(f.to) + 1)}` : db``}`;
  // A subject's events are their own stream plus events elsewhere naming them as `userId`: two index walks,
  // each newest first and cut at the page size, merged. The stream's walks its unique (stream_id,
  // stream_version) index (within a stream, version order is position order: appends are serialised per
  // stream); the other `events_data_user_id` (migration 0017).
  // (One `or` let the planner walk the primary key and filter: ~1 s at 1M events for a rare subject.)
  const source = f.subjectId
    ? db`(
        (select * from events
          where global_position < ${cursor} and stream_id = ${`user-${f.subjectId}`} ${rest()}
          order by stream_version desc limit ${limit})
        union all
        (select * from events
          where global_position < ${cursor} and data->>'userId' = ${f.subjectId}
            and stream_id <> ${`user-${f.subjectId}`} ${rest()}
          order by global_position desc limit ${limit})
      ) as e where true`
    : db`events as e where global_position < ${cursor} ${rest()}`;
  const rows = await db<Row[]>`
    select global_position, event_id, type, schema_version, stream_id, stream_version, recorded_at, metadata,
           array(select jsonb_object_keys(data)) as fields
      from ${source}
     order by global_position desc
     limit ${limit}`;
  const more = rows.length > page.limit;
  const events = rows.slice(0, page.limit).map((r): TrailEvent => {
    const m = r.metadata;
    const personal = eventRegistry.has(r.type) ? eventRegistry.get(r.type).pii : [];
    return {
      globalPosition: Number(r.global_position),
      eventId: r.event_id,
      type: r.type,
      schemaVersion: r.schema_version,
      streamId: r.stream_id,
      streamVersion: Number(r.stream_version),
      recordedAt: r.recorded_at.toISOString(),
      occurredAt: typeof m.occurredAt === 'string' ? m.occurredAt : null,
      actor: actorOf(m),
      correlationId: typeof m.correlationId === 'string' ? m.correlationId : null,
      fields: [...r.fields].sort().map((name) => ({ name, personal: personal.includes(name) })),
    };
  });
  return { events, nextCursor: more ? events[events.length - 1]!.globalPosition : null };
};
