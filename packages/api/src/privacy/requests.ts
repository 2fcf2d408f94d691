/**
 * Privacy requests (issue 10): every right a person exercises is recorded as a request with a due date
 * (received + 1 calendar month) that compliance tracks at `/compliance/requests`.
 *
 * Use from any use case, inside its transaction:
 *   const requestId = await recordPrivacyRequest(a, tx, { subjectId, kind: 'erasure', actor, now });
 *   …carry the right out…
 *   await closePrivacyRequest(a, tx, { requestId, subjectId, outcome: 'completed', actor, now });
 * (`actor` is the metadata actor: the person, or the officer/system acting.) A right carried out at once
 * records both in the same transaction; one that needs a person (a complaint) stays open until an officer
 * marks it handled.
 */
import { z } from 'zod';
import type { Queryable, TxSql } from '@tia/db';
import {
  PRIVACY_REQUEST_KINDS,
  privacyRequests,
  REFUSAL_REASONS,
  type PrivacyRequestKind,
} from '@tia/domain';
import type { AuthServices } from '../services.js';
import { Conflict, NotFound } from '../errors.js';

export interface RequestActor {
  kind: 'user' | 'staff' | 'system';
  id: string;
  /** The HTTP request id (correlation). */
  requestId?: string;
}

const metadataOf = (actor: RequestActor, now: string) => ({
  occurredAt: now,
  actor: { kind: actor.kind, id: actor.id },
  ...(actor.requestId ? { correlationId: actor.requestId } : {}),
});

/** Records that a right was exercised; returns the new request's id. */
export const recordPrivacyRequest = async (
  a: Pick<AuthServices, 'store' | 'inline' | 'newId'>,
  tx: TxSql,
  r: { subjectId: string; kind: PrivacyRequestKind; actor: RequestActor; now: string; requestId?: string },
): Promise<string> => {
  const requestId = r.requestId ?? a.newId();
  await a.store.append(
    privacyRequests.requestStream(requestId),
    0,
    [
      {
        eventId: a.newId(),
        type: 'PrivacyRequestReceived',
        data: {
          requestId,
          subjectId: r.subjectId,
          kind: r.kind,
          receivedAt: r.now,
          dueAt: privacyRequests.dueDate(r.now),
        },
        metadata: metadataOf(r.actor, r.now),
      },
    ],
    { tx, inline: a.inline },
  );
  return requestId;
};

/** Closes a request: carried out, or refused for one of the fixed reasons. */
export const closePrivacyRequest = async (
  a: Pick<AuthServices, 'store' | 'inline' | 'newId'>,
  tx: TxSql,
  r: {
    requestId: string;
    subjectId: string;
    outcome: 'completed' | 'refused';
    reason?: (typeof REFUSAL_REASONS)[number];
    actor: RequestActor;
    now: string;
  },
): Promise<void> => {
  const handledBy =
    r.actor.kind === 'staff' ? { kind: 'staff' as const, staffId: r.actor.id } : { kind: 'system' as const };
  await a.store.append(
    privacyRequests.requestStream(r.requestId),
    1,
    [
      r.outcome === 'completed'
        ? {
            eventId: a.newId(),
            type: 'PrivacyRequestCompleted',
            data: { requestId: r.requestId, subjectId: r.subjectId, handledBy, completedAt: r.now },
            metadata: metadataOf(r.actor, r.now),
          }
        : {
            eventId: a.newId(),
            type: 'PrivacyRequestRefused',
            data: {
              requestId: r.requestId,
              subjectId: r.subjectId,
              reason: r.reason ?? 'not_applicable',
              handledBy,
              refusedAt: r.now,
            },
            metadata: metadataOf(r.actor, r.now),
          },
    ],
    { tx, inline: a.inline },
  );
};

/** A right carried out at once: the request received and completed in the caller's transaction. */
export const recordCompletedRequest = async (
  a: Pick<AuthServices, 'store' | 'inline' | 'newId'>,
  tx: TxSql,
  r: { subjectId: string; kind: PrivacyRequestKind; actor: RequestActor; now: string },
): Promise<string> => {
  const requestId = await recordPrivacyRequest(a, tx, r);
  await closePrivacyRequest(a, tx, {
    requestId,
    subjectId: r.subjectId,
    outcome: 'completed',
    actor: r.actor,
    now: r.now,
  });
  return requestId;
};

// ---------------------------------------------------------------------------------------------------------
// Reading: the compliance queue and the person's own list
// ---------------------------------------------------------------------------------------------------------

