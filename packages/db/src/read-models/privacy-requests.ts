import type { retention } from '@tia/domain';
import type { Projection } from '../projections.js';
import type { Queryable } from '../sql.js';

type Fields = Readonly<
  Record<
    'requestId' | 'subjectId' | 'kind' | 'receivedAt' | 'dueAt' | 'completedAt' | 'refusedAt' | 'reason',
    string
  > & { handledBy: { kind: 'system' } | { kind: 'staff'; staffId: string } }
>;

const handler = (h: Fields['handledBy']) => (h.kind === 'staff' ? h.staffId : 'system');

/**
 * Every privacy request (a right exercised), its due date and outcome: the compliance queue
 * (`/compliance/requests`) and the person's own list. Kept inline so a request shows the moment it is made.
 * A request stays after the person's erasure: it is the record that the right was answered, and holds ids
 * and times only.
 */
export const privacyRequestsProjection: Projection = {
  name: 'privacy-requests',
  tables: ['rm_privacy_requests'],
  types: [
    'PrivacyRequestReceived',
    'PrivacyRequestCompleted',
    'PrivacyRequestRefused',
    'PrivacyRequestRecordExpired',
  ],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_privacy_requests'));
    for (const e of events) {
      const d = e.data as Fields; // validated event data
      if (e.type === 'PrivacyRequestReceived') {
        await tx`insert into ${table} (request_id, subject_id, kind, status, received_at, due_at)
                 values (${d.requestId}, ${d.subjectId}, ${d.kind}, 'received', ${d.receivedAt}, ${d.dueAt})
                 on conflict (request_id) do nothing`;
      } else if (e.type === 'PrivacyRequestCompleted') {
        await tx`update ${table} set status = 'completed', closed_at = ${d.completedAt},
                   handled_by = ${handler(d.handledBy)}
                 where request_id = ${d.requestId}`;
      } else if (e.type === 'PrivacyRequestRefused') {
        await tx`update ${table} set status = 'refused', closed_at = ${d.refusedAt},
                   handled_by = ${handler(d.handledBy)}, refusal = ${d.reason}
                 where request_id = ${d.requestId}`;
      } else if (e.type === 'PrivacyRequestRecordExpired') {
        // The end of the record's retention period (P18): it leaves the queue and the person's list.
        await tx`delete from ${table} where request_id = ${d.requestId}`;
      }
    }
  },
};

/** Records of closed requests past their retention period (closed longest ago first), at most `limit`. */
export const expiredRequestRecords = async (
  db: Queryable,
  c: retention.RetentionCutoffs,
  limit: number,
): Promise<{ requestId: string; subjectId: string; closedAt: string }[]> => {
  const rows = await db<{ request_id: string; subject_id: string; closed_at: Date }[]>`
    select request_id, subject_id, closed_at from rm_privacy_requests
     where status <> 'received' and closed_at < ${c.requestClosedBefore}
     order by closed_at, request_id limit ${limit}`;
  return rows.map((r) => ({
    requestId: r.request_id,
    subjectId: r.subject_id,
    closedAt: r.closed_at.toISOString(),
  }));
};
