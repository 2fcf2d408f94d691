import { randomUUID } from 'node:crypto';
import { buildExportArchive, eraseSubject, sweepExports, storeExportArchive } from '@tia/db';
import { createTestDatabase, type TestDatabase } from '@tia/db/testing';
import { strFromU8, unzipSync } from 'fflate';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../context.js';
import { NotFound, Unauthenticated, httpStatusOf } from '../errors.js';
import type { AuthServices } from '../services.js';
import { appRouter } from '../root.js';
import { givenAnsweredSession } from '../testing/answered-session.js';
import { createTestAccount, sessionContext, testAuthServices, testClock } from '../testing/identity.js';
import { createCallerFactory } from '../trpc.js';
import { downloadExport } from './export-data.js';

let db: TestDatabase;
let a: AuthServices;
const clock = testClock(new Date('2026-12-07T10:00:00.000Z'));
const call = (ctx: Context) => createCallerFactory(appRouter)(ctx);
const deps = () => ({ sql: a.sql, store: a.store, keys: a.keys, inline: a.inline });

beforeAll(async () => {
  db = await createTestDatabase();
  a = testAuthServices(db.sql, clock);
});
afterAll(async () => db?.drop());

/** What the worker does for one export (prepare without a transaction, then store in one). */
const runWorker = async (exportId: string) => {
  const archive = await buildExportArchive(deps(), exportId, clock());
  expect(archive).not.toBeNull();
  return a.sql.begin((tx) => storeExportArchive(deps(), tx, exportId, archive!, clock()));
};

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
};

const TRANSCRIPT = 'when the quarterly report broke I rebuilt the pipeline with the marmalade team';

