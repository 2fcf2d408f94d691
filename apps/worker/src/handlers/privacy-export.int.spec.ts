import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersistence, silentLogger, takeExportArchive, type Persistence } from '@tia/db';
import {
  createTestDatabase,
  speechFixture,
  TEST_MASTER_KEY,
  waitFor,
  type TestDatabase,
} from '@tia/db/testing';
import { strFromU8, unzipSync } from 'fflate';
import { EmbeddedTransport } from '../transport/embedded.js';
import { feedbackHandler, transcriptionHandler } from './practice.js';
import { givenCandidate, givenUpload, inline, ScriptedEngine } from './practice-fixtures.js';
import { privacyExportHandler } from './privacy-export.js';

let db: TestDatabase;
let p: Persistence;
beforeAll(async () => {
  db = await createTestDatabase();
  p = createPersistence(db.sql, TEST_MASTER_KEY);
});
afterAll(async () => db?.drop());

const SAID = 'i organised the volunteer rota and the queue fell from forty minutes to ten';

describe('privacy export handler (embedded transport, real PostgreSQL)', () => {
  it('builds the ZIP from what the pipeline produced, with progress, and marks it ready', async () => {
    const engine = new ScriptedEngine({ text: SAID, words: [] });
    const transport = new EmbeddedTransport({
      sql: db.sql,
      store: p.store,
      log: silentLogger,
      handlers: [
        transcriptionHandler({ blobs: p.blobs, inline, engine }),
        feedbackHandler({ blobs: p.blobs, inline, enricher: null }),
        privacyExportHandler({ keys: p.keys, inline }),
      ],
      pollMs: 10,
      baseDelayMs: 5,
    });
    await transport.start();
    try {
      const who = await givenCandidate(p);
      const recordingId = await givenUpload(p, who, readFileSync(speechFixture()));
      await waitFor(
        async () =>
          (await p.store.readStream(`recording-${recordingId}`)).some((e) => e.type === 'FeedbackScored'),
        30_000,
      );
      // What privacy.requestExport writes (the API is not a dependency of the worker).
      const exportId = randomUUID();
      const requestId = randomUUID();
      const at = new Date().toISOString();
      await db.sql.begin(async (tx) => {
        await tx`insert into privacy_exports (export_id, subject_id, request_id, status, requested_at)
                 values (${exportId}, ${who.userId}, ${requestId}, 'requested', ${at})`;
        await p.store.append(
          `privacy-request-${requestId}`,
          0,
          [
            {
              eventId: randomUUID(),
              type: 'PrivacyRequestReceived',
              data: { requestId, subjectId: who.userId, kind: 'export', receivedAt: at, dueAt: at },
              metadata: { occurredAt: at },
            },
          ],
          { tx, inline },
        );
        await p.store.append(
          `export-${exportId}`,
          0,
          [
            {
              eventId: randomUUID(),
              type: 'DataExportRequested',
              data: { exportId, requestId, subjectId: who.userId, requestedAt: at },
              metadata: { occurredAt: at },
            },
          ],
          { tx, inline },
        );
      });
      await waitFor(async () => {
        const r = await db.sql<{ status: string }[]>`
          select status from privacy_exports where export_id = ${exportId}`;
        return r[0]?.status === 'ready';
      }, 30_000);
      const row = await db.sql<{ progress: number; bytes: number }[]>`
        select progress, bytes from privacy_exports where export_id = ${exportId}`;
      expect(row[0]).toMatchObject({ progress: 100 });
      const status = await db.sql`select status from rm_privacy_requests where request_id = ${requestId}`;
      expect(status[0]).toEqual({ status: 'completed' });
      const taken = await takeExportArchive({ ...p, inline }, who.userId, exportId, new Date());
      expect(taken.kind).toBe('ok');
      if (taken.kind !== 'ok') return;
      const doc = JSON.parse(strFromU8(unzipSync(new Uint8Array(taken.zip))['data.json']!)) as {
        answers: { transcript: string; status: string }[];
      };
      expect(doc.answers).toMatchObject([{ transcript: SAID, status: 'scored' }]);
      const steps = (await p.store.readStream(`export-${exportId}`)).map((e) => e.type);
      expect(steps).toEqual([
        'DataExportRequested',
        'DataExportPrepared',
        'DataExportDownloaded',
        'DataExportDeleted',
      ]);
    } finally {
      await transport.stop();
    }
  });
});
