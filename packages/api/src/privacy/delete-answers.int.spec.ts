import { buildExportArchive, practiceProjection, rebuildProjection, silentLogger } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { TRPCError } from '@trpc/server';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../context.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { givenAnsweredSession } from '../testing/answered-session.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';

let db: TestDatabase;
let a: AuthServices;
const clock = testClock(new Date('2026-12-07T10:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
});
afterAll(async () => db?.drop());

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
};

const rowsOf = async (userId: string) => ({
  sessions: (await db.sql`select session_id from rm_practice_sessions where user_id = ${userId}`).length,
  answers: (await db.sql`select recording_id from rm_recordings where user_id = ${userId}`).length,
});

describe('deleting one answer or one session', () => {
  it('deletes one answer: its row goes, no procedure shows it, the export leaves it out; the other stays', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    const { sessionId, recordingIds } = await givenAnsweredSession(a, me, [
      'first answer about the lighthouse migration',
      'second answer about the budget spreadsheet',
    ]);
    const [gone, kept] = recordingIds as [string, string];
    expect((await call(ctx).practice.recording({ recordingId: gone })).transcript?.text).toContain(
      'lighthouse',
    );

    expect(await call(ctx).privacy.deleteAnswer({ recordingId: gone })).toEqual({ deleted: true, sessionId });
    expect(await rowsOf(me)).toEqual({ sessions: 1, answers: 1 });
    expect(await codeOf(call(ctx).practice.recording({ recordingId: gone }))).toBe('NOT_FOUND');
    expect((await call(ctx).practice.recording({ recordingId: kept })).transcript?.text).toContain('budget');
    const session = await call(ctx).practice.session({ sessionId });
    expect(session.questions.flatMap((q) => q.answers.map((x) => x.recordingId))).toEqual([kept]);
    expect((await call(ctx).practice.history()).answers.map((x) => x.recordingId)).toEqual([kept]);
    // The right is recorded (an erasure request, completed at once) and the deletion is an event.
    expect(await call(ctx).privacy.requests()).toMatchObject([{ kind: 'erasure', status: 'completed' }]);
    const stream = await a.store.readStream(`recording-${gone}`);
    expect(stream.at(-1)).toMatchObject({ type: 'AnswerDeleted', data: { recordingId: gone, userId: me } });

    // The export leaves the deleted answer out, events included.
    const { exportId } = await call(ctx).privacy.requestExport();
    const archive = await buildExportArchive(
      { sql: a.sql, store: a.store, keys: a.keys, inline: a.inline },
      exportId,
      clock(),
    );
    const json = strFromU8(unzipSync(new Uint8Array(archive!.zip))['data.json']!);
    expect(json).not.toContain('lighthouse');
    expect(json).toContain('budget spreadsheet');

    // Twice, or someone else's: 404 (not a 500).
    expect(await codeOf(call(ctx).privacy.deleteAnswer({ recordingId: gone }))).toBe('NOT_FOUND');
    const stranger = await sessionContext(a, await createTestAccount(a));
    expect(await codeOf(call(stranger).privacy.deleteAnswer({ recordingId: kept }))).toBe('NOT_FOUND');
    expect(await rowsOf(me)).toEqual({ sessions: 1, answers: 1 });
  });

  it('deletes a whole session with every answer in it', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    const { sessionId } = await givenAnsweredSession(a, me, ['alpha answer', 'beta answer', 'gamma answer']);
    const other = await givenAnsweredSession(a, me, ['delta answer']);
    expect(await rowsOf(me)).toEqual({ sessions: 2, answers: 4 });
    expect(await call(ctx).privacy.deleteSession({ sessionId })).toEqual({ deleted: true, answers: 3 });
    expect(await rowsOf(me)).toEqual({ sessions: 1, answers: 1 });
    expect(await codeOf(call(ctx).practice.session({ sessionId }))).toBe('NOT_FOUND');
    expect((await call(ctx).practice.session({ sessionId: other.sessionId })).sessionId).toBe(
      other.sessionId,
    );
    expect(await codeOf(call(ctx).privacy.deleteSession({ sessionId }))).toBe('NOT_FOUND');
    const stranger = await sessionContext(a, await createTestAccount(a));
    expect(await codeOf(call(stranger).privacy.deleteSession({ sessionId: other.sessionId }))).toBe(
      'NOT_FOUND',
    );
  });

  it('an answer still being analysed cannot be deleted yet (409 saying why)', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    const { sessionId, recordingIds } = await givenAnsweredSession(a, me, ['waiting answer']);
    await db.sql`update rm_recordings set status = 'uploaded' where recording_id = ${recordingIds[0]!}`;
    expect(await codeOf(call(ctx).privacy.deleteAnswer({ recordingId: recordingIds[0]! }))).toBe('CONFLICT');
    expect(await codeOf(call(ctx).privacy.deleteSession({ sessionId }))).toBe('CONFLICT');
    expect(await rowsOf(me)).toEqual({ sessions: 1, answers: 1 });
  });

  it('rebuilding the practice read model keeps deleted answers deleted', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    const { recordingIds } = await givenAnsweredSession(a, me, ['one', 'two']);
    await call(ctx).privacy.deleteAnswer({ recordingId: recordingIds[0]! });
    await rebuildProjection(practiceProjection, {
      sql: a.sql,
      store: a.store,
      log: silentLogger,
      inline: true,
    });
    expect(await rowsOf(me)).toEqual({ sessions: 1, answers: 1 });
  });
});
