/**
 * Withdrawing the recording consent deletes pending audio at once, unprocessed (P24, P03), and gives the
 * answer back to the free trial (P31) — before the call returns, with no worker running.
 */
import { randomUUID } from 'node:crypto';
import { recording } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleRecordingUpload } from '../practice/index.js';
import { createAudioFixtures, type AudioFixtures } from '../testing/audio-fixtures.js';
import {
  createHarness,
  signUpInput,
  waitForMails,
  type Browser,
  type Harness,
} from '../testing/identity-harness.js';

let h: Harness;
let fx: AudioFixtures;
beforeAll(async () => {
  h = await createHarness({ freeTrialAnswers: 3 });
  fx = await createAudioFixtures();
}, 120_000);
afterAll(async () => {
  await fx?.cleanup();
  await h?.close();
});

const candidate = async () => {
  const email = `w-${randomUUID().slice(0, 8)}@example.org`;
  const b = await h.browser();
  const { userId } = await (await b.call()).auth.signUp(signUpInput({ email }));
  await waitForMails(h, email, 1);
  await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
  return { b, userId };
};

const upload = async (b: Browser) => {
  const { sessionId } = await (await b.call()).practice.start({ track: 'competency', count: 2 });
  const s = await (await b.call()).practice.session({ sessionId });
  const data = await fx.must('webm-opus');
  const ids: string[] = [];
  for (const q of s.questions) {
    const recordingId = randomUUID();
    const r = await handleRecordingUpload(h.auth, {
      session: await b.session(),
      requestId: `req-${randomUUID()}`,
      ip: '10.7.7.7',
      query: new URLSearchParams({ sessionId, questionId: q.id, durationSeconds: '11', recordingId }),
      contentType: 'audio/webm;codecs=opus',
      contentLength: String(data.length),
      body: new Blob([new Uint8Array(data)]).stream(),
    });
    expect(r.status).toBe(201);
    ids.push(recordingId);
  }
  return ids;
};

const count = async (q: PromiseLike<{ length: number }>) => (await q).length;

describe('withdrawing the recording consent', () => {
  it('deletes every pending answer’s audio and key in the same call, never transcribed, trial given back', async () => {
    const { b, userId } = await candidate();
    const ids = await upload(b);
    expect(await count(h.db.sql`select 1 from audio_blobs where owner_id = ${userId}`)).toBe(2);
    const used = async () =>
      (await h.db.sql<{ used: number }[]>`select used from rm_trial_usage where user_id = ${userId}`)[0]
        ?.used;
    expect(await used()).toBe(2);

    await (await b.call()).privacy.setConsent({ purpose: 'recording_feedback', given: false });

    // No worker ran: the withdrawal itself deleted them.
    expect(await count(h.db.sql`select 1 from audio_blobs where owner_id = ${userId}`)).toBe(0);
    for (const id of ids) {
      expect(
        await count(
          h.db.sql`select 1 from subject_keys where subject_id = ${recording.recordingKeySubject(id)}`,
        ),
      ).toBe(0);
      const events = await h.auth.store.readStream(recording.recordingStream(id));
      expect(events.map((e) => e.type)).toEqual([
        'RecordingUploaded',
        'RecordingProcessingSkipped',
        'AudioDeleted',
      ]);
      expect(events[2]!.data).toMatchObject({
        reason: 'consent_withdrawn',
        transcribedAt: null,
        blobExisted: true,
      });
      expect(events[2]!.metadata.actor).toEqual({ kind: 'user', id: userId });
    }
    expect(await used()).toBe(0); // exercising the right cost nothing
    const rows = await h.db.sql<
      { status: string }[]
    >`select status from rm_recordings where user_id = ${userId}`;
    expect(rows.map((r) => r.status)).toEqual(['skipped', 'skipped']);
  });

  it('giving consent, or withdrawing another purpose, deletes nothing', async () => {
    const { b, userId } = await candidate();
    await upload(b);
    await (await b.call()).privacy.setConsent({ purpose: 'marketing_email', given: false });
    await (await b.call()).privacy.setConsent({ purpose: 'product_improvement', given: true });
    expect(await count(h.db.sql`select 1 from audio_blobs where owner_id = ${userId}`)).toBe(2);
  });
});
