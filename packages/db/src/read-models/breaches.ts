import type { Projection } from '../projections.js';

const DEADLINE_MS = 72 * 3600_000;

/**
 * Breach response (P36): one row per incident with its 72-hour deadline, latest assessment and report, a
 * timeline of steps, the affected people with their notice time, and the accounts suspended to contain it.
 */
export const breachesProjection: Projection = {
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
    for (const e of events) {
      // Read loosely (the old Projection style): the breach events share most fields. Typed cases: issue 9 follow-up.
      const d: Record<string, unknown> = e.data;
      const breachId = d.breachId as string;
      const step = async (kind: string, actor: string, at: string, detail: Record<string, unknown>) => {
        await tx`insert into ${steps} (breach_id, seq, kind, detail, actor, at)
                 values (${breachId}, ${e.streamVersion}, ${kind}, ${tx.json(detail as Parameters<typeof tx.json>[0])}, ${actor}, ${at})
                 on conflict do nothing`;
        await tx`update ${breaches} set version = ${e.streamVersion} where breach_id = ${breachId}`;
      };
      switch (e.type) {
        case 'BreachRegistered': {
          const aware = d.awareAt as string;
          await tx`insert into ${breaches} (breach_id, title, description, aware_at, deadline_at, registered_by,
                     registered_at, status, version)
                   values (${breachId}, ${d.title as string}, ${d.description as string}, ${aware},
                     ${new Date(Date.parse(aware) + DEADLINE_MS)}, ${d.registeredBy as string},
                     ${d.registeredAt as string}, 'open', ${e.streamVersion})`;
          await step('registered', d.registeredBy as string, d.registeredAt as string, { awareAt: aware });
          break;
        }
        case 'BreachContained':
          await step('containment', d.takenBy as string, d.takenAt as string, {
            action: d.action,
            userId: d.userId,
            sessionsEnded: d.sessionsEnded,
          });
          break;
        case 'BreachAffectedAssessed': {
          const ids = d.subjectIds as string[];
          await tx`delete from ${affected} where breach_id = ${breachId} and notified_at is null`;
          if (ids.length > 0)
            await tx`insert into ${affected} (breach_id, user_id)
                     select ${breachId}, unnest(${ids}::text[]) on conflict do nothing`;
          await tx`update ${breaches} set window_from = ${d.windowFrom as string}, window_to = ${d.windowTo as string},
                     category = ${d.category as string}, affected_count = ${ids.length},
                     records_count = ${d.records as number}
                   where breach_id = ${breachId}`;
          await step('assessed', d.assessedBy as string, d.assessedAt as string, {
            windowFrom: d.windowFrom,
            windowTo: d.windowTo,
            category: d.category,
            subjects: ids.length,
            records: d.records,
          });
          break;
        }
        case 'BreachNoticeWorded': {
          const { breachId: _b, wordedBy, wordedAt, ...wording } = d;
          await tx`update ${breaches} set notice = ${tx.json(wording as Parameters<typeof tx.json>[0])}
                   where breach_id = ${breachId}`;
          await step('worded', wordedBy as string, wordedAt as string, { noticeVersion: d.noticeVersion });
          break;
        }
        case 'BreachNoticeSent':
          await tx`update ${affected} set notified_at = ${d.sentAt as string}
                   where breach_id = ${breachId} and user_id = ${d.userId as string}`;
          await tx`update ${breaches} set notified_count = notified_count + 1 where breach_id = ${breachId}`;
          await step('notice', d.sentBy as string, d.sentAt as string, { userId: d.userId });
          break;
        case 'BreachAuthorityReported': {
          const { breachId: _b, reportedBy, reportedAt, ...report } = d;
          await tx`update ${breaches} set authority_report = ${tx.json(report as Parameters<typeof tx.json>[0])},
                     reported_at = ${reportedAt as string} where breach_id = ${breachId}`;
          await step('reported', reportedBy as string, reportedAt as string, {});
          break;
        }
        case 'BreachRemediationNoted':
          await step('remediation', d.notedBy as string, d.notedAt as string, { note: d.note });
          break;
        case 'BreachClosed':
          await tx`update ${breaches} set status = 'closed', closed_at = ${d.closedAt as string},
                     closed_by = ${d.closedBy as string}, summary = ${d.summary as string},
                     not_reported_reason = ${(d.notReportedReason as string | null) ?? null}
                   where breach_id = ${breachId}`;
          await step('closed', d.closedBy as string, d.closedAt as string, {});
          break;
        case 'AccountSuspended':
          await tx`insert into ${suspensions} (user_id, breach_id, suspended_by, suspended_at)
                   values (${d.userId as string}, ${breachId}, ${d.suspendedBy as string}, ${d.suspendedAt as string})
                   on conflict (user_id) do update set breach_id = excluded.breach_id,
                     suspended_by = excluded.suspended_by, suspended_at = excluded.suspended_at`;
          break;
        case 'AccountSuspensionLifted':
          await tx`delete from ${suspensions} where user_id = ${d.userId as string}`;
          break;
        case 'SubjectErased':
          await tx`delete from ${suspensions} where user_id = ${d.subjectId as string}`;
          break;
      }
    }
  },
};