export interface PrivacyRequestView {
  requestId: string;
  subjectId: string;
  kind: PrivacyRequestKind;
  kindLabel: string;
  status: 'received' | 'completed' | 'refused';
  receivedAt: string;
  dueAt: string;
  closedAt: string | null;
  handledBy: string | null;
  refusal: string | null;
  /** Still open after its due date. */
  overdue: boolean;
}

interface Row {
  request_id: string;
  subject_id: string;
  kind: PrivacyRequestKind;
  status: PrivacyRequestView['status'];
  received_at: Date;
  due_at: Date;
  closed_at: Date | null;
  handled_by: string | null;
  refusal: string | null;
}

const toView = (r: Row, now: Date): PrivacyRequestView => ({
  requestId: r.request_id,
  subjectId: r.subject_id,
  kind: r.kind,
  kindLabel: privacyRequests.KIND_LABELS[r.kind],
  status: r.status,
  receivedAt: r.received_at.toISOString(),
  dueAt: r.due_at.toISOString(),
  closedAt: r.closed_at ? r.closed_at.toISOString() : null,
  handledBy: r.handled_by,
  refusal: r.refusal,
  overdue: r.status === 'received' && r.due_at.getTime() < now.getTime(),
});

export const RequestQueueInput = z.object({
  status: z.enum(['open', 'closed', 'all']).default('open'),
  kind: z.enum(PRIVACY_REQUEST_KINDS).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

/** The compliance queue: open requests by due date (most urgent first), or closed ones newest first. */
export const requestQueue = async (
  db: Queryable,
  now: Date,
  raw: z.input<typeof RequestQueueInput>,
): Promise<PrivacyRequestView[]> => {
  const q = RequestQueueInput.parse(raw);
  const rows = await db<Row[]>`
    select request_id, subject_id, kind, status, received_at, due_at, closed_at, handled_by, refusal
      from rm_privacy_requests
     where true
       ${q.status === 'open' ? db`and status = 'received'` : q.status === 'closed' ? db`and status <> 'received'` : db``}
       ${q.kind ? db`and kind = ${q.kind}` : db``}
     order by ${q.status === 'open' ? db`due_at asc` : db`received_at desc`}, request_id
     limit ${q.limit}`;
  return rows.map((r) => toView(r, now));
};

/** One person's own requests, newest first. */
export const requestsOf = async (db: Queryable, subjectId: string, now: Date) => {
  const rows = await db<Row[]>`
    select request_id, subject_id, kind, status, received_at, due_at, closed_at, handled_by, refusal
      from rm_privacy_requests where subject_id = ${subjectId}
     order by received_at desc, request_id limit 500`;
  return rows.map((r) => toView(r, now));
};

export const HandleRequestInput = z.object({
  requestId: z.string().min(1).max(200),
  outcome: z.enum(['completed', 'refused']),
  reason: z.enum(REFUSAL_REASONS).optional(),
});

/** A compliance officer marks an open request handled (carried out) or refused: an event, with them as actor. */
export const handleRequest = async (
  a: AuthServices,
  officer: { userId: string; requestId: string },
  raw: z.input<typeof HandleRequestInput>,
): Promise<PrivacyRequestView> => {
  const input = HandleRequestInput.parse(raw);
  return a.sql.begin(async (tx) => {
    const rows = await tx<Row[]>`
      select request_id, subject_id, kind, status, received_at, due_at, closed_at, handled_by, refusal
        from rm_privacy_requests where request_id = ${input.requestId} for update`;
    const row = rows[0];
    if (!row) throw new NotFound('No such request.');
    if (row.status !== 'received') throw new Conflict('This request was already closed.');
    // A report of a minor is decided by confirm (erasure) or dismiss, never closed without carrying it out.
    if (row.kind === 'minor_report')
      throw new Conflict('Decide a report of a minor with "confirm and erase" or "dismiss".');
    const now = a.clock().toISOString();
    await closePrivacyRequest(a, tx, {
      requestId: row.request_id,
      subjectId: row.subject_id,
      outcome: input.outcome,
      ...(input.outcome === 'refused' ? { reason: input.reason ?? 'not_applicable' } : {}),
      actor: { kind: 'staff', id: officer.userId, requestId: officer.requestId },
      now,
    });
    const after = await tx<Row[]>`
      select request_id, subject_id, kind, status, received_at, due_at, closed_at, handled_by, refusal
        from rm_privacy_requests where request_id = ${input.requestId}`;
    return toView(after[0]!, a.clock());
  });
};
