/**
 * Reporting a suspected under-16 user (P33). Anyone — a signed-in candidate or a visitor on the public page —
 * names the account's email; the email is resolved through the accounts' HMAC lookup to a user id and only that
 * id is kept: the report is a `minor_report` privacy request about that person in the compliance queue. The
 * answer is the same whether or not an account matched (nobody learns who has an account here).
 *
 * A compliance officer (TOTP) reviews it: confirming erases the account (`eraseSubject`, reason
 * `minor_reported`, every session ended) and closes the request carried out; dismissing closes it refused.
 */
import { z } from 'zod';
import { eraseSubject } from '@tia/db';
import type { ServiceContext } from '../context.js';
import { POLICIES } from '../rate-limit.js';
import { Conflict, NotFound } from '../errors.js';
import { technical } from '../accounts/common.js';
import type { AuthServices } from '../services.js';
import { closePrivacyRequest, recordPrivacyRequest, type RequestActor } from './requests.js';

export const minorReportInput = z.object({
  email: z.string().trim().max(320).pipe(z.email('Enter the email address of the account.')),
});

export const MINOR_REPORT_RECEIVED =
  'Thank you. If an account uses that address, our compliance team will review it and remove it if the person is under 16.';

/** Records the report (or nothing, when no live account uses the address); same answer either way. */
export const reportMinor = async (
  ctx: ServiceContext,
  raw: z.input<typeof minorReportInput>,
): Promise<{ received: true; message: string }> => {
  const input = minorReportInput.parse(raw);
  const a = ctx.services;
  const now = a.clock();
  // Public and writes an event: every report counts, per network (and per reporter when signed in).
  await a.limiter.reserve(
    a.sql,
    [
      {
        key: a.limiter.key('minor-report-ip', technical(ctx).ipPrefix ?? 'unknown'),
        policy: POLICIES.minorReportIp,
      },
    ],
    now,
  );
  const actor: RequestActor = ctx.session
    ? { kind: 'user', id: ctx.session.userId, requestId: ctx.requestId }
    : { kind: 'system', id: 'public-report', requestId: ctx.requestId };
  await a.sql.begin(async (tx) => {
    const found = await tx<{ user_id: string }[]>`
      select user_id from rm_accounts where email_lookup = ${a.emailLookup(input.email)}`;
    const subjectId = found[0]?.user_id;
    if (!subjectId || (await a.keys.isErased(tx, subjectId))) return;
    // One open report per account is enough for the officer: further ones add nothing to review.
    const open = await tx`
      select 1 from rm_privacy_requests
       where subject_id = ${subjectId} and kind = 'minor_report' and status = 'received'`;
    if (open.length > 0) return;
    await recordPrivacyRequest(a, tx, { subjectId, kind: 'minor_report', actor, now: now.toISOString() });
  });
  return { received: true, message: MINOR_REPORT_RECEIVED };
};

export const minorReportDecisionInput = z.object({
  requestId: z.string().min(1).max(200),
  decision: z.enum(['confirm', 'dismiss']),
});

const openReport = async (a: AuthServices, requestId: string) => {
  const rows = await a.sql<{ subject_id: string; kind: string; status: string }[]>`
    select subject_id, kind, status from rm_privacy_requests where request_id = ${requestId}`;
  const row = rows[0];
  if (!row || row.kind !== 'minor_report') throw new NotFound('No such report of a minor.');
  if (row.status !== 'received') throw new Conflict('This report was already decided.');
  return row.subject_id;
};

/**
 * The officer's decision. Confirm: every session of the account ends, the account is erased with reason
 * `minor_reported` (the `SubjectErased` event's correlation id is the request id), the request is closed
 * carried out. Dismiss: closed refused (not applicable). Deciding twice is a 409.
 */
export const decideMinorReport = async (
  a: AuthServices,
  officer: { userId: string; requestId: string },
  raw: z.input<typeof minorReportDecisionInput>,
): Promise<{ requestId: string; outcome: 'erased' | 'dismissed' }> => {
  const input = minorReportDecisionInput.parse(raw);
  const subjectId = await openReport(a, input.requestId);
  const now = a.clock().toISOString();
  const actor: RequestActor = { kind: 'staff', id: officer.userId, requestId: officer.requestId };
  if (input.decision === 'confirm') {
    await a.sessions.invalidateAllFor(subjectId);
    await eraseSubject(
      { store: a.store, keys: a.keys, inline: a.inline, journal: a.erasureJournal },
      {
        subjectId,
        reason: 'minor_reported',
        eventId: a.newId(),
        now,
        actor: { kind: 'staff', id: officer.userId },
        correlationId: input.requestId,
      },
    );
  }
  // Closed at the stream's version 1: a second decision racing this one fails there instead of closing twice.
  await a.sql.begin((tx) =>
    closePrivacyRequest(a, tx, {
      requestId: input.requestId,
      subjectId,
      outcome: input.decision === 'confirm' ? 'completed' : 'refused',
      ...(input.decision === 'dismiss' ? { reason: 'not_applicable' as const } : {}),
      actor,
      now,
    }),
  );
  return { requestId: input.requestId, outcome: input.decision === 'confirm' ? 'erased' : 'dismissed' };
};
