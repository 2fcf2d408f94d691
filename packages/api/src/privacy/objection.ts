/**
 * The right to object (P25), minimal: a candidate objects to their data being used for aggregate statistics
 * and service improvement (or takes the objection back). The `analytics` projection then takes them out of
 * every figure, including those already built. A fuller privacy center comes later.
 */
import { z } from 'zod';
import { ConcurrencyError, type TxSql } from '@tia/db';
import { objection } from '@tia/domain';
import type { AuthServices } from '../identity/services.js';
import { Conflict, Forbidden } from '../errors.js';
import { appendPrivacyEvents, privacyStream } from './stream.js';
import { recordCompletedRequest } from './requests.js';

export const objectionInput = z.object({ objecting: z.boolean() });

const load = (a: AuthServices, userId: string, db?: Parameters<AuthServices['store']['load']>[4]) =>
  a.store.load(
    privacyStream(userId),
    objection.evolve,
    objection.initialState,
    objection.toObjectionEvent,
    db,
  );

export const getObjection = async (a: AuthServices, userId: string) => {
  const { state } = await load(a, userId);
  return {
    objecting: objection.isObjecting(state, 'analytics'),
    since: state.kind === 'active' ? (state.objected.analytics ?? null) : null,
  };
};

/** Runs `fn` in a transaction; another write to the same privacy stream in between is a 409, not a 500. */
const run = async (a: AuthServices, fn: (tx: TxSql) => Promise<void>) => {
  try {
    await a.sql.begin(fn);
  } catch (e) {
    if (e instanceof ConcurrencyError)
      throw new Conflict('Your privacy settings changed meanwhile; please try again.');
    throw e;
  }
};

export const setObjection = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: z.input<typeof objectionInput>,
): Promise<{ objecting: boolean }> => {
  const { objecting } = objectionInput.parse(raw);
  await run(a, async (tx) => {
    // The same per-user lock as the other privacy switches (restriction): one change at a time.
    await tx`select pg_advisory_xact_lock(hashtext(${`tia:practice:${actor.userId}`}))`;
    if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
    const { state, version } = await load(a, actor.userId, tx);
    const now = a.clock().toISOString();
    let events: objection.ObjectionEvent[];
    try {
      events = objection.decide(
        {
          type: objecting ? 'Object' : 'WithdrawObjection',
          subjectId: actor.userId,
          scope: 'analytics',
          now,
        },
        state,
      );
    } catch (e) {
      if (e instanceof objection.ObjectionRuleViolated) throw new Forbidden(e.message);
      throw e;
    }
    await appendPrivacyEvents(a, tx, actor, version, now, events);
    // Objecting is a right exercised: on record for compliance, done at once.
    if (objecting && events.length > 0)
      await recordCompletedRequest(a, tx, {
        subjectId: actor.userId,
        kind: 'objection',
        actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
        now,
      });
  });
  return { objecting };
};
