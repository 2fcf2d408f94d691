/**
 * Erasure end to end (P11, P19, P20, P28): a candidate with a name, an email, a marker word in a job
 * description and a practised answer whose transcript holds another marker word erases their account through
 * `privacy.erase`. Then a `pg_dump --data-only` of the whole database and every file of the dev mailbox hold
 * none of those words — with every projection running (inline ones in the API, the asynchronous ones as the
 * worker runs them) and the practice pipeline (transcription, feedback) having processed the answer.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleRecordingUpload } from '@tia/api';
import { createHarness, signUpInput, waitForMails, type Harness } from '@tia/api/testing';
import { createAudioFixtures, type AudioFixtures } from '@tia/api/testing/audio';
import { ASYNC_PROJECTIONS, runProjection, silentLogger } from '@tia/db';
import { waitFor } from '@tia/db/testing';
import { recording } from '@tia/domain';
import { EmbeddedTransport, feedbackHandler, transcriptionHandler } from '@tia/worker';
import { inline, ScriptedEngine } from '@tia/worker/testing';

const run = promisify(execFile);

const NAME = 'Wilhelmina Quarrington';
const EMAIL = `w.quarrington-${randomUUID().slice(0, 8)}@example.org`;
const PASSWORD = 'a long passphrase nobody guesses';
const JOB_MARKER = 'Zorblaxian';
const SPOKEN_MARKER = 'quetzalcoatlite';
const JOB_DESCRIPTION = `We are hiring a data engineer for the ${JOB_MARKER} platform team. You will own pipelines, mentor two juniors and report to the head of data.`;

let h: Harness;
let fx: AudioFixtures;
let mailbox: string;
const ac = new AbortController();
let transport: EmbeddedTransport | null = null;
const loops: Promise<unknown>[] = [];

beforeAll(async () => {
  mailbox = path.join(await mkdtemp(path.join(tmpdir(), 'tia-erasure-mailbox-')), 'mailbox');
  h = await createHarness({ mailboxDir: mailbox });
  fx = await createAudioFixtures();
  const engine = new ScriptedEngine({
    text: `when i led the ${SPOKEN_MARKER} migration we cut the report time by forty percent`,
    words: [],
  });
  const p = { blobs: h.auth.blobs, inline };
  transport = new EmbeddedTransport({
    sql: h.db.sql,
    store: h.auth.store,
    log: silentLogger,
    handlers: [transcriptionHandler({ ...p, engine }), feedbackHandler({ ...p, enricher: null })],
    pollMs: 20,
    baseDelayMs: 5,
  });
  await transport.start();
  for (const projection of ASYNC_PROJECTIONS)
    loops.push(
      runProjection(projection, {
        sql: h.db.sql,
        store: h.auth.store,
        log: silentLogger,
        signal: ac.signal,
        pollMs: 20,
      }),
    );
}, 180_000);

afterAll(async () => {
  await transport?.stop();
  ac.abort();
  await Promise.allSettled(loops);
  await fx?.cleanup();
  await h?.close();
  if (mailbox) await rm(path.dirname(mailbox), { recursive: true, force: true });
});

/** The asynchronous analytics projection holds this person's answer (`n` = 1) or nothing of them (`n` = 0). */
const analyticsRows = async (userId: string, n: number) =>
  (await h.db.sql`select 1 from analytics_private.answers where subject_id = ${userId}`).length === n &&
  (await h.db.sql`select 1 from analytics_private.subjects where subject_id = ${userId}`).length === n;

/** Each needle as text, lower case, and as the hex pg_dump prints for bytea. */
const forms = (words: string[]) =>
  words.flatMap((w) => [w, w.toLowerCase(), Buffer.from(w, 'utf8').toString('hex')]);

const findIn = (haystack: string, words: string[]) => {
  const lower = haystack.toLowerCase();
  return forms(words).filter((f) => lower.includes(f.toLowerCase()));
};

const dumpDatabase = async () =>
  (
    await run('pg_dump', ['--data-only', '--no-owner', '--dbname', h.db.url], {
      maxBuffer: 256 * 1024 * 1024,
    })
  ).stdout;

const readMailbox = async () => {
  const names = await readdir(mailbox).catch(() => [] as string[]);
  return (await Promise.all(names.map((n) => readFile(path.join(mailbox, n), 'utf8')))).join('\n');
};

