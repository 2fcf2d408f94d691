import { createHash } from 'node:crypto';
import { type TxSql } from '@tia/db';
import { breach, eventRegistry, type DomainEvent } from '@tia/domain';
import { z } from 'zod';
import type { Context } from '../context.js';
import { Conflict, NotFound, ServiceUnavailable } from '../errors.js';
import { findAccountById } from '../accounts/common.js';
import type { AuthServices } from '../services.js';
import { breachNotice } from './breach-notice.js';

/**
 * Breach response use cases (P36). Each step is decided by `breach.decide` over the incident's stream and
 * appended with the inline projection `breaches`; containment steps also act (suspend, end sessions).
 */

const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const breachId = z.uuid();

/** Data categories an assessment can cover: the event categories that hold data about candidates. */
export const BREACH_DATA_CATEGORIES = {
  identity: 'Account, sign-in and security data',
  privacy: 'Consents and privacy choices',
  practice: 'Practice sessions',
  recording: 'Recorded answers, transcripts and feedback',
} as const;
export const BreachDataCategory = z.enum(
  Object.keys(BREACH_DATA_CATEGORIES) as [
    keyof typeof BREACH_DATA_CATEGORIES,
    ...(keyof typeof BREACH_DATA_CATEGORIES)[],
  ],
);

export const RegisterBreachInput = z
  .object({ title: text(200), description: text(5000), awareAt: isoTime })
  .strict();
export const ContainInput = z
  .object({
    breachId,
    action: z.enum(['suspend_account', 'lift_suspension', 'revoke_sessions']),
    userId: z.string().trim().min(1).max(200),
  })
  .strict();
export const AssessInput = z
  .object({ breachId, windowFrom: isoTime, windowTo: isoTime, category: BreachDataCategory })
  .strict()
  .refine((i) => Date.parse(i.windowFrom) <= Date.parse(i.windowTo), {
    message: 'the start of the window must not be after its end',
    path: ['windowFrom'],
  });
export const NoticeInput = z
  .object({
    breachId,
    whatHappened: text(3000),
    likelyConsequences: text(3000),
    measuresTaken: text(3000),
    whatYouCanDo: text(3000),
    contact: text(500),
  })
  .strict();
export const ReportInput = z
  .object({
    breachId,
    nature: text(5000),
    subjectCategories: text(1000),
    approxSubjects: z.number().int().min(0).max(1_000_000_000),
    recordCategories: text(1000),
    approxRecords: z.number().int().min(0).max(1_000_000_000_000),
    dpoContact: text(500),
    likelyConsequences: text(5000),
    measuresTaken: text(5000),
    measuresProposed: text(5000),
    delayReason: text(2000).nullable().default(null),
  })
  .strict();
export const RemediationInput = z.object({ breachId, note: text(5000) }).strict();
export const CloseInput = z
  .object({ breachId, summary: text(5000), notReportedReason: text(2000).nullable().default(null) })
  .strict();

type Officer = { a: AuthServices; ctx: Pick<Context, 'requestId'>; officerId: string };

const stream = (id: string) => `breach-${id}`;

/** Loads the incident, decides `cmd` and appends what it decides, in `tx` (serialised per incident). */
const run = async (o: Officer, tx: TxSql, id: string, cmd: breach.BreachCommand) => {
  const { state, events } = await o.a.commands.handle(
    breach.breachDecider,
    stream(id),
    cmd,
    { actor: { kind: 'staff', id: o.officerId }, requestId: o.ctx.requestId },
    {
      tx,
      before: async (t) => {
        await t`select pg_advisory_xact_lock(hashtext(${`tia:breach:${id}`}))`;
      },
    },
  );
  return { state, events };
};

const now = (o: Officer) => o.a.clock().toISOString();

export const registerBreach = async (o: Officer, input: z.infer<typeof RegisterBreachInput>) => {
  const id = o.a.newId();
  await o.a.sql.begin((tx) =>
    run(o, tx, id, { type: 'Register', breachId: id, ...input, by: o.officerId, now: now(o) }),
  );
  return { breachId: id };
};

/**
 * Containment that acts: suspending an account records `AccountSuspended` (sign-in refused, no session
 * resolves) and ends its sessions; revoking ends every session of the account now.
 */
