/**
 * Test fixture: a practice session with answers already transcribed and scored, appended as the worker would
 * (events through the store with the inline projections), so privacy tests need no speech engine.
 */
import { randomUUID } from 'node:crypto';
import { pickQuestions, QUESTION_BANK_VERSION, recording } from '@tia/domain';
import type { AuthServices } from '../services.js';

const meta = (at: string) => ({ occurredAt: at, actor: { kind: 'system' as const, id: 'test' } });

export const givenAnsweredSession = async (
  a: AuthServices,
  userId: string,
  transcripts: readonly string[],
): Promise<{ sessionId: string; recordingIds: string[] }> => {
  const sessionId = randomUUID();
  const at = a.clock().toISOString();
  const questions = pickQuestions({ track: 'competency', count: transcripts.length, seed: sessionId }).map(
    recording.toPracticeQuestion,
  );
  await a.store.append(
    recording.practiceStream(sessionId),
    0,
    [
      {
        eventId: randomUUID(),
        type: 'PracticeSessionStarted',
        data: {
          sessionId,
          userId,
          track: 'competency',
          jobTitle: null,
          jobDescription: null,
          keyTerms: [],
          questions,
          questionBankVersion: QUESTION_BANK_VERSION,
          answerTimeLimitSeconds: 120,
          startedAt: at,
        },
        metadata: meta(at),
      },
    ],
    { inline: a.inline },
  );
  const recordingIds: string[] = [];
  for (const [i, text] of transcripts.entries()) {
    const q = questions[i]!;
    const recordingId = randomUUID();
    recordingIds.push(recordingId);
    const common = { recordingId, sessionId, userId, questionId: q.id };
    const sha = 'a'.repeat(64);
    await a.store.append(
      recording.recordingStream(recordingId),
      0,
      [
        {
          eventId: randomUUID(),
          type: 'RecordingUploaded',
          data: {
            ...common,
            container: 'webm',
            mimeType: 'audio/webm',
            bytes: 1000,
            durationSeconds: 11,
            sha256: sha,
            uploadedAt: at,
          },
          metadata: meta(at),
        },
        {
          eventId: randomUUID(),
          type: 'TranscriptProduced',
          data: {
            ...common,
            text,
            words: [],
            engine: { name: 'scripted', model: 'test' },
            audioSeconds: 11,
            engineMs: 5,
            producedAt: at,
          },
          metadata: meta(at),
        },
        {
          eventId: randomUUID(),
          type: 'AudioDeleted',
          data: {
            recordingId,
            userId,
            sha256: sha,
            bytes: 1000,
            reason: 'transcribed',
            uploadedAt: at,
            transcribedAt: at,
            deletedAt: at,
            blobExisted: true,
          },
          metadata: meta(at),
        },
        {
          eventId: randomUUID(),
          type: 'FeedbackScored',
          data: {
            ...common,
            competency: q.competency,
            rubricVersion: 'test-1',
            overall: 64,
            scores: { structure: 3 },
            criteria: [
              {
                id: 'structure',
                label: 'Structure',
                score: 3,
                weight: 1,
                reason: `You said: ${text.slice(0, 40)}`,
                evidence: [],
                tip: 'Name the result.',
              },
            ],
            metrics: { words: text.split(' ').length },
            engine: { name: 'rubric', model: null },
            llmTips: null,
            scoredAt: at,
          },
          metadata: meta(at),
        },
      ],
      { inline: a.inline },
    );
  }
  return { sessionId, recordingIds };
};