describe('privacy.erase: nothing of the person is left in plaintext', () => {
  it('erases name, email, job description and transcript from the whole database and the dev mailbox', async () => {
    const b = await h.browser();
    const { userId } = await (
      await b.call()
    ).auth.signUp(signUpInput({ name: NAME, email: EMAIL, password: PASSWORD }));
    await waitForMails(h, EMAIL, 1);
    await (await b.call()).auth.verifyEmail({ email: EMAIL, code: h.lastCodeFor(EMAIL) });

    const { sessionId } = await (
      await b.call()
    ).practice.start({
      track: 'job',
      count: 1,
      jobTitle: 'Data engineer',
      jobDescription: JOB_DESCRIPTION,
    });
    const session = await (await b.call()).practice.session({ sessionId });
    const questionId = session.questions[0]!.id;
    const recordingId = randomUUID();
    const webm = await fx.must('webm-opus');
    const up = await handleRecordingUpload(h.auth, {
      session: await b.session(),
      requestId: `req-${randomUUID()}`,
      ip: '10.9.9.9',
      query: new URLSearchParams({ sessionId, questionId, durationSeconds: '11', recordingId }),
      contentType: 'audio/webm;codecs=opus',
      contentLength: String(webm.length),
      body: new Blob([new Uint8Array(webm)]).stream(),
    });
    expect(up.status).toBeLessThan(300);
    const types = async () =>
      (await h.auth.store.readStream(recording.recordingStream(recordingId))).map((e) => e.type);
    await waitFor(async () => (await types()).includes('FeedbackScored'), 60_000);
    await waitFor(() => analyticsRows(userId, 1), 30_000);

    // Before: the words are there to be found (decrypted for the person; the mailbox holds the code mail).
    const transcriptEvent = (await h.auth.store.readStream(recording.recordingStream(recordingId))).find(
      (e) => e.type === 'TranscriptProduced',
    )!;
    expect(transcriptEvent.data.text).toContain(SPOKEN_MARKER);
    expect(findIn(await readMailbox(), [NAME, EMAIL])).not.toEqual([]);
    // Even before erasure, no table holds them in plaintext: events and read models are sealed (P11, P22).
    expect(findIn(await dumpDatabase(), [NAME, EMAIL, JOB_MARKER, SPOKEN_MARKER])).toEqual([]);

    // Erase, with the current password.
    const other = await h.browser();
    await (await other.call()).auth.signIn({ email: EMAIL, password: PASSWORD });
    expect(await other.session()).not.toBeNull();
    const out = await (await b.call()).privacy.erase({ currentPassword: PASSWORD });
    expect(out.ok).toBe(true);
    expect(out.mailboxMessagesRemoved).toBeGreaterThanOrEqual(2); // code + completion mail
    expect(await b.session()).toBeNull();
    expect(await other.session()).toBeNull(); // every session ended
    const done = await waitForMails(h, EMAIL, 2);
    expect(done.at(-1)!.raw).toContain('was erased');
    await waitFor(() => analyticsRows(userId, 0), 30_000);

    // The event recording it names no one.
    const erased = (await h.auth.store.readStream(`privacy-${userId}`)).filter(
      (e) => e.type === 'SubjectErased',
    );
    expect(erased).toHaveLength(1);
    expect(findIn(JSON.stringify(erased), [NAME, EMAIL, JOB_MARKER, SPOKEN_MARKER])).toEqual([]);
    expect(erased[0]!.metadata.actor).toEqual({ kind: 'user', id: userId });

    // The whole database, every table and every projection's rows: none of the words.
    const dump = await dumpDatabase();
    expect(dump.length).toBeGreaterThan(10_000);
    expect(dump).toContain(userId); // the dump does hold this person's (pseudonymous) events
    expect(findIn(dump, [NAME, EMAIL, JOB_MARKER, SPOKEN_MARKER, 'Quarrington', 'Wilhelmina'])).toEqual([]);
    // The dev mailbox: nothing addressed to or naming them.
    expect(findIn(await readMailbox(), [NAME, EMAIL, JOB_MARKER, SPOKEN_MARKER])).toEqual([]);

    // Only HMAC(email) stays: signing in fails, a new sign-up gets no second trial.
    const again = await h.browser();
    await expect((await again.call()).auth.signIn({ email: EMAIL, password: PASSWORD })).rejects.toThrow();
    const re = await (
      await again.call()
    ).auth.signUp(signUpInput({ name: NAME, email: EMAIL, password: PASSWORD }));
    expect(re.userId).not.toBe(userId);
    await waitForMails(h, EMAIL, 3);
    await (await again.call()).auth.verifyEmail({ email: EMAIL, code: h.lastCodeFor(EMAIL) });
    expect((await (await again.call()).auth.me())?.trial).toEqual({ remaining: 0, total: 0 });
  });

  it('refuses a wrong or missing password without erasing anything', async () => {
    const email = `refuse-${randomUUID().slice(0, 8)}@example.org`;
    const b = await h.browser();
    const { userId } = await (await b.call()).auth.signUp(signUpInput({ email, password: PASSWORD }));
    await waitForMails(h, email, 1);
    await (await b.call()).auth.verifyEmail({ email, code: h.lastCodeFor(email) });
    await expect(
      (await b.call()).privacy.erase({ currentPassword: 'not the password at all' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect((await b.call()).privacy.erase({})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await h.auth.keys.isErased(h.db.sql, userId)).toBe(false);
    expect(await b.session()).not.toBeNull();
  });
});
