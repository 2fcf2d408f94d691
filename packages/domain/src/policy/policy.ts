/**
 * Policy revisions (P35): a decider over the one stream `policy-revisions` (officers publish numbered revisions of the
 * privacy notice) and one over each person's acknowledgements (`policy-acceptance-<userId>`). Pure: the time
 * comes in with the command; what the acknowledgement refers to is read by the use case and passed in.
 */
import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

export const POLICY_STREAM = 'policy-revisions';
export const acceptanceStream = (userId: string) => `policy-acceptance-${userId}`;
export const noticeStream = (revision: number, userId: string) => `policy-notice-${revision}-${userId}`;

/** What a revision is, as the console, the notice and the emails show it. */
export interface RevisionInfo {
  revision: number;
  revisionId: string;
  summary: string;
  significant: boolean;
  effectiveOn: string;
  publishedAt: string;
}

/**
 * Revision 1: the notice in force when revisions began to be tracked (the version consents recorded before
 * this feature name). It is not an event: every later revision is.
 */
export const BASELINE: RevisionInfo = {
  revision: 1,
  revisionId: '2026-11-30',
  summary: 'First published version of the privacy notice.',
  significant: false,
  effectiveOn: '2026-11-30',
  publishedAt: '2026-11-30T00:00:00.000Z',
};
export const BASELINE_TEXT =
  'Revision 1 is the privacy notice as first published on 30 November 2026, before revisions were tracked in the event log. Later revisions keep their full text here.';

export class PolicyRuleViolated extends DomainRuleViolated {
  constructor(
    readonly kind: 'conflict' | 'not_found' | 'invalid',
    message: string,
  ) {
    super(`policy_${kind}`, message);
  }
}

// ——— publication ———

export interface PublicationState {
  latest: number;
  latestEffectiveOn: string;
  revisionIds: readonly string[];
}

export type PublishRevision = {
  type: 'PublishRevision';
  revisionId: string;
  summary: string;
  significant: boolean;
  effectiveOn: string;
  text: string;
  by: string;
  now: string;
};

export const publicationEvents = eventSlice(['PolicyRevisionPublished']);
export type PublicationEvent = EventOf<(typeof publicationEvents.types)[number]>;

export const initialPublication: PublicationState = {
  latest: BASELINE.revision,
  latestEffectiveOn: BASELINE.effectiveOn,
  revisionIds: [BASELINE.revisionId],
};

export const decidePublication = (cmd: PublishRevision, s: PublicationState): PublicationEvent[] => {
  if (s.revisionIds.includes(cmd.revisionId))
    throw new PolicyRuleViolated('conflict', `A revision called “${cmd.revisionId}” was already published.`);
  const today = cmd.now.slice(0, 10);
  if (cmd.effectiveOn < today)
    throw new PolicyRuleViolated('invalid', 'The effective date cannot be in the past.');
  if (cmd.effectiveOn < s.latestEffectiveOn)
    throw new PolicyRuleViolated(
      'invalid',
      `The effective date cannot be before that of the previous revision (${s.latestEffectiveOn}).`,
    );
  return [
    {
      type: 'PolicyRevisionPublished',
      data: {
        revision: s.latest + 1,
        revisionId: cmd.revisionId,
        summary: cmd.summary,
        significant: cmd.significant,
        effectiveOn: cmd.effectiveOn,
        text: cmd.text,
        publishedBy: cmd.by,
        publishedAt: cmd.now,
      },
    },
  ];
};

export const evolvePublication = (s: PublicationState, e: PublicationEvent): PublicationState => ({
  latest: e.data.revision,
  latestEffectiveOn: e.data.effectiveOn,
  revisionIds: [...s.revisionIds, e.data.revisionId],
});

export const publicationDecider: Decider<
  PublicationState,
  PublishRevision,
  (typeof publicationEvents.types)[number]
> = {
  events: publicationEvents,
  decide: decidePublication,
  evolve: evolvePublication,
  initialState: initialPublication,
};

