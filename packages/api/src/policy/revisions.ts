/**
 * Policy revisions (P35): publishing a revision (compliance officer, TOTP passed), reading revisions, the
 * status a signed-in person's notice reads, and acknowledging a significant revision. Writes go through
 * the command handler with the `policy` deciders; reads come from the `policy` projection.
 */
import {
  acceptedPolicyRevisions,
  currentPolicyRevision,
  listPolicyRevisions,
  loadPolicyRevision,
  lockSubject,
  policyNoticeCounts,
  type Queryable,
} from '@tia/db';
import { policy, PolicyRevisionId, POLICY_TEXT_MAX } from '@tia/domain';
import { z } from 'zod';
import { Forbidden, NotFound } from '../errors.js';
import type { AuthServices } from '../services.js';

export const publishRevisionInput = z
  .object({
    revisionId: PolicyRevisionId,
    summary: z.string().trim().min(1, 'Say in plain words what changed.').max(5000),
    significant: z.boolean(),
    effectiveOn: z.iso.date(),
    text: z.string().trim().min(1, 'Paste the full text of the notice.').max(POLICY_TEXT_MAX),
  })
  .strict();

export const revisionInput = z.object({ revision: z.number().int().min(1).max(1_000_000) }).strict();

type Actor = { userId: string; requestId: string };
const today = (a: AuthServices) => a.clock().toISOString().slice(0, 10);

export const publishRevision = async (
  a: AuthServices,
  officer: Actor,
  raw: z.input<typeof publishRevisionInput>,
) => {
  const input = publishRevisionInput.parse(raw);
  const { events } = await a.commands.handle(
    policy.publicationDecider,
    policy.POLICY_STREAM,
    (_s, now): policy.PublishRevision => ({ type: 'PublishRevision', ...input, by: officer.userId, now }),
    { actor: { kind: 'staff', id: officer.userId }, requestId: officer.requestId },
  );
  return { revision: events[0]!.data.revision };
};

/** The revision in force and the latest one published (it may take effect later). */
export const policyOverview = async (a: AuthServices) => {
  const revisions = await listPolicyRevisions(a.sql);
  const current = policy.currentRevision(revisions, today(a)) ?? revisions[0]!;
  return { current, latest: revisions[revisions.length - 1]! };
};

/** Every revision, newest first (public: no personal data). */
export const listRevisions = async (a: AuthServices) => (await listPolicyRevisions(a.sql)).reverse();

export const getRevision = async (a: AuthServices, revision: number) => {
  const r = await loadPolicyRevision(a.sql, revision);
  if (!r) throw new NotFound('There is no such revision of the privacy notice.');
  return r;
};

/** For the console: every revision with how many people were emailed about it. */
export const revisionsForOfficers = async (a: AuthServices) => {
  const [revisions, counts] = await Promise.all([listPolicyRevisions(a.sql), policyNoticeCounts(a.sql)]);
  return {
    today: today(a),
    revisions: revisions.reverse().map((r) => ({
      ...r,
      emailed: counts.get(r.revision)?.sent ?? 0,
      unconfirmed: counts.get(r.revision)?.unconfirmed ?? 0,
    })),
  };
};

const registeredAt = async (db: Queryable, userId: string): Promise<string | null> => {
  const [row] = await db<
    { created_at: Date }[]
  >`select created_at from rm_accounts where user_id = ${userId}`;
  return row ? row.created_at.toISOString() : null;
};

/** What the signed-in notice shows: the revision in force and a significant one still to acknowledge. */
export const policyStatus = async (a: AuthServices, userId: string) => {
  const [revisions, accepted, since] = await Promise.all([
    listPolicyRevisions(a.sql),
    acceptedPolicyRevisions(a.sql, userId),
    registeredAt(a.sql, userId),
  ]);
  const current = policy.currentRevision(revisions, today(a)) ?? revisions[0]!;
  const pending = since === null ? null : policy.pendingAcknowledgement(revisions, since, accepted);
  return {
    current: { revision: current.revision, revisionId: current.revisionId, effectiveOn: current.effectiveOn },
    acknowledge: pending
      ? {
          revision: pending.revision,
          revisionId: pending.revisionId,
          summary: pending.summary,
          effectiveOn: pending.effectiveOn,
        }
      : null,
  };
};

/** The person acknowledges revision `revision` (`PolicyRevisionAccepted`; a second time records nothing). */
export const acceptRevision = async (a: AuthServices, actor: Actor, raw: z.input<typeof revisionInput>) => {
  const { revision } = revisionInput.parse(raw);
  const found = revision === policy.BASELINE.revision ? null : await loadPolicyRevision(a.sql, revision);
  const { events } = await a.commands.handle(
    policy.acceptanceDecider,
    policy.acceptanceStream(actor.userId),
    (_s, now): policy.AcceptRevision => ({
      type: 'AcceptRevision',
      userId: actor.userId,
      revision: found ? { revision: found.revision, revisionId: found.revisionId } : null,
      now,
    }),
    { actor: { kind: 'user', id: actor.userId }, requestId: actor.requestId },
    {
      before: async (tx) => {
        await lockSubject(tx, actor.userId);
        if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
      },
    },
  );
  return { accepted: true, recorded: events.length > 0 };
};

/** The revision label consents and cookie choices name: the one in force now. */
export const policyVersionInForce = async (a: AuthServices): Promise<string> =>
  (await currentPolicyRevision(a.sql, today(a))).revisionId;
