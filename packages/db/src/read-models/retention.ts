import type { retention } from '@tia/domain';
import { defineProjection } from '../projections.js';
import type { Queryable } from '../sql.js';

/**
 * When each account was last active (P18): registration, sign-in, a practice session started, an answer
 * uploaded — by the times the events carry (not the time of recording, so a replay gives the same answer).
 * Asynchronous: a new deployment replays the whole log into it.
 */
export const accountActivityProjection = defineProjection({
  name: 'account_activity',
  tables: ['rm_account_activity'],
  types: ['AccountRegistered', 'SignedIn', 'PracticeSessionStarted', 'RecordingUploaded', 'SubjectErased'],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_account_activity'));
    for (const e of events) {
      if (e.type === 'SubjectErased') {
        await tx`delete from ${table} where user_id = ${e.data.subjectId}`;
        continue;
      }
      const at =
        e.type === 'AccountRegistered'
          ? e.data.registeredAt
          : e.type === 'SignedIn'
            ? e.data.signedInAt
            : e.type === 'PracticeSessionStarted'
              ? e.data.startedAt
              : e.data.uploadedAt;
      await tx`insert into ${table} (user_id, last_active_at) values (${e.data.userId}, ${at})
               on conflict (user_id) do update
                 set last_active_at = greatest(${table}.last_active_at, excluded.last_active_at)`;
    }
  },
});

const ACTIVITY_TYPES = accountActivityProjection.types!;

/**
 * Whether `account_activity` is behind by more than `minutes`: an activity event recorded that long ago that it
 * has not applied yet (a new deployment still replaying, a stuck worker). The retention job then leaves accounts
 * alone: last activity read from a lagging projection would look older than it is.
 */
export const accountActivityBehind = async (db: Queryable, minutes = 5): Promise<boolean> => {
  const [r] = await db<{ behind: boolean }[]>`
    with c as (
      select coalesce((select transaction_id from consumer_checkpoints where consumer = 'projection:account_activity'),
                      '0'::xid8) as tx,
             coalesce((select global_position from consumer_checkpoints where consumer = 'projection:account_activity'),
                      0) as pos)
    select exists (
      select 1 from events e, c
       where (e.transaction_id, e.global_position) > (c.tx, c.pos)
         and e.type = any(${[...ACTIVITY_TYPES]}::text[])
         and e.recorded_at < now() - make_interval(mins => ${minutes})) as behind`;
  return r!.behind;
};

/** Warnings sent and the retention runs that did something (inline, with the job's own appends). */
export const retentionProjection = defineProjection({
  name: 'retention',
  tables: ['rm_retention_warnings', 'rm_retention_runs'],
  types: ['InactivityWarningSent', 'RetentionRunCompleted', 'SubjectErased'],
  apply: async (tx, events, t) => {
    const warnings = tx(t('rm_retention_warnings'));
    const runs = tx(t('rm_retention_runs'));
    for (const e of events) {
      if (e.type === 'InactivityWarningSent') {
        const d = e.data;
        await tx`insert into ${warnings} (user_id, last_active_at, erase_after, warned_at)
                 values (${d.userId}, ${d.lastActiveAt}, ${d.eraseAfter}, ${d.warnedAt})
                 on conflict (user_id) do update set last_active_at = excluded.last_active_at,
                   erase_after = excluded.erase_after, warned_at = excluded.warned_at`;
      } else if (e.type === 'RetentionRunCompleted') {
        const d = e.data;
        await tx`insert into ${runs} (run_id, started_at, finished_at, sessions_expired, accounts_warned,
                   accounts_erased, deferred, requests_expired)
                 values (${d.runId}, ${d.startedAt}, ${d.finishedAt}, ${d.sessionsExpired}, ${d.accountsWarned},
                   ${d.accountsErased}, ${d.deferred}, ${d.requestsExpired})
                 on conflict (run_id) do nothing`;
      } else {
        await tx`delete from ${warnings} where user_id = ${e.data.subjectId}`;
      }
    }
  },
});