export const contain = async (o: Officer, input: z.infer<typeof ContainInput>) => {
  const account = await findAccountById(o.a, input.userId);
  if (!account) throw new NotFound('There is no account with this id.');
  const open = await o.a.sql<{ n: number }[]>`
    select count(*)::int as n from auth_sessions where user_id = ${input.userId}`;
  const ended = input.action === 'lift_suspension' ? 0 : (open[0]?.n ?? 0);
  await o.a.sql.begin(async (tx) => {
    await run(o, tx, input.breachId, {
      type: 'RecordContainment',
      breachId: input.breachId,
      action: input.action,
      userId: input.userId,
      sessionsEnded: ended,
      by: o.officerId,
      now: now(o),
    });
    if (input.action === 'revoke_sessions') return;
    const suspended =
      (await tx`select 1 from rm_account_suspensions where user_id = ${input.userId}`).length > 0;
    if (input.action === 'suspend_account' && suspended)
      throw new Conflict('This account is already suspended.');
    if (input.action === 'lift_suspension' && !suspended)
      throw new Conflict('This account is not suspended.');
    const at = now(o);
    const event: DomainEvent =
      input.action === 'suspend_account'
        ? {
            type: 'AccountSuspended',
            data: {
              userId: input.userId,
              breachId: input.breachId,
              suspendedBy: o.officerId,
              suspendedAt: at,
            },
          }
        : {
            type: 'AccountSuspensionLifted',
            data: { userId: input.userId, breachId: input.breachId, liftedBy: o.officerId, liftedAt: at },
          };
    // 'any': the suspension stream is decided on the read model checked above, under the incident's lock.
    await o.a.store.append(
      `suspension-${input.userId}`,
      'any',
      [
        {
          ...event,
          eventId: o.a.newId(),
          metadata: {
            occurredAt: at,
            actor: { kind: 'staff' as const, id: o.officerId },
            correlationId: o.ctx.requestId,
          },
        },
      ],
      { tx, inline: o.a.inline },
    );
  });
  // After the commit: a session created meanwhile cannot resolve any more (the suspension is visible).
  if (input.action !== 'lift_suspension') await o.a.sessions.invalidateAllFor(input.userId);
  return { sessionsEnded: ended };
};

/** Event types of a data category (from the catalogue, so new events are covered without a list to keep). */
export const typesOfCategory = (category: string): string[] =>
  eventRegistry.types().filter((t) => eventRegistry.get(t).category === category);

/**
 * Subjects and records touched: every event of the category recorded in [from, to], read from the log. The
 * person an event is about is the `userId` or else the `subjectId` it names (the key subject may be a
 * technical one); grouped in the database, so only one row per person comes back. Uses
 * `events_type_recorded_at` (migration 0017).
 */
export const affectedBy = async (
  db: AuthServices['sql'],
  window: { from: string; to: string; category: string },
): Promise<{ subjectIds: string[]; records: number }> => {
  const types = typesOfCategory(window.category);
  const rows = await db<{ subject: string | null; n: string }[]>`
    select subject, count(*)::text as n from (
      select coalesce(case when jsonb_typeof(data->'userId') = 'string' then data->>'userId' end,
                      case when jsonb_typeof(data->'subjectId') = 'string' then data->>'subjectId' end) as subject
        from events
       where type = any(${types}::text[])
         and recorded_at >= ${new Date(window.from)} and recorded_at < ${new Date(Date.parse(window.to) + 1)}
    ) as touched
    group by subject`;
  let records = 0;
  const subjects: string[] = [];
  for (const r of rows) {
    records += Number(r.n);
    if (r.subject !== null) subjects.push(r.subject);
  }
  return { subjectIds: subjects.sort(), records };
};

export const assess = async (o: Officer, input: z.infer<typeof AssessInput>) => {
  const found = await affectedBy(o.a.sql, {
    from: input.windowFrom,
    to: input.windowTo,
    category: input.category,
  });
  await o.a.sql.begin((tx) =>
    run(o, tx, input.breachId, {
      type: 'Assess',
      breachId: input.breachId,
      windowFrom: input.windowFrom,
      windowTo: input.windowTo,
      category: input.category,
      subjectIds: found.subjectIds,
      records: found.records,
      by: o.officerId,
      now: now(o),
    }),
  );
  return { subjects: found.subjectIds.length, records: found.records };
};

