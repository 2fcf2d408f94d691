import { csvCell } from '@tia/domain/csv';
import type { Queryable } from '@tia/db';
import { z } from 'zod';
import { browseTrail, TrailFilter, type TrailEvent } from './trail.js';
import type { LogVerification } from './verify.js';

/** An auditor's export of the trail: the same fixed filters as browsing, in JSON or CSV, up to 10 000 events. */
export const ExportInput = z
  .object({
    filter: TrailFilter.default({}),
    format: z.enum(['json', 'csv']),
    limit: z.number().int().min(1).max(10_000).default(10_000),
  })
  .strict();
export type ExportInput = z.infer<typeof ExportInput>;

export type ExportedEvent = TrailEvent & {
  /** Position in the sealed log (null: not sealed yet). */
  sealedSeq: number | null;
  /** Hex SHA-256 chain hash of the sealed entry. */
  chainHash: string | null;
  /** Covered by the checkpoint the export was verified against. */
  inCheckpoint: boolean;
};

const CSV_COLUMNS = [
  'globalPosition',
  'eventId',
  'type',
  'schemaVersion',
  'streamId',
  'streamVersion',
  'recordedAt',
  'occurredAt',
  'actorKind',
  'actorId',
  'correlationId',
  'fields',
  'sealedSeq',
  'chainHash',
  'inCheckpoint',
] as const;

export const toCsv = (events: readonly ExportedEvent[], header: string[]): string =>
  [
    ...header.map((h) => `# ${h}`),
    CSV_COLUMNS.join(','),
    ...events.map((e) =>
      [
        e.globalPosition,
        e.eventId,
        e.type,
        e.schemaVersion,
        e.streamId,
        e.streamVersion,
        e.recordedAt,
        e.occurredAt,
        e.actor?.kind ?? null,
        e.actor?.id ?? null,
        e.correlationId,
        e.fields.map((f) => (f.personal ? `${f.name}*` : f.name)).join(' '),
        e.sealedSeq,
        e.chainHash,
        e.inCheckpoint,
      ]
        .map(csvCell)
        .join(','),
    ),
  ].join('\r\n') + '\r\n';

/**
 * The filtered events (metadata and field names, never personal values), each with its place in the sealed
 * log, and the verification it was checked against. The caller verified the log first.
 */
export const exportTrail = async (
  db: Queryable,
  input: ExportInput,
  verification: LogVerification,
  exportedAt: string,
) => {
  const events: TrailEvent[] = [];
  let cursor: number | undefined;
  while (events.length < input.limit) {
    const page = await browseTrail(db, {
      filter: input.filter,
      limit: Math.min(100, input.limit - events.length),
      ...(cursor ? { cursor } : {}),
    });
    events.push(...page.events);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  const positions = events.map((e) => e.globalPosition);
  const chain = await db<{ global_position: string; seq: string; hash: string }[]>`
    select global_position::text, seq::text, encode(hash, 'hex') as hash from event_chain
     where global_position = any(${positions}::bigint[])`;
  const byPos = new Map(chain.map((c) => [Number(c.global_position), c]));
  const treeSize = verification.status === 'intact' ? verification.treeSize : 0;
  const rows: ExportedEvent[] = events.map((e) => {
    const c = byPos.get(e.globalPosition);
    const seq = c ? Number(c.seq) : null;
    // Leaves are numbered from 1 in the chain; a checkpoint of size n covers seq 1..n.
    return {
      ...e,
      sealedSeq: seq,
      chainHash: c?.hash ?? null,
      inCheckpoint: seq !== null && seq <= treeSize,
    };
  });
  const header = {
    exportedAt,
    filter: input.filter,
    verification,
    count: rows.length,
    truncated: rows.length >= input.limit,
  };
  const stamp = exportedAt.replace(/[:.]/g, '-');
  if (input.format === 'json')
    return {
      filename: `audit-trail-${stamp}.json`,
      contentType: 'application/json',
      body: JSON.stringify({ ...header, events: rows }, null, 2),
      count: rows.length,
    };
  return {
    filename: `audit-trail-${stamp}.csv`,
    contentType: 'text/csv',
    body: toCsv(rows, [
      `TrueInterviewAI audit trail export, ${exportedAt}`,
      `filter: ${JSON.stringify(input.filter)}`,
      `verification: ${JSON.stringify(verification)}`,
      `events: ${rows.length}${header.truncated ? ' (limit reached)' : ''}; personal fields are marked * and never exported`,
    ]),
    count: rows.length,
  };
};
