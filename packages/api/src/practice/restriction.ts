/** Use cases: the candidate's restriction of processing (P26) — read it, set or lift it. */
import { z } from 'zod';
import { restrictionOf, type Queryable } from '@tia/db';
import type { AuthServices } from '../services.js';
import { privacy } from '@tia/domain';
import { privacyStream } from '../privacy/stream.js';
import { recordCompletedRequest } from '../privacy/requests.js';
import { lockUser, type Actor } from './access.js';

export const getRestriction = (
  db: Queryable,
  userId: string,
): Promise<{ restricted: boolean; since: string | null }> => restrictionOf(db, userId);

export const restrictionInput = z.object({ restricted: z.boolean() });

/** The candidate restricts processing (answers are kept but not analysed) or lifts the restriction. */
export const setRestriction = async (
  a: AuthServices,
  actor: Actor,
  input: z.input<typeof restrictionInput>,
): Promise<{ restricted: boolean }> => {
  const { restricted } = restrictionInput.parse(input);
  await a.commands.handle(
    privacy.privacyDecider,
    privacyStream(actor.userId),
    (_s, now): privacy.PrivacyCommand =>
      restricted
        ? { type: 'RestrictProcessing', subjectId: actor.userId, now }
        : { type: 'LiftRestriction', subjectId: actor.userId, now },
    { actor: { kind: 'user', id: actor.userId }, requestId: actor.requestId },
    {
      // The person's lock: uploads and erasure take it too, so none slips in between this and their checks.
      before: (tx) => lockUser(tx, actor.userId),
      after: async (tx, { events }) => {
        // Restricting is a right exercised (P26): on record for compliance, done at once. Lifting is not.
        if (restricted && events.length > 0)
          await recordCompletedRequest(a, tx, {
            subjectId: actor.userId,
            kind: 'restriction',
            actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
            now: a.clock().toISOString(),
          });
      },
    },
  );
  return { restricted };
};
