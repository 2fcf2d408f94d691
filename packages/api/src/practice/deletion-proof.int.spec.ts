import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AuditTree,
  checkpointSignatureValid,
  DirectoryAnchorStore,
  mirrorCheckpoint,
  parsePublicKey,
  publishCheckpoint,
  sealChain,
  verifyInclusion,
} from '@tia/db';
import { eventually } from '@tia/db/testing';
import { recording } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCookies, type Context, type Session } from '../context.js';
import { silentLogger } from '../log.js';
import { appRouter } from '../root.js';
import { createCallerFactory } from '../trpc.js';
import { createAudioFixtures, type AudioFixtures } from '../testing/audio-fixtures.js';
import { createHarness, signUpInput, waitForMails, type Harness } from '../testing/identity-harness.js';
import { handleRecordingUpload } from './index.js';

let h: Harness;
let fx: AudioFixtures;
let webm: Buffer;
let dir: string;
beforeAll(async () => {
  h = await createHarness();
  fx = await createAudioFixtures();
  webm = await fx.must('webm-opus');
  dir = await mkdtemp(path.join(tmpdir(), 'tia-receipt-anchors-'));
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const candidate = async () => {
  const email = `receipt-${randomUUID().slice(0, 8)}@example.org`;
  const b = await h.browser();
  await (
    await b.call()
  ).auth.signUp({
    ...signUpInput({ email }),
    consents: { recordingFeedback: true, productImprovement: false, marketingEmail: false },
  });
  await waitForMails(h, email, 1);
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  return b;
};

/** Transcribes the answer (which deletes its audio) through the decider, as the worker does. */
const transcribe = (recordingId: string) =>
  h.auth.commands.handle(
    recording.recordingDecider,
    recording.recordingStream(recordingId),
    {
      type: 'CompleteTranscription',
      transcript: {
        text: 'I led the team.',
        words: [{ word: 'I', start: 0, end: 0.2 }],
        engine: { name: 'pocketsphinx', model: 'en-us' },
        audioSeconds: 11,
        engineMs: 100,
      },
      blobExisted: true,
      now: h.clock.now.toISOString(),
    },
    { actor: { kind: 'system', id: 'test' } },
    { after: (tx) => h.auth.blobs.delete(tx, recordingId).then(() => undefined) },
  );

describe('practice.deletionProof', () => {
  it('proves the AudioDeleted event is in the signed log, once a checkpoint covers it; only to its owner', async () => {
    const b = await candidate();
    const call = await b.call();
    const { sessionId } = await call.practice.start({ track: 'competency', count: 1 });
    const s = await call.practice.session({ sessionId });
    const recordingId = randomUUID();
    const up = await handleRecordingUpload(h.auth, {
      session: await b.session(),
      requestId: `req-${randomUUID()}`,
      ip: '127.0.0.1',
      query: new URLSearchParams({
        sessionId,
        questionId: s.questions[0]!.id,
        durationSeconds: '11',
        recordingId,
      }),
      contentType: 'audio/webm;codecs=opus',
      contentLength: String(webm.length),
      body: new Blob([new Uint8Array(webm)]).stream(),
    });
    expect(up.status).toBe(201);
    expect(await call.practice.deletionProof({ recordingId })).toEqual({ status: 'audio_not_deleted' });

    await transcribe(recordingId);
    const pending = await call.practice.deletionProof({ recordingId });
    expect(pending).toMatchObject({ status: 'pending' });

    const [n] = await h.db.sql<{ n: string }[]>`select count(*)::text as n from events`;
    await eventually(async () => {
      await sealChain(h.db.sql);
      const [c] = await h.db.sql<{ n: string }[]>`select count(*)::text as n from event_chain`;
      expect(c!.n).toBe(n!.n);
    }, 30_000);
    const key = generateKeyPairSync('ed25519').privateKey;
    const tree = new AuditTree();
    const published = await publishCheckpoint({
      db: h.db.sql,
      tree,
      store: new DirectoryAnchorStore(dir),
      key,
      now: new Date(),
    });
    await mirrorCheckpoint(h.db.sql, tree, published!, key);

    const proof = await call.practice.deletionProof({ recordingId });
    if (proof.status !== 'proven') throw new Error(`expected a proof, got ${JSON.stringify(proof)}`);
    expect(proof.verified).toBe(true);
    expect(proof.checkpoint.treeSize).toBe(published!.treeSize);
    // What a candidate (or anyone) can check with nothing but the published public key:
    const publicKey = parsePublicKey(proof.checkpoint.publicKey);
    const root = Buffer.from(proof.checkpoint.rootHash, 'base64');
    expect(
      checkpointSignatureValid(
        {
          treeSize: proof.checkpoint.treeSize,
          rootHash: root,
          time: new Date(proof.checkpoint.signedAt),
          signature: Buffer.from(proof.checkpoint.signature, 'base64'),
        },
        publicKey,
      ),
    ).toBe(true);
    const leaf = Buffer.from(proof.leafHash, 'base64');
    const pathHashes = proof.path.map((p) => Buffer.from(p, 'base64'));
    expect(verifyInclusion(leaf, proof.leafIndex, proof.checkpoint.treeSize, pathHashes, root)).toBe(true);
    expect(
      (await new DirectoryAnchorStore(dir).readPublicKey())!.export({ format: 'pem', type: 'spki' }),
    ).toBe(proof.checkpoint.publicKey);

    const other = await candidate();
    await expect((await other.call()).practice.deletionProof({ recordingId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('refuses anonymous callers and staff', async () => {
    const ctx = (session: Session | null): Context => ({
      sql: h.db.sql,
      requestId: 'req-access',
      session,
      ip: '127.0.0.1',
      userAgent: 'vitest',
      log: silentLogger,
      cookies: memoryCookies(),
      auth: h.auth,
    });
    const factory = createCallerFactory(appRouter);
    await expect(factory(ctx(null)).practice.deletionProof({ recordingId: 'x' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const analyst = factory(ctx({ userId: randomUUID(), roles: ['analyst'], mfaPassed: true }));
    await expect(analyst.practice.deletionProof({ recordingId: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
