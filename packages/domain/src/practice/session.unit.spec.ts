import { describe, it } from 'vitest';
import { specFor } from '../decider-spec.js';
import { sessionDecider, SessionRuleViolated, type SessionCommand, type SessionEvent } from './session.js';

const T0 = '2026-12-07T10:00:00.000Z';
const spec = specFor(sessionDecider);
const start: SessionCommand = {
  type: 'StartSession',
  session: {
    sessionId: 's1',
    userId: 'u1',
    track: 'competency',
    jobTitle: null,
    jobDescription: null,
    keyTerms: [],
    questions: [
      {
        id: 'q1',
        competency: 'leadership',
        kind: 'behavioural',
        text: 'Tell me about a time you led a team.',
        strongAnswerShows: ['a clear outcome'],
        expectsStar: true,
      },
    ],
    questionBankVersion: 'bank-1',
    answerTimeLimitSeconds: 120,
  },
  now: T0,
};
const started: SessionEvent = { type: 'PracticeSessionStarted', data: { ...start.session, startedAt: T0 } };

describe('practice session decider', () => {
  it('Given nothing, When the session starts, Then PracticeSessionStarted records its questions and time', () => {
    spec.given([]).when(start).then([started]);
  });

  it('Given a started session, When it starts again, Then it is refused', () => {
    spec.given([started]).when(start).thenThrows(SessionRuleViolated);
  });
});
