import type { AUDIO_DELETION_REASONS} from '@tia/domain';
import { type DomainEvent } from '@tia/domain';
import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStaffAccess } from '../staff/grants.js';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let a: AuthServices;
let officerCtx: Context;
let candidate: string;
const clock = testClock(new Date('2026-06-01T12:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx).lifecycle;
const at = (minutes: number) =>
  new Date(Date.parse('2026-06-01T10:00:00.000Z') + minutes * 60_000).toISOString();
const SHA = 'a'.repeat(64);

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

/** Appends the recording's events as the upload, the worker and the sweeper would (times as given). */
const recording = async (o: {
  uploaded: number;
  transcribed?: number;
  deleted?: number;
  reason?: (typeof AUDIO_DELETION_REASONS)[number];
}) => {
  const recordingId = randomUUID();
  const base = { recordingId, userId: candidate };
  const events: DomainEvent[] = [
    {
      type: 'RecordingUploaded',
      data: {
        ...base,
        sessionId: randomUUID(),
        questionId: 'q-1',
        container: 'webm',
        mimeType: 'audio/webm',
        bytes: 1000,
        durationSeconds: 5,
        sha256: SHA,
        uploadedAt: at(o.uploaded),
      },
    },
  ];
  if (o.transcribed !== undefined)
    events.push({
      type: 'TranscriptProduced',
      data: {
        ...base,
        sessionId: randomUUID(),
        questionId: 'q-1',
        text: 'hello',
        words: [],
        engine: { name: 'pocketsphinx', model: 'en-us' },
        audioSeconds: 5,
        engineMs: 900,
        producedAt: at(o.transcribed),
      },
    });
  if (o.deleted !== undefined)
    events.push({
      type: 'AudioDeleted',
      data: {
        ...base,
        sha256: SHA,
        bytes: 1000,
        reason: o.reason ?? 'transcribed',
        uploadedAt: at(o.uploaded),
        transcribedAt: o.transcribed !== undefined ? at(o.transcribed) : null,
        deletedAt: at(o.deleted),
        blobExisted: true,
      },
    });
  for (const e of events)
    await a.store.append(`recording-${recordingId}`, 'any', [
      { ...e, eventId: randomUUID(), metadata: { occurredAt: clock().toISOString() } },
    ]);
  return recordingId;
};

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
  const admin = await createTestAccount(a, { email: 'admin@example.org' });
  await changeStaffAccess(a, { type: 'BootstrapAdmin', userId: admin, now: clock().toISOString() });
  const officer = await createTestAccount(a, { email: 'officer@example.org' });
  await changeStaffAccess(a, {
    type: 'GrantRole',
    actorId: admin,
    userId: officer,
    role: 'compliance_officer',
    now: clock().toISOString(),
  });
  officerCtx = await sessionContext(a, officer, { mfaPassed: true });
  candidate = await createTestAccount(a);
});
afterAll(async () => db?.drop());

describe('recording lifecycle', () => {
  it('shows uploaded → transcribed → audio deleted with elapsed times; the overdue report is empty', async () => {
    // The clock (12:00) is two hours after these uploads, so only times in the events decide.
    const id = await recording({ uploaded: 0, transcribed: 0.5, deleted: 0.5 });
    await recording({ uploaded: 5, deleted: 20, reason: 'transcription_failed' });
    const l = await call(officerCtx).recording({ recordingId: id });
    expect(l).toMatchObject({
      uploadedAt: at(0),
      transcribedAt: at(0.5),
      deletedAt: at(0.5),
      deletionReason: 'transcribed',
      secondsToTranscript: 30,
      stillHeld: false,
    });
    // Upload to deletion as the events say (30 s); the append times are all "now", so they add nothing.
    expect(l.audioLifetimeSeconds).toBe(30);
    expect(await call(officerCtx).overdueAudio()).toEqual({ limitMinutes: 30, recordings: [] });
    expect(await codeOf(call(officerCtx).recording({ recordingId: 'nope' }))).toBe('NOT_FOUND');
    const candidateCtx = await sessionContext(a, candidate, { mfaPassed: true });
    expect(await codeOf(call(candidateCtx).overdueAudio())).toBe('FORBIDDEN');
  });

  it('reports a forged late deletion and audio still held past the limit', async () => {
    const late = await recording({ uploaded: 0, transcribed: 1, deleted: 95 });
    const held = await recording({ uploaded: 30 }); // no deletion, 90 minutes before the clock
    const r = await call(officerCtx).overdueAudio();
    expect(r.recordings.map((x) => x.recordingId).sort()).toEqual([late, held].sort());
    expect(r.recordings.find((x) => x.recordingId === late)).toMatchObject({
      audioLifetimeSeconds: 95 * 60,
      stillHeld: false,
    });
    expect(r.recordings.find((x) => x.recordingId === held)).toMatchObject({
      audioLifetimeSeconds: 90 * 60,
      stillHeld: true,
    });
  });
});