describe('data export (access and portability)', () => {
  it('builds a ZIP with JSON and CSV holding the transcript; downloads once, then refuses', async () => {
    const me = await createTestAccount(a, { name: 'Petra Portable', email: 'petra@example.org' });
    const ctx = await sessionContext(a, me);
    await call(ctx).privacy.setConsent({ purpose: 'marketing_email', given: true });
    await givenAnsweredSession(a, me, [TRANSCRIPT]);
    const other = await createTestAccount(a, { name: 'Otto Other' });
    await givenAnsweredSession(a, other, ['someone else entirely said zebra crossing']);

    const asked = await call(ctx).privacy.requestExport();
    expect(asked).toMatchObject({ status: 'requested', progress: 0 });
    // Asking again while one is pending answers with the same one.
    expect((await call(ctx).privacy.requestExport()).exportId).toBe(asked.exportId);
    expect(await call(ctx).privacy.requests()).toMatchObject([{ kind: 'export', status: 'received' }]);
    // Not ready yet: a 409 saying so.
    const early = await refusal(downloadExport(a, ctx.session, asked.exportId));
    expect(httpStatusOf(early)).toBe(409);

    expect(await runWorker(asked.exportId)).toBe(true);
    const ready = (await call(ctx).privacy.exports())[0]!;
    expect(ready).toMatchObject({ status: 'ready', progress: 100, expiresAt: '2026-12-08T10:00:00.000Z' });
    expect(await call(ctx).privacy.requests()).toMatchObject([
      { kind: 'export', status: 'completed', handledBy: 'system' },
    ]);
    // At rest the file is ciphertext.
    const raw = await db.sql<{ ciphertext: Buffer; bytes: number }[]>`
      select ciphertext, bytes from privacy_exports where export_id = ${asked.exportId}`;
    // AES-256-GCM box: 12-byte IV + ciphertext + 16-byte tag.
    expect(raw[0]!.ciphertext.length).toBe(raw[0]!.bytes + 28);
    // (a ZIP starts with the local-file-header magic PK\x03\x04; the sealed box does not, bar a 2^-32 chance)
    expect(raw[0]!.ciphertext.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBe(false);

    // Someone else (signed in) cannot take it; nobody signed out can.
    const otherCtx = await sessionContext(a, other);
    expect(await refusal(downloadExport(a, otherCtx.session, asked.exportId))).toBeInstanceOf(NotFound);
    expect(await refusal(downloadExport(a, null, asked.exportId))).toBeInstanceOf(Unauthenticated);
    expect(await refusal(downloadExport(a, ctx.session, 'not-a-uuid'))).toBeInstanceOf(NotFound);

    const { zip, filename } = await downloadExport(a, ctx.session, asked.exportId);
    expect(filename).toMatch(/^trueinterviewai-data-2026-12-07\.zip$/);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'answers.csv',
      'complaints.csv',
      'consents.csv',
      'cookie-consents.csv',
      'data.json',
      'events.csv',
      'minor-reports.csv',
      'open-sessions.csv',
      'policy-acknowledgements.csv',
      'profile.csv',
      'questions.csv',
      'requests.csv',
      'sessions.csv',
      'sign-ins.csv',
    ]);
    const doc = JSON.parse(strFromU8(files['data.json']!)) as {
      schema: string;
      profile: Record<string, unknown>;
      answers: { transcript: string; overall: number; feedback: { criteria: unknown[] } }[];
      consents: { purpose: string; status: string }[];
      sessions: { questions: unknown[] }[];
      requests: { kind: string }[];
      events: { type: string; data: Record<string, unknown> }[];
    };
    expect(doc.schema).toBe('tia-export/2');
    expect(doc.profile).toMatchObject({ name: 'Petra Portable', email: 'petra@example.org' });
    expect(doc.answers).toHaveLength(1);
    expect(doc.answers[0]).toMatchObject({ transcript: TRANSCRIPT, overall: 64 });
    expect(doc.answers[0]!.feedback.criteria).toHaveLength(1);
    expect(doc.consents).toContainEqual(
      expect.objectContaining({ purpose: 'marketing_email', status: 'given' }),
    );
    expect(doc.sessions[0]!.questions).toHaveLength(1);
    expect(doc.requests).toMatchObject([{ kind: 'export' }]);
    // The events about me, decrypted: the account's name and the transcript in clear.
    const registered = doc.events.find((e) => e.type === 'AccountRegistered');
    expect(registered?.data.name).toBe('Petra Portable');
    expect(doc.events.find((e) => e.type === 'TranscriptProduced')?.data.text).toBe(TRANSCRIPT);
    expect(strFromU8(files['answers.csv']!)).toContain(TRANSCRIPT);
    expect(strFromU8(files['profile.csv']!)).toContain('petra@example.org');
    // Nothing of the other person.
    expect(strFromU8(zip.length > 0 ? files['data.json']! : new Uint8Array())).not.toContain('zebra');
    expect(strFromU8(files['data.json']!)).not.toContain('Otto');

    // Single use: the second download is refused, the file is gone, and each step is an event.
    const again = await refusal(downloadExport(a, ctx.session, asked.exportId));
    expect(again).toBeInstanceOf(NotFound);
    expect((again as Error).message).toMatch(/already used/);
    const left = await db.sql`select ciphertext from privacy_exports where export_id = ${asked.exportId}`;
    expect(left[0]!.ciphertext).toBeNull();
    const steps = (await a.store.readStream(`export-${asked.exportId}`)).map((e) => e.type);
    expect(steps).toEqual([
      'DataExportRequested',
      'DataExportPrepared',
      'DataExportDownloaded',
      'DataExportDeleted',
    ]);
  });

  it('an export nobody downloads is deleted after 24 hours; the link then says it expired', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    await givenAnsweredSession(a, me, ['a short answer about teamwork and deadlines']);
    const { exportId } = await call(ctx).privacy.requestExport();
    await runWorker(exportId);
    clock.advance(23 * 3600 * 1000);
    expect(await sweepExports(deps(), clock())).toBe(0);
    clock.advance(3600 * 1000 + 1);
    expect(await sweepExports(deps(), clock())).toBeGreaterThanOrEqual(1);
    const e = await refusal(downloadExport(a, ctx.session, exportId));
    expect(e).toBeInstanceOf(NotFound);
    expect((e as Error).message).toMatch(/expired/);
    const row = await db.sql`select status, ciphertext from privacy_exports where export_id = ${exportId}`;
    expect(row[0]).toMatchObject({ status: 'expired', ciphertext: null });
    const last = (await a.store.readStream(`export-${exportId}`)).at(-1)!;
    expect(last).toMatchObject({ type: 'DataExportDeleted', data: { reason: 'expired' } });
    // A new one can be asked for now.
    expect((await call(ctx).privacy.requestExport()).exportId).not.toBe(exportId);
  });

  it('an expired link is refused even before the sweeper ran', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    const { exportId } = await call(ctx).privacy.requestExport();
    await runWorker(exportId);
    clock.advance(24 * 3600 * 1000 + 1000);
    const e = await refusal(downloadExport(a, ctx.session, exportId));
    expect((e as Error).message).toMatch(/expired/);
  });

  it('a stored file is unreadable once the person is erased (it is sealed under their key)', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    await givenAnsweredSession(a, me, ['an answer that must not outlive the account']);
    const { exportId } = await call(ctx).privacy.requestExport();
    await runWorker(exportId);
    await eraseSubject(
      { store: a.store, keys: a.keys, inline: a.inline },
      { subjectId: me, reason: 'user_request', eventId: randomUUID(), now: clock().toISOString() },
    );
    const e = await refusal(downloadExport(a, ctx.session, exportId));
    expect(e).toBeInstanceOf(NotFound);
  });

  it('is for signed-in candidates only', async () => {
    const me = await createTestAccount(a);
    const ctx = await sessionContext(a, me);
    const anon: Context = { ...ctx, session: null };
    await expect(call(anon).privacy.requestExport()).rejects.toBeInstanceOf(TRPCError);
    await expect(call(anon).privacy.exports()).rejects.toBeInstanceOf(TRPCError);
  });
});
