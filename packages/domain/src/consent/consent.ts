import type { ConsentPurpose } from '../events/catalog.js';

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

export type ConsentEvent =
  | {
      type: 'ConsentGiven';
      data: { subjectId: string; purpose: ConsentPurpose; policyVersion: string; givenAt: string };
    }
  | { type: 'ConsentWithdrawn'; data: { subjectId: string; purpose: ConsentPurpose; withdrawnAt: string } }
  | { type: 'SubjectErased'; data: { subjectId: string; reason: string; erasedAt: string } };

export class ConsentRuleViolated extends Error {
  constructor(
    readonly rule: 'subject_erased' | 'not_given' | 'already_given',
    message: string,
  ) {
    super(message);
    this.name = 'ConsentRuleViolated';
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

export const consentDecider = { decide, evolve, initialState };

/** The consent events of a mixed privacy stream (objections and restrictions share it); others are null. */
export const toConsentEvent = (e: { type: string; data: Record<string, unknown> }): ConsentEvent | null =>
  e.type === 'ConsentGiven' || e.type === 'ConsentWithdrawn' || e.type === 'SubjectErased'
    ? (e as unknown as ConsentEvent)
    : null;