/** Notices sent per call: bounded, so one request (and the per-incident lock it holds) stays short. */
export const NOTICE_BATCH = 50;

/**
 * The Message-ID of the notice to one person about one incident: the same on every attempt, so the one
 * message that can be sent twice (the mail server accepted it, then the process died before its event was
 * written) reaches the person as a duplicate their mail client recognises, never as a second notice.
 */
export const noticeMessageId = (breachId: string, userId: string) =>
  `<breach-notice.${breachId}.${createHash('sha256').update(userId).digest('hex').slice(0, 32)}@trueinterviewai>`;

/**
 * Records the wording (a new version when it changed) and emails it to at most `batchSize` affected people
 * not yet told (people without an account are skipped, not counted); `remaining` says how many are left for the next call. Who is told is read from the events
 * (`BreachNoticeSent`, one per person, written right after the mail server accepted that message), so a
 * batch cut short by a crash or a failing mail server resumes where it stopped and writes to no one twice.
 * One batch per incident at a time (a session advisory lock; a second caller gets a conflict).
 * People with no account left (erased) cannot be written to and are counted as `unreachable`.
 */
export const sendNotices = async (
  o: Officer,
  input: z.infer<typeof NoticeInput>,
  opts: { batchSize?: number } = {},
) => {
  const batchSize = opts.batchSize ?? NOTICE_BATCH;
  const { breachId: id, ...wording } = input;
  const lock = await o.a.sql.reserve();
  try {
    const [got] = await lock<{ ok: boolean }[]>`
      select pg_try_advisory_lock(hashtext(${`tia:breach-notices:${id}`})) as ok`;
    if (!got!.ok)
      throw new Conflict('Notices for this incident are being sent right now. Try again in a moment.');
    try {
      const { state } = await o.a.sql.begin((tx) =>
        run(o, tx, id, { type: 'WordNotice', breachId: id, ...wording, by: o.officerId, now: now(o) }),
      );
      if (state.kind === 'none' || !state.affected) throw new Conflict('Compute the affected people first.');
      const told = new Set(state.notified);
      const pending = state.affected.filter((u) => !told.has(u));
      let sent = 0;
      let unreachable = 0;
      let i = 0;
      for (; i < pending.length && sent < batchSize; i++) {
        const userId = pending[i]!;
        const account = await findAccountById(o.a, userId);
        if (!account) {
          unreachable++;
          continue;
        }
        try {
          await o.a.mailer.send({
            to: account.email,
            messageId: noticeMessageId(id, userId),
            ...breachNotice(account.name, wording),
          });
        } catch {
          throw new ServiceUnavailable(
            `The mail server did not accept the notices (${sent} sent before it failed). Try again: people already told are not written to twice.`,
          );
        }
        await o.a.sql.begin((tx) =>
          run(o, tx, id, { type: 'RecordNotice', breachId: id, userId, by: o.officerId, now: now(o) }),
        );
        sent++;
      }
      return {
        sent,
        unreachable,
        alreadyNotified: state.affected.length - pending.length,
        /** People not yet told and not looked at in this batch: send the next batch. */
        remaining: pending.length - i,
      };
    } finally {
      await lock`select pg_advisory_unlock(hashtext(${`tia:breach-notices:${id}`}))`;
    }
  } finally {
    lock.release();
  }
};

export const report = async (o: Officer, input: z.infer<typeof ReportInput>) => {
  const { breachId: id, ...fields } = input;
  await o.a.sql.begin(async (tx) => {
    const { state } = await o.a.store.load(stream(id), breach.breachDecider, tx);
    const late = state.kind !== 'none' && o.a.clock().toISOString() > breach.authorityDeadline(state.awareAt);
    if (late && !fields.delayReason)
      throw new Conflict('The 72 hours have passed: say why the report comes late (Art. 33(1)).');
    await run(o, tx, id, { type: 'Report', breachId: id, ...fields, by: o.officerId, now: now(o) });
  });
};

