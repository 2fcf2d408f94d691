/** Use case: start a practice session (bank or job track) — questions picked or generated, then decided. */
import { z } from 'zod';
import type { PracticeQuestion } from '@tia/domain';
import {
  generateJobQuestions,
  pickQuestions,
  QUESTION_BANK_VERSION,
  practiceSession,
  recording,
  redactJobQuestions,
  TRACKS,
  COMPETENCY_IDS,
  competenciesOf,
} from '@tia/domain';
import { restrictionOf } from '@tia/db';
import { Forbidden, ValidationFailed } from '../errors.js';
import type { AuthServices } from '../services.js';
import { POLICIES } from '../rate-limit.js';
import {
  RESTRICTED_MESSAGE,
  requireVerifiedEmail,
  reservePerAccountAndNetwork,
  type Actor,
} from './access.js';

export const JOB_DESCRIPTION_MIN = 50;

export const startInput = z
  .object({
    track: z.enum(TRACKS),
    count: z.number().int().min(1).max(10).default(3),
    competency: z.enum(COMPETENCY_IDS).optional(),
    jobTitle: z.string().trim().max(200, 'Keep the job title under 200 characters.').optional(),
    jobDescription: z
      .string()
      .trim()
      .max(50_000, 'The job description is too long (50,000 characters at most).')
      .optional(),
    answerTimeLimitSeconds: z.number().int().min(30).max(300).default(120),
  })
  .superRefine((v, ctx) => {
    if (v.track === 'job') {
      if (!v.jobTitle)
        ctx.addIssue({ code: 'custom', path: ['jobTitle'], message: 'Enter the title of the job.' });
      if (!v.jobDescription || v.jobDescription.length < JOB_DESCRIPTION_MIN)
        ctx.addIssue({
          code: 'custom',
          path: ['jobDescription'],
          message: `Paste the job description (at least ${JOB_DESCRIPTION_MIN} characters).`,
        });
    } else if (v.competency !== undefined && !competenciesOf(v.track).includes(v.competency)) {
      ctx.addIssue({
        code: 'custom',
        path: ['competency'],
        message: 'This competency is not part of the chosen track.',
      });
    }
  });
export type StartInput = z.output<typeof startInput>;

/** Picks (bank tracks) or generates (job track) the questions and appends `PracticeSessionStarted`. */
export const startSession = async (
  a: AuthServices,
  actor: Actor,
  raw: z.input<typeof startInput>,
): Promise<{ sessionId: string }> => {
  const input = startInput.parse(raw);
  await requireVerifiedEmail(a.sql, actor.userId);
  // A restricted account keeps its data but starts nothing new to analyse (P26), as uploads are refused.
  if ((await restrictionOf(a.sql, actor.userId)).restricted) throw new Forbidden(RESTRICTED_MESSAGE);
  await reservePerAccountAndNetwork(a, 'session-start', actor.userId, actor.ip, {
    account: POLICIES.sessionStartAccount,
    network: POLICIES.sessionStartIp,
  });
  const sessionId = a.newId();
  let questions: PracticeQuestion[];
  let keyTerms: string[] = [];
  let jobTitle: string | null = null;
  let jobDescription: string | null = null;
  let bankVersion = QUESTION_BANK_VERSION;
  if (input.track === 'job') {
    jobDescription = input.jobDescription ?? '';
    const generated = generateJobQuestions({
      jobTitle: input.jobTitle ?? '',
      jobDescription,
      count: input.count,
      seed: sessionId,
    });
    jobTitle = generated.jobTitle;
    keyTerms = [...new Set(generated.keyTerms.map((k) => k.term.slice(0, 200)))].slice(0, 50);
    // The generated texts quote the title and the key terms: store them as placeholders (see redactJobQuestions).
    questions = redactJobQuestions(generated.questions.map(recording.toPracticeQuestion), {
      jobTitle,
      keyTerms,
    });
    bankVersion = generated.bankVersion;
  } else {
    questions = pickQuestions({
      track: input.track,
      count: input.count,
      seed: sessionId,
      ...(input.competency ? { competency: input.competency } : {}),
    }).map(recording.toPracticeQuestion);
  }
  if (questions.length === 0)
    throw new ValidationFailed(
      [{ path: '', message: 'No questions could be made from this input.' }],
      'No questions could be made from this input.',
    );
  await a.commands.handle(
    practiceSession.sessionDecider,
    recording.practiceStream(sessionId),
    (_s, now): practiceSession.SessionCommand => ({
      type: 'StartSession',
      session: {
        sessionId,
        userId: actor.userId,
        track: input.track,
        jobTitle,
        jobDescription,
        keyTerms,
        questions,
        questionBankVersion: bankVersion,
        answerTimeLimitSeconds: input.answerTimeLimitSeconds,
      },
      now,
    }),
    { actor: { kind: 'user', id: actor.userId }, requestId: actor.requestId },
    {
      before: async (tx) => {
        if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
      },
    },
  );
  return { sessionId };
};
