import type { ConsentPurpose } from '../events/catalog.js';
import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

/** Consent of one data subject, per purpose. A decider: pure `decide`, `evolve`, `initialState`. */
export type PurposeConsent =
  | { status: 'never_asked' }
  | { status: 'given'; policyVersion: string; since: string }
  | { status: 'withdrawn'; since: string };

export type ConsentState =
  | { kind: 'active'; purposes: Partial<Record<ConsentPurpose, PurposeConsent>> }
  | { kind: 'erased'; erasedAt: string };

export type ConsentCommand =
  | { type: 'GiveConsent'; subjectId: string; purpose: ConsentPurpose; policyVersion: string; now: string }
  | { type: 'WithdrawConsent'; subjectId: string; purpose: ConsentPurpose; now: string };

export const consentEvents = eventSlice(['ConsentGiven', 'ConsentWithdrawn', 'SubjectErased']);
export type ConsentEvent = EventOf<(typeof consentEvents.types)[number]>;

export class ConsentRuleViolated extends DomainRuleViolated {
  readonly kind = 'forbidden' as const;
  constructor(
    override readonly rule: 'subject_erased' | 'not_given' | 'already_given',
    message: string,
  ) {
    super(rule, message);
  }
}

export const initialState: ConsentState = { kind: 'active', purposes: {} };

export const purposeStatus = (s: ConsentState, p: ConsentPurpose): PurposeConsent =>
  s.kind === 'active' ? (s.purposes[p] ?? { status: 'never_asked' }) : { status: 'never_asked' };

export const decide = (cmd: ConsentCommand, state: ConsentState): ConsentEvent[] => {
  if (state.kind === 'erased') throw new ConsentRuleViolated('subject_erased', 'This account was erased.');
  const current = purposeStatus(state, cmd.purpose);
  switch (cmd.type) {
    case 'GiveConsent':
      if (current.status === 'given' && current.policyVersion === cmd.policyVersion) return []; // idempotent
      return [
        {
          type: 'ConsentGiven',
          data: {
            subjectId: cmd.subjectId,
            purpose: cmd.purpose,
            policyVersion: cmd.policyVersion,
            givenAt: cmd.now,
          },
        },
      ];
    case 'WithdrawConsent':
      if (current.status !== 'given') return []; // nothing to withdraw: no event, no error
      return [
        {
          type: 'ConsentWithdrawn',
          data: { subjectId: cmd.subjectId, purpose: cmd.purpose, withdrawnAt: cmd.now },
        },
      ];
  }
};

export const evolve = (state: ConsentState, event: ConsentEvent): ConsentState => {
  switch (event.type) {
    case 'ConsentGiven':
      if (state.kind === 'erased') return state;
      return {
        kind: 'active',
        purposes: {
          ...state.purposes,
          [event.data.purpose]: {
            status: 'given',
            policyVersion: event.data.policyVersion,
            since: event.data.givenAt,
          },
        },
      };
    case 'ConsentWithdrawn':
      if (state.kind === 'erased') return state;
      return {
        kind: 'active',
        purposes: {
          ...state.purposes,
          [event.data.purpose]: { status: 'withdrawn', since: event.data.withdrawnAt },
        },
      };
    case 'SubjectErased':
      return { kind: 'erased', erasedAt: event.data.erasedAt };
  }
};

export const consentDecider: Decider<ConsentState, ConsentCommand, (typeof consentEvents.types)[number]> = {
  events: consentEvents,
  decide,
  evolve,
  initialState,
};
