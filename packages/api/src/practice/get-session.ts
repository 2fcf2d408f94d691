/** Use case: one of the caller's sessions with its questions and answers so far. */
import { z } from 'zod';
import { revealQuestion } from '@tia/domain';
import type { AuthServices } from '../services.js';
import type { Actor } from './access.js';
import { ownSession, recordingsWhere, sessionPii, toSummary, withName } from './views.js';

export const sessionInput = z.object({ sessionId: z.string().min(1).max(200) });

export const getSession = async (a: AuthServices, actor: Actor, input: z.input<typeof sessionInput>) => {
  const { sessionId } = sessionInput.parse(input);
  const s = await ownSession(a.sql, actor.userId, sessionId);
  const pii = await sessionPii(a, sessionId);
  const answers = (await recordingsWhere(a.sql, actor.userId, { sessionId })).map(toSummary);
  return {
    sessionId: s.session_id,
    track: s.track,
    startedAt: s.started_at.toISOString(),
    answerTimeLimitSeconds: s.time_limit_s,
    keyTerms: pii.keyTerms,
    jobTitle: pii.jobTitle,
    questions: s.questions.map((q) => ({
      ...withName(revealQuestion(q, pii)),
      answers: answers.filter((r) => r.questionId === q.id),
    })),
  };
};