const iso = (d: Date | string) => new Date(d).toISOString();

/** Practice sessions due for deletion (oldest first), at most `limit`. */
export const expiredSessions = async (
  db: Queryable,
  c: retention.RetentionCutoffs,
  limit: number,
): Promise<{ sessionId: string; userId: string; startedAt: string }[]> => {
  const rows = await db<{ session_id: string; user_id: string; started_at: Date }[]>`
    select session_id, user_id, started_at from rm_practice_sessions
     where started_at < ${c.practiceStartedBefore}
     order by started_at, session_id limit ${limit}`;
  return rows.map((r) => ({ sessionId: r.session_id, userId: r.user_id, startedAt: iso(r.started_at) }));
};

/**
 * Candidate accounts (live, not staff) inactive long enough to be warned: not warned since their last
 * activity. Oldest first, at most `limit`.
 */
export const accountsToWarn = async (
  db: Queryable,
  c: retention.RetentionCutoffs,
  limit: number,
): Promise<{ userId: string; lastActiveAt: string }[]> => {
  const rows = await db<{ user_id: string; last_active_at: Date }[]>`
    select a.user_id, a.last_active_at from rm_account_activity a
      join rm_accounts r on r.user_id = a.user_id
      left join rm_retention_warnings w on w.user_id = a.user_id
     where a.last_active_at < ${c.warnActiveBefore}
       and (w.user_id is null or w.warned_at < a.last_active_at)
       and not exists (select 1 from rm_role_grants g where g.user_id = a.user_id)
     order by a.last_active_at, a.user_id limit ${limit}`;
  return rows.map((r) => ({ userId: r.user_id, lastActiveAt: iso(r.last_active_at) }));
};

/**
 * Accounts due for erasure: inactive past the limit, warned after their last activity, and the warning at
 * least `warningDays` old. Oldest first, at most `limit`.
 */
export const accountsToErase = async (
  db: Queryable,
  c: retention.RetentionCutoffs,
  limit: number,
): Promise<{ userId: string; lastActiveAt: string }[]> => {
  const rows = await db<{ user_id: string; last_active_at: Date }[]>`
    select a.user_id, a.last_active_at from rm_account_activity a
      join rm_accounts r on r.user_id = a.user_id
      join rm_retention_warnings w on w.user_id = a.user_id
     where a.last_active_at < ${c.accountActiveBefore}
       and w.warned_at > a.last_active_at
       and w.warned_at <= ${c.warnedBefore}
       and not exists (select 1 from rm_role_grants g where g.user_id = a.user_id)
     order by a.last_active_at, a.user_id limit ${limit}`;
  return rows.map((r) => ({ userId: r.user_id, lastActiveAt: iso(r.last_active_at) }));
};

export interface RetentionRunRow {
  runId: string;
  startedAt: string;
  finishedAt: string;
  sessionsExpired: number;
  accountsWarned: number;
  accountsErased: number;
  deferred: number;
  requestsExpired: number;
}

/** The last runs that did something, newest first (compliance console). */
export const lastRetentionRuns = async (db: Queryable, limit = 20): Promise<RetentionRunRow[]> => {
  const rows = await db<
    {
      run_id: string;
      started_at: Date;
      finished_at: Date;
      sessions_expired: number;
      accounts_warned: number;
      accounts_erased: number;
      deferred: number;
      requests_expired: number;
    }[]
  >`select * from rm_retention_runs order by finished_at desc, run_id limit ${limit}`;
  return rows.map((r) => ({
    runId: r.run_id,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    sessionsExpired: r.sessions_expired,
    accountsWarned: r.accounts_warned,
    accountsErased: r.accounts_erased,
    deferred: r.deferred,
    requestsExpired: r.requests_expired,
  }));
};
