/**
 * The retention job's use case (P18): one run expires what the retention configuration (`a.retention`) says is
 * due, found in the read models, acting through the existing deletions — never a second one:
 * - practice sessions started more than `practiceMonths` ago: `removeSession` (the candidate's own "delete
 *   this session"), with a `RetentionExpired` in the same transaction;
 * - accounts inactive for `inactiveAccountMonths` that were warned at least `warningDays` before:
 *   `eraseAccount` with reason `retention` (the candidate's own erasure: sessions ended, key destroyed, read
 *   models purged, journal, last email, dev mailbox cleaned), then a `RetentionExpired`;
 * - accounts inactive for `inactiveAccountMonths` minus `warningDays` and not warned since their last activity:
 *   the warning email, then `InactivityWarningSent` (only once the mail server took the mail; a failure is
 *   tried again next run).
 * - records of privacy requests closed more than `privacyRequestMonths` ago: `PrivacyRequestRecordExpired` on the
 *   request's own stream, through the command handler (`privacyRequests.recordDecider`: never an open request,
 *   never twice); the record leaves the compliance queue and the person's list.
 * Each step is bounded by `batch`; a run that did something ends with `RetentionRunCompleted` (counts only).
 * Idempotent: what was expired is gone from the read models, so a second run finds nothing. Two workers never
 * run it at once (the worker holds a leader lock); staff accounts are never expired for inactivity.
 */
import {
  accountActivityBehind,
  accountsToErase,
  accountsToWarn,
  expiredRequestRecords,
  expiredSessions,
  lockSubject,
  type Logger,
  type TxSql,
} from '@tia/db';
import { privacyRequests, retention, type RetentionCategory } from '@tia/domain';
import { MESSAGES } from '../mail/mailer.js';
import { findAccountById } from '../accounts/common.js';
import type { AuthServices } from '../services.js';
import { removeSession } from './delete-answers.js';
import { eraseAccount } from './erase-account.js';

export const RETENTION_ACTOR = { kind: 'system' as const, id: 'retention' };

export interface RetentionRunResult {
  runId: string;
  sessionsExpired: number;
  accountsWarned: number;
  accountsErased: number;
  deferred: number;
  requestsExpired: number;
}

