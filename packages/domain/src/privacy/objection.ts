import type { ObjectionScope } from '../events/analytics.js';

/**
 * The right to object (P25): a decider over a person's objections. Objecting twice, or withdrawing an
 * objection that does not exist, records nothing. An erased person can do neither.
 */
export type ObjectionState =
  { kind: 'active'; objected: Partial<Record<ObjectionScope, string>> } | { kind: 'erased' };

export type ObjectionCommand =
  | { type: 'Object'; subjectId: string; scope: ObjectionScope; now: string }
  | { type: 'WithdrawObjection'; subjectId: string; scope: ObjectionScope; now: string };

export type ObjectionEvent =
  | { type: 'ProcessingObjected'; data: { subjectId: string; scope: ObjectionScope; objectedAt: string } }
  | { type: 'ObjectionWithdrawn'; data: { subjectId: string; scope: ObjectionScope; withdrawnAt: string } }
  | { type: 'SubjectErased'; data: { subjectId: string } };

export class ObjectionRuleViolated extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectionRuleViolated';
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

/** A stored event of the privacy stream as this decider's event (null: not one of its types). */
export const toObjectionEvent = (e: {
  type: string;
  data: Record<string, unknown>;
}): ObjectionEvent | null =>
  e.type === 'ProcessingObjected' || e.type === 'ObjectionWithdrawn' || e.type === 'SubjectErased'
    ? (e as unknown as ObjectionEvent)
    : null;

export const objectionDecider = { decide, evolve, initialState };
