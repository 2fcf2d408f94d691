import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  initialState,
  isObjecting,
  objectionDecider,
  ObjectionRuleViolated,
} from './objection.js';
import { specFor } from '../decider-spec.js';

const now = '2026-12-01T00:00:00.000Z';
describe('objection decider (P25)', () => {
  it('Given no objection, When Object, Then ProcessingObjected; again: nothing', () => {
    const out = decide({ type: 'Object', subjectId: 'u', scope: 'analytics', now }, initialState);
    expect(out).toEqual([
      { type: 'ProcessingObjected', data: { subjectId: 'u', scope: 'analytics', objectedAt: now } },
    ]);
    const s = evolve(initialState, out[0]!);
    expect(isObjecting(s, 'analytics')).toBe(true);
    expect(decide({ type: 'Object', subjectId: 'u', scope: 'analytics', now }, s)).toEqual([]);
    const w = decide({ type: 'WithdrawObjection', subjectId: 'u', scope: 'analytics', now }, s);
    expect(w[0]!.type).toBe('ObjectionWithdrawn');
    expect(isObjecting(evolve(s, w[0]!), 'analytics')).toBe(false);
  });
  it('Given an erased subject, Then no command is accepted', () => {
    specFor(objectionDecider)
      .given([{ type: 'SubjectErased', data: { subjectId: 'u', reason: 'user_request', erasedAt: now } }])
      .when({ type: 'Object', subjectId: 'u', scope: 'analytics', now })
      .thenThrows(ObjectionRuleViolated);
  });
});
