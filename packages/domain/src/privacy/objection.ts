import type { ObjectionScope } from '../events/analytics.js';
import { eventSlice, type EventOf } from '../events/domain-event.js';
import { DomainRuleViolated, type Decider } from '../decider.js';

/**
 * The right to object (P25): a decider over a person's objections. Objecting twice, or withdrawing an
 * objection that does not exist, records nothing. An erased person can do neither.
 */
export type ObjectionState =
  { kind: 'active'; objected: Partial<Record<ObjectionScope, string>> } | { kind: 'erased' };

export type ObjectionCommand =
  | { type: 'Object'; subjectId: string; scope: ObjectionScope; now: string }
  | { type: 'WithdrawObjection'; subjectId: string; scope: ObjectionScope; now: string };

export const objectionEvents = eventSlice(['ProcessingObjected', 'ObjectionWithdrawn', 'SubjectErased']);
export type ObjectionEvent = EventOf<(typeof objectionEvents.types)[number]>;

export class ObjectionRuleViolated extends DomainRuleViolated {
  readonly kind = 'forbidden' as const;
  constructor(message: string) {
    super('subject_erased', message);
  }
}

export const initialState: ObjectionState = { kind: 'active', objected: {} };

export const isObjecting = (s: ObjectionState, scope: ObjectionScope): boolean =>
  s.kind === 'active' && s.objected[scope] !== undefined;

export const decide = (cmd: ObjectionCommand, s: ObjectionState): ObjectionEvent[] => {
  if (s.kind === 'erased') throw new ObjectionRuleViolated('This account was erased.');
  const objecting = isObjecting(s, cmd.scope);
  if (cmd.type === 'Object')
    return objecting
      ? []
      : [
          {
            type: 'ProcessingObjected',
            data: { subjectId: cmd.subjectId, scope: cmd.scope, objectedAt: cmd.now },
          },
        ];
  return objecting
    ? [
        {
          type: 'ObjectionWithdrawn',
          data: { subjectId: cmd.subjectId, scope: cmd.scope, withdrawnAt: cmd.now },
        },
      ]
    : [];
};

export const evolve = (s: ObjectionState, e: ObjectionEvent): ObjectionState => {
  if (e.type === 'SubjectErased') return { kind: 'erased' };
  if (s.kind === 'erased') return s;
  if (e.type === 'ProcessingObjected')
    return { kind: 'active', objected: { ...s.objected, [e.data.scope]: e.data.objectedAt } };
  const { [e.data.scope]: _gone, ...rest } = s.objected;
  return { kind: 'active', objected: rest };
};

export const objectionDecider: Decider<
  ObjectionState,
  ObjectionCommand,
  (typeof objectionEvents.types)[number]
> = { events: objectionEvents, decide, evolve, initialState };
