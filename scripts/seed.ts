/**
 * `npm run db:seed -- --candidates N [--force] [--seed S]`: N synthetic candidates with sessions, answers and
 * feedback, made through the real command path — sign-up (consents, trial), email verification, practice
 * sessions, audio uploads (a short generated WAV), the worker's transcription and feedback handlers — so the
 * analyst workspace, benchmarks and a first look have realistic data. The only stand-in is the speech engine:
 * it returns a synthetic answer text (varied structure, fillers and pace) instead of recognising the tone.
 * Refuses a database that holds any account not made by this script, unless --force.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  createAuthServices,
  handleRecordingUpload,
  memoryCookies,
  POLICY_VERSION,
  signUp,
  silentLogger,
  startPracticeSession,
  verifyEmail,
  type AuthServices,
  type MailMessage,
  type ServiceContext,
} from '@tia/api';
import {
  createLogger,
  createSql,
  KeyStore,
  migrate,
  openAccountFields,
  PostgresBlobStore,
  rebuildAccountsAfterMigration,
  type SealedAccountRow,
  type Sql,
} from '@tia/db';
import { createRng, recording } from '@tia/domain';
import {
  feedbackHandler,
  transcriptionHandler,
  type Transcript,
  type TranscriptionEngine,
} from '@tia/worker';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SEED_EMAIL_DOMAIN = 'seed.invalid';

const Env = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  MASTER_KEY: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
  DATA_DIR: z.string().default(path.join(ROOT, '.data')),
});

const secret = (value: string | undefined, dir: string, file: string, name: string): Buffer => {
  const v =
    value ?? (existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8') : undefined);
  if (!v) throw new Error(`${name} is not set (and ${path.join(dir, file)} does not exist)`);
  return Buffer.from(v.trim(), 'base64');
};

/** A mono 16-bit PCM WAV tone of `seconds` (what the recorder would upload, minus the voice). */
const toneWav = (seconds: number, rate = 16_000): Buffer => {
  const n = Math.round(seconds * rate);
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++)
    b.writeInt16LE(Math.round(6000 * Math.sin((2 * Math.PI * 220 * i) / rate)), 44 + i * 2);
  return b;
};

const OPENINGS = [
  'In my last role at a logistics company',
  'When I was leading a small project team',
  'During my internship',
  'At my previous job in customer support',
];
const SITUATIONS = [
  'our deadline was moved forward by two weeks and the team was worried',
  'a client complained that our reports were always late',
  'two colleagues disagreed about how to fix a recurring problem',
  'we lost a key supplier a month before launch',
];
const ACTIONS = [
  'I set up a short daily check-in, split the work into clear pieces and took the hardest part myself',
  'I listened to both sides, wrote down the options and proposed a trial of each for one week',
  'I analysed the last six months of data and found that one manual step caused most delays',
  'we talked about it and we kind of tried different things',
];
const RESULTS = [
  'As a result we delivered on time and cut errors by 30 percent.',
  'In the end the client renewed the contract for two more years.',
  'We reduced the waiting time from five days to two.',
  'It worked out fine in the end I think.',
];
const FILLERS = ['um', 'uh', 'like', 'you know', 'basically'];

/** A synthetic answer: its quality, fillers and speaking pace vary with the random source. */
const answerText = (rng: () => number): Transcript & { wpm: number } => {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
  const fillerRate = rng() < 0.5 ? 0 : rng() * 0.12;
  const base = `${pick(OPENINGS)}, ${pick(SITUATIONS)}. My task was to find a way through it. ${pick(ACTIONS)}. ${pick(RESULTS)}`;
  const words: string[] = [];
  for (const w of base.split(/\s+/)) {
    if (rng() < fillerRate) words.push(pick(FILLERS));
    words.push(w);
  }
  const wpm = 95 + Math.floor(rng() * 100);
  const per = 60 / wpm;
  return {
    text: words.join(' '),
    words: words.map((word, i) => ({
      word: word.replace(/[.,]/g, ''),
      start: i * per,
      end: i * per + per * 0.8,
    })),
    wpm,
  };
};

