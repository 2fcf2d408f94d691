/**
 * Breach response (P36): a decider over one incident's stream `breach-<id>`. Pure: time and ids come in
 * with the command. What the console may do next follows from the events so far.
 */

import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';
export const AUTHORITY_DEADLINE_HOURS = 72;

/** The moment the supervisory authority must have been told (Art. 33(1): 72 hours after awareness). */
export const authorityDeadline = (awareAt: string): string =>
  new Date(Date.parse(awareAt) + AUTHORITY_DEADLINE_HOURS * 3600_000).toISOString();

export type BreachState =
  | { kind: 'none' }
  | {
      kind: 'open' | 'closed';
      awareAt: string;
      reported: boolean;
      /** Subjects of the latest assessment (null before any). */
      affected: readonly string[] | null;
      notified: readonly string[];
      /** The current notice wording (0: none yet). */
      noticeVersion: number;
      wording: NoticeWording | null;
    };

export type NoticeWording = {
  whatHappened: string;
  likelyConsequences: string;
  measuresTaken: string;
  whatYouCanDo: string;
  contact: string;
};

export type AuthorityReport = {
  nature: string;
  subjectCategories: string;
  approxSubjects: number;
  recordCategories: string;
  approxRecords: number;
  dpoContact: string;
  likelyConsequences: string;
  measuresTaken: string;
  measuresProposed: string;
  delayReason: string | null;
};

export type BreachCommand =
  | {
      type: 'Register';
      breachId: string;
      title: string;
      description: string;
      awareAt: string;
      by: string;
      now: string;
    }
  | {
      type: 'RecordContainment';
      breachId: string;
      action: 'suspend_account' | 'lift_suspension' | 'revoke_sessions';
      userId: string;
      sessionsEnded: number;
      by: string;
      now: string;
    }
  | {
      type: 'Assess';
      breachId: string;
      windowFrom: string;
      windowTo: string;
      category: string;
      subjectIds: string[];
      records: number;
      by: string;
      now: string;
    }
  | ({ type: 'WordNotice'; breachId: string; by: string; now: string } & NoticeWording)
  | { type: 'RecordNotice'; breachId: string; userId: string; by: string; now: string }
  | ({ type: 'Report'; breachId: string; by: string; now: string } & AuthorityReport)
  | { type: 'NoteRemediation'; breachId: string; note: string; by: string; now: string }
  | {
      type: 'Close';
      breachId: string;
      summary: string;
      notReportedReason: string | null;
      by: string;
      now: string;
    };

export const breachEvents = eventSlice([
  'BreachRegistered',
  'BreachContained',
  'BreachAffectedAssessed',
  'BreachNoticeWorded',
  'BreachNoticeSent',
  'BreachAuthorityReported',
  'BreachRemediationNoted',
  'BreachClosed',
]);
export type BreachEvent = EventOf<(typeof breachEvents.types)[number]>;

/** `not_found`: no such incident; `conflict`: the step does not fit the incident's current state. */
export class BreachRuleViolated extends DomainRuleViolated {
  constructor(
    readonly kind: 'not_found' | 'conflict',
    message: string,
  ) {
    super(`breach_${kind}`, message);
  }
}

export const initialState: BreachState = { kind: 'none' };