export const noteRemediation = async (o: Officer, input: z.infer<typeof RemediationInput>) => {
  await o.a.sql.begin((tx) =>
    run(o, tx, input.breachId, { type: 'NoteRemediation', ...input, by: o.officerId, now: now(o) }),
  );
};

export const close = async (o: Officer, input: z.infer<typeof CloseInput>) => {
  await o.a.sql.begin((tx) =>
    run(o, tx, input.breachId, { type: 'Close', ...input, by: o.officerId, now: now(o) }),
  );
};

// ---- read side (projections only) ----

export interface BreachSummary {
  breachId: string;
  title: string;
  status: 'open' | 'closed';
  awareAt: string;
  deadlineAt: string;
  reportedAt: string | null;
  affected: number;
  notified: number;
}

export const listBreaches = async (db: AuthServices['sql']): Promise<BreachSummary[]> => {
  const rows = await db<
    {
      breach_id: string;
      title: string;
      status: 'open' | 'closed';
      aware_at: Date;
      deadline_at: Date;
      reported_at: Date | null;
      affected_count: number;
      notified_count: number;
    }[]
  >`select breach_id, title, status, aware_at, deadline_at, reported_at, affected_count, notified_count
      from rm_breaches order by (status = 'open') desc, aware_at desc limit 200`;
  return rows.map((r) => ({
    breachId: r.breach_id,
    title: r.title,
    status: r.status,
    awareAt: r.aware_at.toISOString(),
    deadlineAt: r.deadline_at.toISOString(),
    reportedAt: r.reported_at?.toISOString() ?? null,
    affected: r.affected_count,
    notified: r.notified_count,
  }));
};

export const getBreach = async (db: AuthServices['sql'], id: string) => {
  const rows = await db<
    {
      breach_id: string;
      title: string;
      description: string;
      status: 'open' | 'closed';
      aware_at: Date;
      deadline_at: Date;
      registered_by: string;
      window_from: Date | null;
      window_to: Date | null;
      category: string | null;
      affected_count: number;
      records_count: string;
      notified_count: number;
      notice: Record<string, unknown> | null;
      authority_report: Record<string, unknown> | null;
      reported_at: Date | null;
      closed_at: Date | null;
      summary: string | null;
      not_reported_reason: string | null;
    }[]
  >`select * from rm_breaches where breach_id = ${id}`;
  const r = rows[0];
  if (!r) throw new NotFound('There is no such incident.');
  const steps = await db<
    { seq: string; kind: string; detail: Record<string, unknown>; actor: string; at: Date }[]
  >`
    select seq, kind, detail, actor, at from rm_breach_steps where breach_id = ${id} order by seq`;
  const affected = await db<{ user_id: string; notified_at: Date | null }[]>`
    select user_id, notified_at from rm_breach_affected where breach_id = ${id} order by user_id limit 1000`;
  const suspended = await db<{ user_id: string; suspended_at: Date }[]>`
    select user_id, suspended_at from rm_account_suspensions where breach_id = ${id} order by suspended_at`;
  return {
    breachId: r.breach_id,
    title: r.title,
    description: r.description,
    status: r.status,
    awareAt: r.aware_at.toISOString(),
    deadlineAt: r.deadline_at.toISOString(),
    registeredBy: r.registered_by,
    assessment: r.window_from
      ? {
          windowFrom: r.window_from.toISOString(),
          windowTo: r.window_to!.toISOString(),
          category: r.category!,
          subjects: r.affected_count,
          records: Number(r.records_count),
        }
      : null,
    notified: r.notified_count,
    notice: r.notice,
    authorityReport: r.authority_report,
    reportedAt: r.reported_at?.toISOString() ?? null,
    closedAt: r.closed_at?.toISOString() ?? null,
    summary: r.summary,
    notReportedReason: r.not_reported_reason,
    steps: steps.map((s) => ({
      seq: Number(s.seq),
      kind: s.kind,
      detail: s.detail,
      actor: s.actor,
      at: s.at.toISOString(),
    })),
    affected: affected.map((x) => ({ userId: x.user_id, notifiedAt: x.notified_at?.toISOString() ?? null })),
    suspended: suspended.map((x) => ({ userId: x.user_id, suspendedAt: x.suspended_at.toISOString() })),
  };
};