/** The speech engine stand-in: hands back the answer text queued for the next recording. */
class SyntheticEngine implements TranscriptionEngine {
  readonly name = 'synthetic';
  readonly model = 'seed';
  next: Transcript = { text: '', words: [] };
  check = () => Promise.resolve();
  transcribe = () => Promise.resolve(this.next);
}

/** Every account in the database was made by this script (or there is none). Emails are sealed: opened here. */
export const onlySeedAccounts = async (sql: Sql, masterKey: Buffer): Promise<boolean> => {
  const rows = await sql<SealedAccountRow[]>`select user_id, name_enc, email_enc from rm_accounts`;
  const opened = await openAccountFields(new KeyStore(masterKey), sql, rows);
  return [...opened.values()].every((a) => a.email.endsWith(`@${SEED_EMAIL_DOMAIN}`));
};

export interface SeedResult {
  candidates: number;
  verified: number;
  answers: number;
  scored: number;
}

export const seed = async (opts: {
  sql: Sql;
  masterKey: Buffer;
  authSecret: Buffer;
  candidates: number;
  seed?: number;
  /** Whole weeks back the first sign-up may lie (default 8). */
  weeks?: number;
  log?: (msg: string) => void;
  /** Told about each candidate once made (e.g. to sign in as one later: scripts/visual-diff.ts). */
  onCandidate?: (c: { userId: string; email: string; password: string; answers: number }) => void;
}): Promise<SeedResult> => {
  const rng = createRng(opts.seed ?? 12);
  let now = Date.now() - (opts.weeks ?? 8) * 7 * 86_400_000;
  const clock = () => new Date(now);
  const codes = new Map<string, string>();
  const a: AuthServices = createAuthServices({
    sql: opts.sql,
    masterKey: opts.masterKey,
    authSecret: opts.authSecret,
    // Synthetic people have no mailbox: the verification code is read from the message instead of sent.
    mailer: {
      send: (m: MailMessage) => {
        const code = /\n\s+(\d{6})\s*\n/.exec(m.text)?.[1];
        if (code) codes.set(m.to, code);
        return Promise.resolve();
      },
    },
    secureCookies: false,
    freeTrialAnswers: 5,
    clock,
  });
  const engine = new SyntheticEngine();
  const blobs = new PostgresBlobStore(a.keys);
  const deps = { blobs, inline: a.inline, clock };
  const transcribe = transcriptionHandler({ ...deps, engine });
  const feedback = feedbackHandler({ ...deps, enricher: null });
  const handlerCtx = { store: a.store, log: silentLogger, heartbeat: () => Promise.resolve() };
  const wav = toneWav(2);
  const span = (opts.weeks ?? 8) * 7 * 86_400_000;
  const step = span / Math.max(1, opts.candidates);
  const result: SeedResult = { candidates: 0, verified: 0, answers: 0, scored: 0 };
  const runId = Math.floor(rng() * 1e9).toString(36);
  for (let i = 0; i < opts.candidates; i++) {
    now += step * (0.5 + rng());
    const email = `candidate-${runId}-${i}@${SEED_EMAIL_DOMAIN}`;
    const ctx: ServiceContext = {
      sql: opts.sql,
      requestId: `seed-${i}`,
      session: null,
      ip: `10.${(i >> 8) & 255}.${i & 255}.9`,
      userAgent: 'tia-seed',
      log: silentLogger,
      cookies: memoryCookies(),
      auth: a,
      services: a,
    };
    const password = `seed-${runId}-${i}-${Math.floor(rng() * 1e12)}`;
    const { userId } = await signUp(ctx, {
      name: `Synthetic Candidate ${i + 1}`,
      email,
      password,
      dateOfBirth: '1996-04-01',
      consents: { recordingFeedback: true, productImprovement: rng() < 0.6, marketingEmail: false },
      policyVersion: POLICY_VERSION,
    });
    result.candidates++;
    if (rng() < 0.12) continue; // never verified
    await verifyEmail(ctx, { email, code: codes.get(email)! });
    result.verified++;
    const r = rng();
    const answers = r < 0.15 ? 0 : r < 0.6 ? 1 + Math.floor(rng() * 4) : 5;
    opts.onCandidate?.({ userId, email, password, answers });
    if (answers === 0) continue;
    const trackDraw = rng();
    const track = trackDraw < 0.45 ? 'competency' : trackDraw < 0.8 ? 'ypp' : 'job';
    const { sessionId } = await startPracticeSession(
      a,
      { userId, requestId: `seed-${i}`, ip: ctx.ip },
      {
        track,
        count: answers,
        ...(track === 'job'
          ? {
              jobTitle: 'Operations Analyst',
              jobDescription:
                'We are looking for an operations analyst who improves processes, works with data, communicates clearly with stakeholders and leads small improvement projects.',
            }
          : {}),
      },
    );
    const session = await a.sql<{ questions: { id: string }[] }[]>`
      select questions from rm_practice_sessions where session_id = ${sessionId}`;
    const questions = session[0]!.questions;
    for (let j = 0; j < answers; j++) {
      now += (2 + rng() * 60) * 60_000;
      const recordingId = a.newId();
      await handleRecordingUpload(a, {
        session: { userId, roles: ['candidate'], mfaPassed: false },
        requestId: `seed-${i}-${j}`,
        ip: ctx.ip,
        query: new URLSearchParams({
          sessionId,
          questionId: questions[j % questions.length]!.id,
          durationSeconds: '2',
          recordingId,
        }),
        contentType: 'audio/wav',
        contentLength: null,
        body: new Uint8Array(wav),
      });
      result.answers++;
      engine.next = answerText(rng);
      const stream = recording.recordingStream(recordingId);
      const uploaded = (await a.store.readStream(stream)).find((e) => e.type === 'RecordingUploaded')!;
      const prepared = await transcribe.prepare!(uploaded, { ...handlerCtx, attempt: 1, maxAttempts: 3 });
      now += (10 + rng() * 200) * 1000; // transcription time
      await a.sql.begin((tx) => transcribe.handle(uploaded, { ...handlerCtx, tx, prepared }));
      const produced = (await a.store.readStream(stream)).find((e) => e.type === 'TranscriptProduced');
      if (!produced) continue;
      now += (1 + rng() * 30) * 1000;
      await a.sql.begin((tx) =>
        feedback.handle(produced, { ...handlerCtx, tx, prepared: { llm: null, graded: null } }),
      );
      result.scored++;
    }
    if ((i + 1) % 10 === 0) opts.log?.(`${i + 1} of ${opts.candidates} candidates`);
  }
  return result;
};

