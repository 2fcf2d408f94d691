import { describe, expect, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import {
  authorityDeadline,
  breachDecider,
  BreachRuleViolated,
  type BreachCommand,
  type BreachEvent,
} from './breach.js';

const NOW = '2026-06-01T12:00:00.000Z';
const spec = specFor(breachDecider);
/** The events the commands decide one after another (the history a test is given). */
const history = (cmds: BreachCommand[]): BreachEvent[] =>
  cmds.reduce<BreachEvent[]>((events, c) => [...events, ...spec.given(events).when(c).events()], []);
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
describe('breach decider', () => {
  it('puts the authority deadline 72 hours after awareness', () => {
    expect(authorityDeadline('2026-06-01T09:00:00.000Z')).toBe('2026-06-04T09:00:00.000Z');
  });

  it('refuses steps on an unknown or closed incident, and a second registration', () => {
    spec.given([]).when(assess([])).thenThrows(BreachRuleViolated, 'breach_not_found');
    spec
      .given(history([register]))
      .when(register)
      .thenThrows(BreachRuleViolated, 'breach_conflict');
    const closed = history([
      register,
      { type: 'Close', breachId: 'b1', summary: 's', notReportedReason: 'encrypted data', by: 'o', now: NOW },
    ]);
    spec.given(closed).when(assess([])).thenThrows(BreachRuleViolated, 'breach_conflict');
  });

  it('notifies only assessed people, once each, under the current wording', () => {
    const worded = history([
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
    const s = spec.given(worded);
    s.when(notify('u1')).then([
      {
        type: 'BreachNoticeSent',
        data: { breachId: 'b1', userId: 'u1', noticeVersion: 1, sentBy: 'o', sentAt: NOW },
      },
    ]);
    s.when(notify('u3')).thenThrows(BreachRuleViolated, 'breach_conflict');
    spec
      .given([...worded, ...s.when(notify('u1')).events()])
      .when(notify('u1'))
      .then([]);
    // The same wording again records nothing; a changed one is version 2.
    s.when({ type: 'WordNotice', breachId: 'b1', ...wording, by: 'o', now: NOW }).then([]);
    expect(
      s.when({ type: 'WordNotice', breachId: 'b1', ...wording, contact: 'f', by: 'o', now: NOW }).events()[0]
        ?.data,
    ).toMatchObject({ noticeVersion: 2 });
  });

  it('closes only after a report or with a reason it need not be reported', () => {
    const s = spec.given(history([register]));
    const close: BreachCommand = {
      type: 'Close',
      breachId: 'b1',
      summary: 's',
      notReportedReason: null,
      by: 'o',
      now: NOW,
    };
    s.when(close).thenThrows(BreachRuleViolated, 'breach_conflict');
    expect(() => s.when({ ...close, notReportedReason: 'no risk' }).events()).not.toThrow();
  });
});
