import { randomUUID } from 'node:crypto';
import { ALL_BANK_QUESTIONS, recording } from '@tia/domain';
import type { EventStore, NewEvent } from '../event-store.js';

/**
 * Events of one synthetic candidate with scored answers, appended straight to the store (tests of the
 * analytics projection and figures only; `npm run db:seed` goes through the real command path instead).
 */
export interface AnalyticsPerson {
  questionId?: string;
  answers?: number;
  overall?: number;
  registeredAt?: string;
  uploadedAt?: string;
  verified?: boolean;
}

const meta = (at: string, userId: string) => ({
  occurredAt: at,
  actor: { kind: 'user' as const, id: userId },
});

export const appendAnalyticsPerson = async (store: EventStore, p: AnalyticsPerson = {}): Promise<string> => {
  const userId = randomUUID();
  const registeredAt = p.registeredAt ?? '2026-11-02T09:00:00.000Z';
  const uploadedAt = p.uploadedAt ?? '2026-11-30T10:00:00.000Z';
  const scoredAt = new Date(Date.parse(uploadedAt) + 45_000).toISOString();
  const bank = ALL_BANK_QUESTIONS.find((q) => q.id === (p.questionId ?? ALL_BANK_QUESTIONS[0]!.id))!;
  const account: NewEvent[] = [
    {
      eventId: randomUUID(),
      type: 'AccountRegistered',
      data: {
        userId,
        name: 'Test Person',
        email: `${userId}@example.org`,
        signupMethod: 'password',
        registeredAt,
      },
      metadata: meta(registeredAt, userId),
    },
  ];
  if (p.verified !== false)
    account.push({
      eventId: randomUUID(),
      type: 'EmailVerified',
      data: { userId, verifiedAt: registeredAt },
      metadata: meta(registeredAt, userId),
    });
  await store.append(`user-${userId}`, 0, account);
  const answers = p.answers ?? 1;
  if (answers === 0) return userId;
  const sessionId = randomUUID();
  await store.append(recording.practiceStream(sessionId), 0, [
    {
      eventId: randomUUID(),
      type: 'PracticeSessionStarted',
      data: {
        sessionId,
        userId,
        track: bank.competency.startsWith('wbg-') ? 'ypp' : 'competency',
        jobTitle: null,
        jobDescription: null,
        keyTerms: [],
        questions: [recording.toPracticeQuestion(bank)],
        questionBankVersion: 'test',
        answerTimeLimitSeconds: 120,
        startedAt: uploadedAt,
      },
      metadata: meta(uploadedAt, userId),
    },
  ]);
  for (let i = 0; i < answers; i++) {
    const recordingId = randomUUID();
    await store.append(recording.recordingStream(recordingId), 0, [
      {
        eventId: randomUUID(),
        type: 'RecordingUploaded',
        data: {
          recordingId,
          sessionId,
          userId,
          questionId: bank.id,
          container: 'wav',
          mimeType: 'audio/wav',
          bytes: 1000,
          durationSeconds: 30,
          sha256: 'a'.repeat(64),
          uploadedAt,
        },
        metadata: meta(uploadedAt, userId),
      },
      {
        eventId: randomUUID(),
        type: 'FeedbackScored',
        data: {
          recordingId,
          sessionId,
          userId,
          questionId: bank.id,
          competency: bank.competency,
          rubricVersion: 'test',
          overall: p.overall ?? 70,
          scores: {
            star: 4,
            result: 3,
            ownership: 4,
            competency: 3,
            length: 4,
            pace: 3,
            fillers: 5,
            hedging: 4,
          },
          criteria: [],
          metrics: { wpm: 140, fillerPer100: 0.5 },
          engine: { name: 'rubric', model: null },
          llmTips: null,
          scoredAt,
        },
        metadata: meta(scoredAt, userId),
      },
    ]);
  }
  return userId;
};
