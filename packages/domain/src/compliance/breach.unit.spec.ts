import { describe, expect, it } from 'vitest';
import {
  authorityDeadline,
  BreachRuleViolated,
  decide,
  evolve,
  initialState,
  type BreachCommand,
  type BreachState,
} from './breach.js';

const NOW = '2026-06-01T12:00:00.000Z';
const run = (cmds: BreachCommand[]): BreachState =>
  cmds.reduce((s, c) => decide(c, s).reduce(evolve, s), initialState);
const register: BreachCommand = {
  type: 'Register',
  breachId: 'b1',
  title: 't',
  description: 'd',
  awareAt: '2026-06-01T09:00:00.000Z',
  by: 'o',
  now: NOW,
};
const assess = (subjectIds: string[]): BreachCommand => ({
  type: 'Assess',
  breachId: 'b1',
  windowFrom: '2026-06-01T00:00:00.000Z',
  windowTo: '2026-06-01T06:00:00.000Z',
  category: 'identity',
  subjectIds,
  records: subjectIds.length,
  by: 'o',
  now: NOW,
});
const wording = {
  whatHappened: 'a',
  likelyConsequences: 'b',
  measuresTaken: 'c',
  whatYouCanDo: 'd',
  contact: 'e',
};
const kindOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof BreachRuleViolated ? e.kind : 'other';
  }
};

describe('breach decider', () => {
  it('puts the authority deadline 72 hours after awareness', () => {
    expect(authorityDeadline('2026-06-01T09:00:00.000Z')).toBe('2026-06-04T09:00:00.000Z');
  });

  it('refuses steps on an unknown or closed incident, and a second registration', () => {
    expect(kindOf(() => decide(assess([]), initialState))).toBe('not_found');
    const s = run([register]);
    expect(kindOf(() => decide(register, s))).toBe('conflict');
    const closed = run([
      register,
      { type: 'Close', breachId: 'b1', summary: 's', notReportedReason: 'encrypted data', by: 'o', now: NOW },
    ]);
    expect(kindOf(() => decide(assess([]), closed))).toBe('conflict');
  });

  it('notifies only assessed people, once each, under the current wording', () => {
    const s = run([
      register,
      assess(['u1', 'u2']),
      { type: 'WordNotice', breachId: 'b1', ...wording, by: 'o', now: NOW },
    ]);
    const notify = (userId: string): BreachCommand => ({
      type: 'RecordNotice',
      breachId: 'b1',
      userId,
      by: 'o',
      now: NOW,
    });
    expect(decide(notify('u1'), s)).toEqual([
      {
        type: 'BreachNoticeSent',
        data: { breachId: 'b1', userId: 'u1', noticeVersion: 1, sentBy: 'o', sentAt: NOW },
      },
    ]);
    expect(kindOf(() => decide(notify('u3'), s))).toBe('conflict');
    const after = decide(notify('u1'), s).reduce(evolve, s);
    expect(decide(notify('u1'), after)).toEqual([]);
    // The same wording again records nothing; a changed one is version 2.
    expect(decide({ type: 'WordNotice', breachId: 'b1', ...wording, by: 'o', now: NOW }, s)).toEqual([]);
    expect(
      decide({ type: 'WordNotice', breachId: 'b1', ...wording, contact: 'f', by: 'o', now: NOW }, s)[0]?.data,
    ).toMatchObject({ noticeVersion: 2 });
  });

  it('closes only after a report or with a reason it need not be reported', () => {
    const s = run([register]);
    const close: BreachCommand = {
      type: 'Close',
      breachId: 'b1',
      summary: 's',
      notReportedReason: null,
      by: 'o',
      now: NOW,
    };
    expect(kindOf(() => decide(close, s))).toBe('conflict');
    expect(kindOf(() => decide({ ...close, notReportedReason: 'no risk' }, s))).toBe('ok');
  });
});