export const runRetention = async (
  a: AuthServices,
  opts: { log: Logger; batch: number },
): Promise<RetentionRunResult> => {
  const c = a.retention;
  const now = a.clock();
  const startedAt = now.toISOString();
  const cut = retention.retentionCutoffs(c, now);
  const runId = a.newId();
  const r: RetentionRunResult = {
    runId,
    sessionsExpired: 0,
    accountsWarned: 0,
    accountsErased: 0,
    deferred: 0,
    requestsExpired: 0,
  };
  const metadata = { occurredAt: startedAt, actor: RETENTION_ACTOR, correlationId: runId };

  const recordExpiry = (
    tx: TxSql | undefined,
    category: RetentionCategory,
    itemId: string,
    limitMonths: number,
    since: string,
  ) =>
    // 'any' on purpose: a log of what the retention job did; nothing is decided on this stream's state.
    a.store.append(
      'retention-log',
      'any',
      [
        {
          eventId: a.newId(),
          type: 'RetentionExpired',
          data: { runId, category, itemId, limitMonths, since, expiredAt: startedAt },
          metadata,
        },
      ],
      tx ? { tx, inline: a.inline } : { inline: a.inline },
    );

  // 1. Practice sessions past their time, each with its answers, in one transaction per session.
  for (const s of await expiredSessions(a.sql, cut, opts.batch)) {
    const outcome = await a.sql.begin(async (tx) => {
      await lockSubject(tx, s.userId);
      const removal = await removeSession(a, tx, {
        userId: s.userId,
        sessionId: s.sessionId,
        at: startedAt,
        metadata,
      });
      if (removal.outcome === 'deleted')
        await recordExpiry(tx, 'practice_session', s.sessionId, c.practiceMonths, s.startedAt);
      return removal.outcome;
    });
    if (outcome === 'deleted') r.sessionsExpired++;
    else if (outcome === 'busy') r.deferred++;
  }

  // Accounts are judged on the (asynchronous) activity projection: not while it lags behind.
  const activityBehind = await accountActivityBehind(a.sql);
  if (activityBehind)
    opts.log.warn('account activity projection is behind: inactive accounts are left for a later run');
  const accountBatch = activityBehind ? 0 : opts.batch;

  // 2. Accounts warned long enough ago and still inactive: erased as the person's own erasure is.
  for (const acct of await accountsToErase(a.sql, cut, accountBatch)) {
    const account = await findAccountById(a, acct.userId);
    if (!account) continue;
    await eraseAccount(a, opts, {
      userId: acct.userId,
      email: account.email,
      reason: 'retention',
      actor: RETENTION_ACTOR,
      correlationId: runId,
      message: MESSAGES.accountErasedInactive(c.inactiveAccountMonths),
    });
    await recordExpiry(
      undefined,
      'inactive_account',
      acct.userId,
      c.inactiveAccountMonths,
      acct.lastActiveAt,
    );
    r.accountsErased++;
  }

  // 3. Accounts approaching the limit: warned by email, `warningDays` before the erasure at the earliest.
  for (const acct of await accountsToWarn(a.sql, cut, accountBatch)) {
    const account = await findAccountById(a, acct.userId);
    if (!account) continue;
    const due = retention.addMonths(new Date(acct.lastActiveAt), c.inactiveAccountMonths).getTime();
    const eraseAfter = new Date(Math.max(due, now.getTime() + c.warningDays * 86_400_000)).toISOString();
    try {
      await a.mailer.send({
        to: account.email,
        ...MESSAGES.inactivityWarning(account.name, c.inactiveAccountMonths, eraseAfter),
      });
    } catch (e) {
      opts.log.error('inactivity warning not sent; tried again next run', { error: e });
      r.deferred++;
      continue;
    }
    // 'any' on purpose: one event per warning on the account's retention stream; the read model decides.
    await a.store.append(
      `retention-account-${acct.userId}`,
      'any',
      [
        {
          eventId: a.newId(),
          type: 'InactivityWarningSent',
          data: {
            userId: acct.userId,
            runId,
            lastActiveAt: acct.lastActiveAt,
            eraseAfter,
            warnedAt: startedAt,
          },
          metadata,
        },
      ],
      { inline: a.inline },
    );
    r.accountsWarned++;
  }

  // 4. Records of privacy requests closed longer ago than their period (open ones are never expired).
  for (const req of await expiredRequestRecords(a.sql, cut, opts.batch)) {
    const done = await a.commands.handle(
      privacyRequests.recordDecider,
      privacyRequests.requestStream(req.requestId),
      (): privacyRequests.ExpireRecord => ({
        type: 'ExpireRecord',
        requestId: req.requestId,
        runId,
        limitMonths: c.privacyRequestMonths,
        closedBefore: cut.requestClosedBefore.toISOString(),
        now: startedAt,
      }),
      { actor: RETENTION_ACTOR, correlationId: runId },
    );
    if (done.events.length > 0) r.requestsExpired++;
  }

  if (r.sessionsExpired + r.accountsWarned + r.accountsErased + r.deferred + r.requestsExpired > 0) {
    const finishedAt = a.clock().toISOString();
    // 'any': the run log is one stream written only by the job holding the retention leader lock; runs are
    // independent facts, so there is no state to load and decide on.
    await a.store.append(
      'retention-runs',
      'any',
      [
        {
          eventId: a.newId(),
          type: 'RetentionRunCompleted',
          data: {
            runId,
            startedAt,
            finishedAt: finishedAt < startedAt ? startedAt : finishedAt,
            sessionsExpired: r.sessionsExpired,
            accountsWarned: r.accountsWarned,
            accountsErased: r.accountsErased,
            deferred: r.deferred,
            requestsExpired: r.requestsExpired,
          },
          metadata,
        },
      ],
      { inline: a.inline },
    );
  }
  return r;
};