export const decide = (cmd: BreachCommand, s: BreachState): BreachEvent[] => {
  if (cmd.type === 'Register') {
    if (s.kind !== 'none') throw new BreachRuleViolated('conflict', 'This incident is already registered.');
    if (Date.parse(cmd.awareAt) > Date.parse(cmd.now))
      throw new BreachRuleViolated(
        'conflict',
        'The time you became aware of the breach cannot be in the future.',
      );
    return [
      {
        type: 'BreachRegistered',
        data: {
          breachId: cmd.breachId,
          title: cmd.title,
          description: cmd.description,
          awareAt: cmd.awareAt,
          registeredBy: cmd.by,
          registeredAt: cmd.now,
        },
      },
    ];
  }
  if (s.kind === 'none') throw new BreachRuleViolated('not_found', 'There is no such incident.');
  if (s.kind === 'closed') throw new BreachRuleViolated('conflict', 'This incident is closed.');
  switch (cmd.type) {
    case 'RecordContainment':
      return [
        {
          type: 'BreachContained',
          data: {
            breachId: cmd.breachId,
            action: cmd.action,
            userId: cmd.userId,
            sessionsEnded: cmd.sessionsEnded,
            takenBy: cmd.by,
            takenAt: cmd.now,
          },
        },
      ];
    case 'Assess':
      if (Date.parse(cmd.windowFrom) > Date.parse(cmd.windowTo))
        throw new BreachRuleViolated('conflict', 'The start of the window must not be after its end.');
      return [
        {
          type: 'BreachAffectedAssessed',
          data: {
            breachId: cmd.breachId,
            windowFrom: cmd.windowFrom,
            windowTo: cmd.windowTo,
            category: cmd.category,
            subjectIds: cmd.subjectIds,
            records: cmd.records,
            assessedBy: cmd.by,
            assessedAt: cmd.now,
          },
        },
      ];
    case 'WordNotice': {
      if (!s.affected) throw new BreachRuleViolated('conflict', 'Compute the affected people first.');
      const { type: _t, breachId, by, now, ...wording } = cmd;
      const same =
        s.wording !== null &&
        (Object.keys(wording) as (keyof NoticeWording)[]).every((k) => s.wording?.[k] === wording[k]);
      if (same) return [];
      return [
        {
          type: 'BreachNoticeWorded',
          data: { breachId, noticeVersion: s.noticeVersion + 1, ...wording, wordedBy: by, wordedAt: now },
        },
      ];
    }
    case 'RecordNotice':
      if (s.noticeVersion === 0) throw new BreachRuleViolated('conflict', 'Write the notice first.');
      if (!s.affected?.includes(cmd.userId))
        throw new BreachRuleViolated('conflict', 'This person is not among the affected people computed.');
      if (s.notified.includes(cmd.userId)) return [];
      return [
        {
          type: 'BreachNoticeSent',
          data: {
            breachId: cmd.breachId,
            userId: cmd.userId,
            noticeVersion: s.noticeVersion,
            sentBy: cmd.by,
            sentAt: cmd.now,
          },
        },
      ];
    case 'Report': {
      const { type: _t, breachId, by, now, ...report } = cmd;
      return [
        { type: 'BreachAuthorityReported', data: { breachId, ...report, reportedBy: by, reportedAt: now } },
      ];
    }
    case 'NoteRemediation':
      return [
        {
          type: 'BreachRemediationNoted',
          data: { breachId: cmd.breachId, note: cmd.note, notedBy: cmd.by, notedAt: cmd.now },
        },
      ];
    case 'Close':
      if (!s.reported && !cmd.notReportedReason)
        throw new BreachRuleViolated(
          'conflict',
          'Report the breach to the authority first, or say why it is unlikely to put anyone at risk.',
        );
      return [
        {
          type: 'BreachClosed',
          data: {
            breachId: cmd.breachId,
            summary: cmd.summary,
            notReportedReason: s.reported ? null : cmd.notReportedReason,
            closedBy: cmd.by,
            closedAt: cmd.now,
          },
        },
      ];
  }
};

export const evolve = (s: BreachState, e: BreachEvent): BreachState => {
  if (e.type === 'BreachRegistered')
    return {
      kind: 'open',
      awareAt: e.data.awareAt,
      reported: false,
      affected: null,
      notified: [],
      noticeVersion: 0,
      wording: null,
    };
  if (s.kind === 'none') return s;
  switch (e.type) {
    case 'BreachAffectedAssessed':
      return { ...s, affected: e.data.subjectIds };
    case 'BreachNoticeWorded': {
      const { breachId: _b, noticeVersion, wordedBy: _w, wordedAt: _a, ...wording } = e.data;
      return { ...s, noticeVersion, wording };
    }
    case 'BreachNoticeSent':
      return { ...s, notified: [...s.notified, e.data.userId] };
    case 'BreachAuthorityReported':
      return { ...s, reported: true };
    case 'BreachClosed':
      return { ...s, kind: 'closed' };
    default:
      return s;
  }
};

export const breachDecider: Decider<BreachState, BreachCommand, (typeof breachEvents.types)[number]> = {
  events: breachEvents,
  decide,
  evolve,
  initialState,
};
