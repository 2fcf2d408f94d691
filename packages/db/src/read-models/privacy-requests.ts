import type { Projection } from '../projections.js';

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
  types: ['PrivacyRequestReceived', 'PrivacyRequestCompleted', 'PrivacyRequestRefused'],
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
      }
    }
  },
};