// ——— acknowledgement ———

export interface AcceptanceState {
  /** revision → when it was acknowledged */
  accepted: Readonly<Record<number, string>>;
}

export type AcceptRevision = {
  type: 'AcceptRevision';
  userId: string;
  /** The revision the person acknowledges, as published (null: no such revision). */
  revision: Pick<RevisionInfo, 'revision' | 'revisionId'> | null;
  now: string;
};

export const acceptanceEvents = eventSlice(['PolicyRevisionAccepted']);
export type AcceptanceEvent = EventOf<(typeof acceptanceEvents.types)[number]>;

export const decideAcceptance = (cmd: AcceptRevision, s: AcceptanceState): AcceptanceEvent[] => {
  if (!cmd.revision) throw new PolicyRuleViolated('not_found', 'There is no such revision of the notice.');
  if (s.accepted[cmd.revision.revision] !== undefined) return []; // acknowledged already: nothing new
  return [
    {
      type: 'PolicyRevisionAccepted',
      data: {
        userId: cmd.userId,
        revision: cmd.revision.revision,
        revisionId: cmd.revision.revisionId,
        acceptedAt: cmd.now,
      },
    },
  ];
};

export const evolveAcceptance = (s: AcceptanceState, e: AcceptanceEvent): AcceptanceState => ({
  accepted: { ...s.accepted, [e.data.revision]: e.data.acceptedAt },
});

export const acceptanceDecider: Decider<
  AcceptanceState,
  AcceptRevision,
  (typeof acceptanceEvents.types)[number]
> = {
  events: acceptanceEvents,
  decide: decideAcceptance,
  evolve: evolveAcceptance,
  initialState: { accepted: {} },
};

// ——— reading ———

/** The revision in force on `today` (YYYY-MM-DD): the latest whose effective date has come. */
export const currentRevision = <R extends RevisionInfo>(revisions: readonly R[], today: string): R | null =>
  revisions
    .filter((r) => r.effectiveOn <= today)
    .reduce<R | null>((best, r) => (best === null || r.revision > best.revision ? r : best), null);

/**
 * The significant revision a person still has to acknowledge, or null: the latest significant revision
 * published after their account was created that they have not acknowledged (nor any later one). People who
 * joined later agreed to a notice that already included the change.
 */
export const pendingAcknowledgement = <R extends RevisionInfo>(
  revisions: readonly R[],
  registeredAt: string,
  acceptedRevisions: readonly number[],
): R | null => {
  const latestAccepted = Math.max(0, ...acceptedRevisions);
  const due = revisions.filter(
    (r) => r.significant && r.publishedAt > registeredAt && r.revision > latestAccepted,
  );
  return due.reduce<R | null>((best, r) => (best === null || r.revision > best.revision ? r : best), null);
};

// ——— emails about a significant revision ———

export type RecordNoticeSent = {
  type: 'RecordNoticeSent';
  userId: string;
  revision: RevisionInfo;
  now: string;
};

export const noticeEvents = eventSlice(['PolicyChangeNoticeSent']);
export type NoticeEvent = EventOf<(typeof noticeEvents.types)[number]>;

/** One person, one revision: the email is recorded once (a second record decides nothing). */
export const noticeDecider: Decider<
  { sent: boolean },
  RecordNoticeSent,
  (typeof noticeEvents.types)[number]
> = {
  events: noticeEvents,
  initialState: { sent: false },
  decide: (cmd, s) => {
    if (!cmd.revision.significant)
      throw new PolicyRuleViolated('invalid', 'Only significant revisions are announced by email.');
    return s.sent
      ? []
      : [
          {
            type: 'PolicyChangeNoticeSent',
            data: {
              userId: cmd.userId,
              revision: cmd.revision.revision,
              revisionId: cmd.revision.revisionId,
              sentAt: cmd.now,
            },
          },
        ];
  },
  evolve: () => ({ sent: true }),
};
