/**
 * The right to object (P25), minimal: a candidate objects to their data being used for aggregate statistics
 * and service improvement (or takes the objection back). The `analytics` projection then takes them out of
 * every figure, including those already built. A fuller privacy center comes later.
 */
import { z } from 'zod';
import { lockSubject } from '@tia/db';
import { objection } from '@tia/domain';
import type { AuthServices } from '../services.js';
import { Forbidden } from '../errors.js';
import { privacyStream } from './stream.js';
import { recordCompletedRequest } from './requests.js';

export const objectionInput = z.object({ objecting: z.boolean() });

const load = (a: AuthServices, userId: string) =>
  a.store.load(privacyStream(userId), objection.objectionDecider);

export const getObjection = async (a: AuthServices, userId: string) => {
  const { state } = await load(a, userId);
  return {
    objecting: objection.isObjecting(state, 'analytics'),
    since: state.kind === 'active' ? (state.objected.analytics ?? null) : null,
  };
};

export const setObjection = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: z.input<typeof objectionInput>,
): Promise<{ objecting: boolean }> => {
  const { objecting } = objectionInput.parse(raw);
  await a.commands.handle(
    objection.objectionDecider,
    privacyStream(actor.userId),
    (_s, now): objection.ObjectionCommand => ({
      type: objecting ? 'Object' : 'WithdrawObjection',
      subjectId: actor.userId,
      scope: 'analytics',
      now,
    }),
    { actor: { kind: 'user', id: actor.userId }, requestId: actor.requestId },
    {
      before: async (tx) => {
        // The person's lock, as consent, restriction, uploads and erasure take it: one change at a time.
        await lockSubject(tx, actor.userId);
        if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
      },
      after: async (tx, { events }) => {
        // Objecting is a right exercised: on record for compliance, done at once.
        if (objecting && events.length > 0)
          await recordCompletedRequest(a, tx, {
            subjectId: actor.userId,
            kind: 'objection',
            actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
            now: a.clock().toISOString(),
          });
      },
    },
  );
  return { objecting };
};