const main = async () => {
  const { values } = parseArgs({
    options: {
      candidates: { type: 'string', default: '50' },
      force: { type: 'boolean', default: false },
      seed: { type: 'string', default: '12' },
      weeks: { type: 'string', default: '8' },
    },
  });
  const candidates = z.coerce.number().int().min(1).max(100_000).parse(values.candidates);
  const env = Env.parse(process.env);
  const log = createLogger({ service: 'seed' });
  const sql = createSql(env.DATABASE_URL, { max: 4, applicationName: 'tia-seed' });
  try {
    const masterKey = secret(env.MASTER_KEY, env.DATA_DIR, 'master.key', 'MASTER_KEY');
    const authSecret = secret(env.AUTH_SECRET, env.DATA_DIR, 'auth.secret', 'AUTH_SECRET');
    const { applied } = await migrate(sql);
    await rebuildAccountsAfterMigration(sql, applied, { masterKey, authSecret, log });
    if (!values.force && !(await onlySeedAccounts(sql, masterKey))) {
      log.error(
        'this database holds real accounts; refusing to add synthetic ones (use --force to add them anyway)',
      );
      process.exitCode = 2;
      return;
    }
    const started = performance.now();
    const r = await seed({
      sql,
      masterKey,
      authSecret,
      candidates,
      seed: Number(values.seed),
      weeks: Number(values.weeks),
      log: (m) => log.info(m),
    });
    log.info('seeded', { ...r, seconds: Math.round((performance.now() - started) / 100) / 10 });
  } finally {
    await sql.end({ timeout: 5 });
  }
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
