/**
 * Consent per purpose (P24): the candidate sees what they agreed to, under which policy version and since
 * when, and gives or withdraws each consent. Decisions come from the consent decider; events go on the
 * `privacy-<userId>` stream with the version that was read (a change in between is a 409).
 */
import { z } from 'zod';
import { lockSubject, type TxSql } from '@tia/db';
import { CONSENT_PURPOSES, ConsentPurpose, consent } from '@tia/domain';
import type { AuthServices } from '../services.js';
import { Forbidden } from '../errors.js';
import { policyVersionInForce } from '../policy/revisions.js';
import { deletePendingAudio } from './pending-audio.js';
import { privacyStream } from './stream.js';
import { recordCompletedRequest } from './requests.js';

export const setConsentInput = z.object({ purpose: ConsentPurpose, given: z.boolean() });

export interface ConsentView {
  purpose: ConsentPurpose;
  status: 'given' | 'withdrawn' | 'never';
  since: string | null;
  policyVersion: string | null;
}

const load = (a: AuthServices, userId: string, db?: TxSql) =>
  a.store.load(privacyStream(userId), consent.consentDecider, db);

const viewOf = (state: consent.ConsentState): ConsentView[] =>
  CONSENT_PURPOSES.map((purpose) => {
    const p = consent.purposeStatus(state, purpose);
    if (p.status === 'given')
      return { purpose, status: 'given', since: p.since, policyVersion: p.policyVersion };
    if (p.status === 'withdrawn')
      return { purpose, status: 'withdrawn', since: p.since, policyVersion: null };
    return { purpose, status: 'never', since: null, policyVersion: null };
  });

/** Each purpose with its status, since when, and the policy version it was given under. */
export const getConsents = async (a: AuthServices, userId: string): Promise<ConsentView[]> =>
  viewOf((await load(a, userId)).state);

/**
 * Gives (naming the revision of the privacy notice in force) or withdraws one consent. Takes the subject's lock, as uploads
 * do, so no upload slips in between a withdrawal and its check. Audio already uploaded but not transcribed is
 * deleted in the withdrawal's transaction (`deletePendingAudio`); a worker already decoding it checks the
 * consent again before committing anything and records nothing more.
 */
export const setConsent = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: z.input<typeof setConsentInput>,
): Promise<ConsentView[]> => {
  const { purpose, given } = setConsentInput.parse(raw);
  const policyVersion = given ? await policyVersionInForce(a) : null;
  const { state } = await a.commands.handle(
    consent.consentDecider,
    privacyStream(actor.userId),
    (_s, now): consent.ConsentCommand =>
      given && policyVersion
        ? { type: 'GiveConsent', subjectId: actor.userId, purpose, policyVersion, now }
        : { type: 'WithdrawConsent', subjectId: actor.userId, purpose, now },
    { actor: { kind: 'user', id: actor.userId }, requestId: actor.requestId },
    {
      before: async (tx) => {
        await lockSubject(tx, actor.userId);
        if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
      },
      after: async (tx, { events }) => {
        if (given || events.length === 0) return;
        const now = a.clock().toISOString();
        // Withdrawing is a right exercised: on record for compliance, done at once.
        await recordCompletedRequest(a, tx, {
          subjectId: actor.userId,
          kind: 'withdrawal',
          actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
          now,
        });
        // Withdrawn recording consent: answers still waiting are deleted now, untranscribed (not by the worker later).
        if (purpose === 'recording_feedback')
          await deletePendingAudio(a, tx, actor, 'consent_withdrawn', now);
      },
    },
  );
  return viewOf(state);
};
