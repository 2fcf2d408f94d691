/**
 * A person's restriction of processing (P26) and their erasure, on the stream `privacy-<userId>` (consents and
 * objections share it, each with its own decider). Restricting twice, or lifting what is not restricted, records
 * nothing; an erased person can do neither. Erasing twice records nothing.
 */
import type { EventData } from '../events/domain-event.js';
import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

export type PrivacyState = { kind: 'active'; restrictedSince: string | null } | { kind: 'erased' };

export type PrivacyCommand =
  | { type: 'RestrictProcessing'; subjectId: string; now: string }
  | { type: 'LiftRestriction'; subjectId: string; now: string }
  | { type: 'Erase'; subjectId: string; reason: EventData<'SubjectErased'>['reason']; now: string };

export const privacyEvents = eventSlice([
  'ProcessingRestricted',
  'ProcessingRestrictionLifted',
  'SubjectErased',
]);
export type PrivacyEvent = EventOf<(typeof privacyEvents.types)[number]>;

export class PrivacyRuleViolated extends DomainRuleViolated {
  readonly kind = 'forbidden' as const;
  constructor(message: string) {
    super('subject_erased', message);
  }
}

export const initialState: PrivacyState = { kind: 'active', restrictedSince: null };

export const isRestricted = (s: PrivacyState): boolean => s.kind === 'active' && s.restrictedSince !== null;

export const decide = (cmd: PrivacyCommand, s: PrivacyState): PrivacyEvent[] => {
  if (cmd.type === 'Erase')
    return s.kind === 'erased'
      ? []
      : [
          {
            type: 'SubjectErased',
            data: { subjectId: cmd.subjectId, reason: cmd.reason, erasedAt: cmd.now },
          },
        ];
  if (s.kind === 'erased') throw new PrivacyRuleViolated('This account was erased.');
  if (cmd.type === 'RestrictProcessing')
    return isRestricted(s)
      ? []
      : [{ type: 'ProcessingRestricted', data: { subjectId: cmd.subjectId, restrictedAt: cmd.now } }];
  return isRestricted(s)
    ? [{ type: 'ProcessingRestrictionLifted', data: { subjectId: cmd.subjectId, liftedAt: cmd.now } }]
    : [];
};

export const evolve = (s: PrivacyState, e: PrivacyEvent): PrivacyState => {
  if (e.type === 'SubjectErased') return { kind: 'erased' };
  if (s.kind === 'erased') return s;
  if (e.type === 'ProcessingRestricted') return { kind: 'active', restrictedSince: e.data.restrictedAt };
  return { kind: 'active', restrictedSince: null };
};

export const privacyDecider: Decider<PrivacyState, PrivacyCommand, (typeof privacyEvents.types)[number]> = {
  events: privacyEvents,
  decide,
  evolve,
  initialState,
};
