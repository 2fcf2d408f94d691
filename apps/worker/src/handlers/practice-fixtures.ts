/**
 * Test fixtures for the practice pipeline: a candidate with consent, a session, and an uploaded recording
 * (blob + RecordingUploaded in one transaction, as the upload endpoint does).
 */
import { randomUUID } from 'node:crypto';
import { asInline, INLINE_PROJECTIONS, sha256Hex, type Persistence } from '@tia/db';
import { unchecked } from '@tia/db/testing';
import { pickQuestions, QUESTION_BANK_VERSION, recording } from '@tia/domain';
import type { Transcript, TranscriptionEngine } from '../speech/port.js';

export const inline = INLINE_PROJECTIONS.map(asInline);

/** Appends one event to the subject's privacy stream (consent, restriction), with the inline projections. */
const givenPrivacyEvent = async (
  p: Persistence,
  userId: string,
  type: string,
  data: Record<string, unknown>,
) => {
  const now = new Date().toISOString();
  // 'any' on purpose: a test fixture setting a subject's state directly; nothing is decided on the stream.
  await p.store.append(
    `privacy-${userId}`,
    'any',
    [
      unchecked({
        eventId: randomUUID(),
        type,
        data: { subjectId: userId, ...data },
        metadata: { occurredAt: now },
      }),
    ],
    { inline },
  );
};

/** The candidate withdraws the recording consent now. */
export const withdrawConsent = (p: Persistence, userId: string) =>
  givenPrivacyEvent(p, userId, 'ConsentWithdrawn', {
    purpose: 'recording_feedback',
    withdrawnAt: new Date().toISOString(),
  });

/** The candidate pauses processing of their data now. */
export const restrictProcessing = (p: Persistence, userId: string) =>
  givenPrivacyEvent(p, userId, 'ProcessingRestricted', { restrictedAt: new Date().toISOString() });

export const givenCandidate = async (p: Persistence, opts: { consent?: boolean } = {}) => {
  const userId = randomUUID();
  const now = new Date().toISOString();
  if (opts.consent !== false) {
    await givenPrivacyEvent(p, userId, 'ConsentGiven', {
      purpose: 'recording_feedback',
      policyVersion: 'test',
      givenAt: now,
    });
  }
  const sessionId = randomUUID();
  const questions = pickQuestions({ track: 'competency', count: 1, seed: sessionId }).map(
    recording.toPracticeQuestion,
  );
  await p.store.append(
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
          startedAt: now,
        },
        metadata: { occurredAt: now },
      },
    ],
    { inline },
  );
  return { userId, sessionId, questionId: questions[0]!.id };
};

export const givenUpload = async (
  p: Persistence,
  who: { userId: string; sessionId: string; questionId: string },
  audio: Buffer,
  mimeType = 'audio/wav',
  durationSeconds = 11,
) => {
  const recordingId = randomUUID();
  const now = new Date().toISOString();
  await p.sql.begin(async (tx) => {
    await p.blobs.put(tx, { recordingId, ownerId: who.userId, data: audio, mimeType });
    const events = recording.decide(
      {
        type: 'Upload',
        upload: {
          recordingId,
          ...who,
          container: 'wav',
          mimeType,
          bytes: audio.length,
          durationSeconds,
          sha256: sha256Hex(audio),
          uploadedAt: now,
        },
      },
      recording.initialState,
    );
    await p.store.append(
      recording.recordingStream(recordingId),
      0,
      events.map((e) => ({ ...e, eventId: randomUUID(), metadata: { occurredAt: now } })),
      { tx, inline },
    );
  });
  return recordingId;
};

/**
 * A speech engine for pipeline tests that are about the lifecycle, not recognition: answers a fixed
 * transcript, counts calls, and can be held (gate) or made to fail.
 */
export class ScriptedEngine implements TranscriptionEngine {
  readonly name = 'scripted';
  readonly model = 'test';
  calls = 0;
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  failWith: Error | null = null;
  entered: (() => void) | null = null;

  constructor(private readonly result: Transcript) {}

  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }
  check(): Promise<void> {
    return Promise.resolve();
  }
  async transcribe(): Promise<Transcript> {
    this.calls++;
    this.entered?.();
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    return this.result;
  }
}
