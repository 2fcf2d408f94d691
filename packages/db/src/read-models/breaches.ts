import { defineProjection } from '../projections.js';

const DEADLINE_MS = 72 * 3600_000;

/**
 * Breach response (P36): one row per incident with its 72-hour deadline, latest assessment and report, a
 * timeline of steps, the affected people with their notice time, and the accounts suspended to contain it.
 * Typed: each case reads `e.data` as its event's current schema (a renamed field is a compile error).
 */
export const breachesProjection = defineProjection({
  name: 'breaches',
  tables: ['rm_breaches', 'rm_breach_steps', 'rm_breach_affected', 'rm_account_suspensions'],
  types: [
    'BreachRegistered',
    'BreachContained',
    'BreachAffectedAssessed',
    'BreachNoticeWorded',
    'BreachNoticeSent',
    'BreachAuthorityReported',
    'BreachRemediationNoted',
    'BreachClosed',
    'AccountSuspended',
    'AccountSuspensionLifted',
    'SubjectErased',
  ],
  apply: async (tx, events, t) => {
    const breaches = tx(t('rm_breaches'));
    const steps = tx(t('rm_breach_steps'));
    const affected = tx(t('rm_breach_affected'));
    const suspensions = tx(t('rm_account_suspensions'));
    /** One line of a breach's timeline (and the breach row's version moves to this event's). */
    const step = async (
      breachId: string,
      version: number,
      kind: string,
      actor: string,
      at: string,
      detail: Parameters<typeof tx.json>[0],
    ) => {
      await tx`insert into ${steps} (breach_id, seq, kind, detail, actor, at)
               values (${breachId}, ${version}, ${kind}, ${tx.json(detail)}, ${actor}, ${at})
               on conflict do nothing`;
      await tx`update ${breaches} set version = ${version} where breach_id = ${breachId}`;
    };
    for (const e of events) {
      const v = e.streamVersion;
      switch (e.type) {
        case 'BreachRegistered': {
          const d = e.data;
          await tx`insert into ${breaches} (breach_id, title, description, aware_at, deadline_at, registered_by,
                     registered_at, status, version)
                   values (${d.breachId}, ${d.title}, ${d.description}, ${d.awareAt},
                     ${new Date(Date.parse(d.awareAt) + DEADLINE_MS)}, ${d.registeredBy},
                     ${d.registeredAt}, 'open', ${v})`;
          await step(d.breachId, v, 'registered', d.registeredBy, d.registeredAt, { awareAt: d.awareAt });
          break;
        }
        case 'BreachContained': {
          const d = e.data;
          await step(d.breachId, v, 'containment', d.takenBy, d.takenAt, {
            action: d.action,
            userId: d.userId,
            sessionsEnded: d.sessionsEnded,
          });
          break;
        }
        case 'BreachAffectedAssessed': {
          const d = e.data;
          const ids = d.subjectIds;
          await tx`delete from ${affected} where breach_id = ${d.breachId} and notified_at is null`;
          if (ids.length > 0)
            await tx`insert into ${affected} (breach_id, user_id)
                     select ${d.breachId}, unnest(${ids}::text[]) on conflict do nothing`;
          await tx`update ${breaches} set window_from = ${d.windowFrom}, window_to = ${d.windowTo},
                     category = ${d.category}, affected_count = ${ids.length}, records_count = ${d.records}
                   where breach_id = ${d.breachId}`;
          await step(d.breachId, v, 'assessed', d.assessedBy, d.assessedAt, {
            windowFrom: d.windowFrom,
            windowTo: d.windowTo,
            category: d.category,
            subjects: ids.length,
            records: d.records,
          });
          break;
        }
        case 'BreachNoticeWorded': {
          const { breachId, wordedBy, wordedAt, ...wording } = e.data;
          await tx`update ${breaches} set notice = ${tx.json(wording)} where breach_id = ${breachId}`;
          await step(breachId, v, 'worded', wordedBy, wordedAt, { noticeVersion: wording.noticeVersion });
          break;
        }
        case 'BreachNoticeSent': {
          const d = e.data;
          await tx`update ${affected} set notified_at = ${d.sentAt}
                   where breach_id = ${d.breachId} and user_id = ${d.userId}`;
          await tx`update ${breaches} set notified_count = notified_count + 1 where breach_id = ${d.breachId}`;
          await step(d.breachId, v, 'notice', d.sentBy, d.sentAt, { userId: d.userId });
          break;
        }
        case 'BreachAuthorityReported': {
          const { breachId, reportedBy, reportedAt, ...report } = e.data;
          await tx`update ${breaches} set authority_report = ${tx.json(report)}, reported_at = ${reportedAt}
                   where breach_id = ${breachId}`;
          await step(breachId, v, 'reported', reportedBy, reportedAt, {});
          break;
        }
        case 'BreachRemediationNoted': {
          const d = e.data;
          await step(d.breachId, v, 'remediation', d.notedBy, d.notedAt, { note: d.note });
          break;
        }
        case 'BreachClosed': {
          const d = e.data;
          await tx`update ${breaches} set status = 'closed', closed_at = ${d.closedAt}, closed_by = ${d.closedBy},
                     summary = ${d.summary}, not_reported_reason = ${d.notReportedReason}
                   where breach_id = ${d.breachId}`;
          await step(d.breachId, v, 'closed', d.closedBy, d.closedAt, {});
          break;
        }
        case 'AccountSuspended': {
          const d = e.data;
          await tx`insert into ${suspensions} (user_id, breach_id, suspended_by, suspended_at)
                   values (${d.userId}, ${d.breachId}, ${d.suspendedBy}, ${d.suspendedAt})
                   on conflict (user_id) do update set breach_id = excluded.breach_id,
                     suspended_by = excluded.suspended_by, suspended_at = excluded.suspended_at`;
          break;
        }
        case 'AccountSuspensionLifted':
          await tx`delete from ${suspensions} where user_id = ${e.data.userId}`;
          break;
        case 'SubjectErased':
          await tx`delete from ${suspensions} where user_id = ${e.data.subjectId}`;
          break;
      }
    }
  },
});
