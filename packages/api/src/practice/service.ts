/**
 * Practice sessions and recorded answers (docs/practice.md): starting a session, receiving an answer's audio,
 * and the candidate's own views (session, one answer with transcript and feedback, history and progress,
 * trial, restriction of processing). Decisions come from the domain (question selection, the recording
 * decider); every append passes the inline projections so the read models are current when it commits.
 */
import { z } from 'zod';
import {
  ConcurrencyError,
  lockSubject,
  readCapability,
  sha256Hex,
  type Queryable,
  type RecordedEvent,
  type TxSql,
} from '@tia/db';
import {
  annotateTranscript,
  COMPETENCIES,
  COMPETENCY_IDS,
  competenciesOf,
  generateJobQuestions,
  pickQuestions,
  PracticeQuestion,
  QUESTION_BANK_VERSION,
  recording,
  redactJobQuestions,
  revealQuestion,
  RUBRIC_CRITERIA,
  TRACKS,
  type Anchors,
  type AudioContainer,
  type CompetencyId,
  type Track,
} from '@tia/domain';
import type { Session } from '../context.js';
import {
  Conflict,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  PaymentRequired,
  ServiceUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from '../errors.js';
import type { AuthServices } from '../identity/services.js';
import { authorize, type RoleAccess } from '../trpc.js';
import { sniffAudio } from './sniff.js';
import { appendPrivacyEvents } from '../privacy/stream.js';
import { POLICIES, type LimitPolicy } from '../auth/rate-limit.js';
import { truncateIp } from '../auth/technical.js';

/** The access rule of every practice operation (tRPC procedures and the upload route). */
export const CANDIDATE: RoleAccess = { kind: 'role', roles: ['candidate'], mfa: false };

export const MAX_RECORDING_BYTES = 10 * 1024 * 1024;
/** Grace over the session's answer time limit (the recorder stops a little late). */
export const DURATION_GRACE_SECONDS = 5;
export const MIN_DURATION_SECONDS = 0.5;

/** Who is acting: the signed-in candidate and the request (for correlation). */
export interface Actor {
  userId: string;
  requestId: string;
  /** The caller's address (for per-network limits); null when unknown. */
  ip?: string | null;
}

export const VERIFY_FIRST_MESSAGE =
  'Please confirm your email address first: enter the code we sent you, then start practising.';

/** Practising writes lasting records: only an account whose email address is proven may do it. */
const requireVerifiedEmail = async (db: Queryable, userId: string): Promise<void> => {
  const rows = await db<{ verified: boolean }[]>`
    select email_verified_at is not null as verified from rm_accounts where user_id = ${userId}`;
  // No row: an erased account — the later checks refuse it with their own answer.
  if (rows[0] && !rows[0].verified) throw new Forbidden(VERIFY_FIRST_MESSAGE);
};

/** Reserves one attempt per account and per network (refused with 429 once the budget is used). */
const reservePerAccountAndNetwork = async (
  a: AuthServices,
  action: string,
  userId: string,
  ip: string | null | undefined,
  policies: { account: LimitPolicy; network: LimitPolicy },
): Promise<void> => {
  await a.limiter.reserve(
    a.sql,
    [
      { key: a.limiter.key(`${action}-acct`, userId), policy: policies.account },
      { key: a.limiter.key(`${action}-ip`, truncateIp(ip) ?? 'unknown'), policy: policies.network },
    ],
    a.clock(),
  );
};

const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);
const userMeta = (a: AuthServices, actor: Actor, occurredAt = a.clock().toISOString()) => ({
  occurredAt,
  actor: { kind: 'user' as const, id: actor.userId },
  correlationId: actor.requestId,
});

// ---------------------------------------------------------------------------------------------------------
// Tracks and starting a session
// ---------------------------------------------------------------------------------------------------------

const TRACK_INFO: Record<Track, { name: string; description: string }> = {
  competency: {
    name: 'Competency-based interview',
    description:
      'Behavioural questions on teamwork, leadership, problem solving, communication and more: answer with a real example (STAR).',
  },
  ypp: {
    name: 'World Bank Young Professionals Program',
    description: 'Questions on the World Bank Group core competencies, as asked in YPP interviews.',
  },
  job: {
    name: 'Job-specific interview',
    description:
      'Questions generated from a job description you paste: role skills, behaviour and motivation.',
  },
};

export const tracks = () => ({
  tracks: TRACKS.map((id) => ({
    id,
    name: TRACK_INFO[id].name,
    description: TRACK_INFO[id].description,
    competencies: Object.values(COMPETENCIES)
      .filter((c) => c.track === id)
      .map((c) => ({ id: c.id, name: c.label })),
  })),
  questionBankVersion: QUESTION_BANK_VERSION,
});

export const JOB_DESCRIPTION_MIN = 50;

export const startInput = z
  .object({
    track: z.enum(TRACKS),
    count: z.number().int().min(1).max(10).default(3),
    competency: z.enum(COMPETENCY_IDS).optional(),
    jobTitle: z.string().trim().max(200, 'Keep the job title under 200 characters.').optional(),
    jobDescription: z
      .string()
      .trim()
      .max(50_000, 'The job description is too long (50,000 characters at most).')
      .optional(),
    answerTimeLimitSeconds: z.number().int().min(30).max(300).default(120),
  })
  .superRefine((v, ctx) => {
    if (v.track === 'job') {
      if (!v.jobTitle)
        ctx.addIssue({ code: 'custom', path: ['jobTitle'], message: 'Enter the title of the job.' });
      if (!v.jobDescription || v.jobDescription.length < JOB_DESCRIPTION_MIN)
        ctx.addIssue({
          code: 'custom',
          path: ['jobDescription'],
          message: `Paste the job description (at least ${JOB_DESCRIPTION_MIN} characters).`,
        });
    } else if (v.competency !== undefined && !competenciesOf(v.track).includes(v.competency)) {
      ctx.addIssue({
        code: 'custom',
        path: ['competency'],
        message: 'This competency is not part of the chosen track.',
      });
    }
  });
export type StartInput = z.output<typeof startInput>;

/** Picks (bank tracks) or generates (job track) the questions and appends `PracticeSessionStarted`. */
export const startSession = async (
  a: AuthServices,
  actor: Actor,
  raw: z.input<typeof startInput>,
): Promise<{ sessionId: string }> => {
  const input = startInput.parse(raw);
  await requireVerifiedEmail(a.sql, actor.userId);
  // A restricted account keeps its data but starts nothing new to analyse (P26), as uploads are refused.
  if ((await getRestriction(a.sql, actor.userId)).restricted) throw new Forbidden(RESTRICTED_MESSAGE);
  await reservePerAccountAndNetwork(a, 'session-start', actor.userId, actor.ip, {
    account: POLICIES.sessionStartAccount,
    network: POLICIES.sessionStartIp,
  });
  const sessionId = a.newId();
  const now = a.clock().toISOString();
  let questions: PracticeQuestion[];
  let keyTerms: string[] = [];
  let jobTitle: string | null = null;
  let jobDescription: string | null = null;
  let bankVersion = QUESTION_BANK_VERSION;
  if (input.track === 'job') {
    jobDescription = input.jobDescription ?? '';
    const generated = generateJobQuestions({
      jobTitle: input.jobTitle ?? '',
      jobDescription,
      count: input.count,
      seed: sessionId,
    });
    jobTitle = generated.jobTitle;
    keyTerms = [...new Set(generated.keyTerms.map((k) => k.term.slice(0, 200)))].slice(0, 50);
    // The generated texts quote the title and the key terms: store them as placeholders (see redactJobQuestions).
    questions = redactJobQuestions(generated.questions.map(recording.toPracticeQuestion), {
      jobTitle,
      keyTerms,
    });
    bankVersion = generated.bankVersion;
  } else {
    questions = pickQuestions({
      track: input.track,
      count: input.count,
      seed: sessionId,
      ...(input.competency ? { competency: input.competency } : {}),
    }).map(recording.toPracticeQuestion);
  }
  if (questions.length === 0)
    throw new ValidationFailed(
      [{ path: '', message: 'No questions could be made from this input.' }],
      'No questions could be made from this input.',
    );
  await a.sql.begin(async (tx) => {
    if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
    await a.store.append(
      recording.practiceStream(sessionId),
      0,
      [
        {
          eventId: a.newId(),
          type: 'PracticeSessionStarted',
          data: {
            sessionId,
            userId: actor.userId,
            track: input.track,
            jobTitle,
            jobDescription,
            keyTerms,
            questions,
            questionBankVersion: bankVersion,
            answerTimeLimitSeconds: input.answerTimeLimitSeconds,
            startedAt: now,
          },
          metadata: userMeta(a, actor, now),
        },
      ],
      { tx, inline: a.inline },
    );
  });
  return { sessionId };
};

/** The decrypted job title and key terms of a session (null/[] for bank tracks, or once erased). */
const sessionPii = async (
  a: AuthServices,
  sessionId: string,
): Promise<{ jobTitle: string | null; keyTerms: string[] }> => {
  const started = (await a.store.readStream(recording.practiceStream(sessionId))).find(
    (e) => e.type === 'PracticeSessionStarted',
  );
  const data = (started?.data ?? {}) as { keyTerms?: unknown; jobTitle?: unknown };
  return {
    jobTitle: typeof data.jobTitle === 'string' ? data.jobTitle : null,
    keyTerms: Array.isArray(data.keyTerms)
      ? data.keyTerms.filter((t): t is string => typeof t === 'string')
      : [],
  };
};

// ---------------------------------------------------------------------------------------------------------
// Read side: summaries, sessions, one recording, history
// ---------------------------------------------------------------------------------------------------------

export type RecordingStatus = 'uploaded' | 'transcribed' | 'scored' | 'failed' | 'skipped' | 'expired';

export interface RecordingSummary {
  recordingId: string;
  sessionId: string;
  questionId: string;
  status: RecordingStatus;
  statusDetail: string | null;
  bytes: number;
  durationSeconds: number;
  sha256: string;
  uploadedAt: string;
  transcribedAt: string | null;
  audioDeletedAt: string | null;
  deletionReason: string | null;
  transcriptEngine: string | null;
  scoredAt: string | null;
  overall: number | null;
  scores: Record<string, number> | null;
  feedbackEngine: string | null;
  competency: string | null;
}

interface RecordingRow {
  recording_id: string;
  session_id: string;
  question_id: string;
  status: RecordingStatus;
  status_detail: string | null;
  bytes: number;
  duration_seconds: number;
  sha256: string;
  uploaded_at: Date;
  transcribed_at: Date | null;
  audio_deleted_at: Date | null;
  deletion_reason: string | null;
  transcript_engine: string | null;
  scored_at: Date | null;
  overall: number | null;
  scores: Record<string, number> | null;
  feedback_engine: string | null;
  competency: string | null;
}

const toSummary = (r: RecordingRow): RecordingSummary => ({
  recordingId: r.recording_id,
  sessionId: r.session_id,
  questionId: r.question_id,
  status: r.status,
  statusDetail: r.status_detail,
  bytes: r.bytes,
  durationSeconds: Math.round(Number(r.duration_seconds) * 100) / 100,
  sha256: r.sha256,
  uploadedAt: r.uploaded_at.toISOString(),
  transcribedAt: isoOrNull(r.transcribed_at),
  audioDeletedAt: isoOrNull(r.audio_deleted_at),
  deletionReason: r.deletion_reason,
  transcriptEngine: r.transcript_engine,
  scoredAt: isoOrNull(r.scored_at),
  overall: r.overall,
  scores: r.scores,
  feedbackEngine: r.feedback_engine,
  competency: r.competency,
});

const recordingsWhere = (
  db: Queryable,
  userId: string,
  filter: { sessionId?: string; recordingId?: string },
) =>
  db<RecordingRow[]>`
    select recording_id, session_id, question_id, status, status_detail, bytes, duration_seconds, sha256,
           uploaded_at, transcribed_at, audio_deleted_at, deletion_reason, transcript_engine, scored_at, overall,
           scores, feedback_engine, competency
      from rm_recordings
     where user_id = ${userId}
       ${filter.sessionId !== undefined ? db`and session_id = ${filter.sessionId}` : db``}
       ${filter.recordingId !== undefined ? db`and recording_id = ${filter.recordingId}` : db``}
     order by uploaded_at, recording_id`;

export interface SessionQuestion {
  id: string;
  competency: CompetencyId;
  competencyName: string;
  kind: PracticeQuestion['kind'];
  text: string;
  strongAnswerShows: string[];
  expectsStar: boolean;
}

const withName = (q: PracticeQuestion): SessionQuestion => ({
  ...q,
  competencyName: COMPETENCIES[q.competency].label,
});

interface SessionRow {
  session_id: string;
  user_id: string;
  track: Track;
  questions: unknown;
  time_limit_s: number;
  started_at: Date;
}

/** The caller's own session, or NotFound (someone else's session does not exist for them). */
const ownSession = async (db: Queryable, userId: string, sessionId: string) => {
  const rows = await db<SessionRow[]>`
    select session_id, user_id, track, questions, time_limit_s, started_at
      from rm_practice_sessions where session_id = ${sessionId} and user_id = ${userId}`;
  const row = rows[0];
  if (!row) throw new NotFound('No such practice session.');
  return { ...row, questions: z.array(PracticeQuestion).parse(row.questions) };
};

export const sessionInput = z.object({ sessionId: z.string().min(1).max(200) });

export const getSession = async (a: AuthServices, actor: Actor, input: z.input<typeof sessionInput>) => {
  const { sessionId } = sessionInput.parse(input);
  const s = await ownSession(a.sql, actor.userId, sessionId);
  const pii = await sessionPii(a, sessionId);
  const answers = (await recordingsWhere(a.sql, actor.userId, { sessionId })).map(toSummary);
  return {
    sessionId: s.session_id,
    track: s.track,
    startedAt: s.started_at.toISOString(),
    answerTimeLimitSeconds: s.time_limit_s,
    keyTerms: pii.keyTerms,
    jobTitle: pii.jobTitle,
    questions: s.questions.map((q) => ({
      ...withName(revealQuestion(q, pii)),
      answers: answers.filter((r) => r.questionId === q.id),
    })),
  };
};

export const recordingInput = z.object({ recordingId: z.string().min(1).max(200) });

export type CriterionFeedback = recording.FeedbackData['criteria'][number] & {
  /** What a 1, a 3 and a 5 mean for this criterion (null for a criterion this rubric no longer has). */
  anchors: Anchors | null;
};

export interface RecordingDetail extends RecordingSummary {
  question: SessionQuestion | null;
  transcript: {
    text: string;
    words: { word: string; start: number; end: number }[];
    engine: { name: string; model: string };
  } | null;
  feedback: {
    overall: number;
    rubricVersion: string;
    engine: { name: 'rubric' | 'rubric+llm' | 'rubric+model'; model: string | null };
    criteria: CriterionFeedback[];
    metrics: Record<string, unknown>;
    annotations: { start: number; end: number; kind: 'filler' | 'hedge'; label: string; text: string }[];
    llmTips: string[] | null;
  } | null;
}

const lastOf = (events: readonly RecordedEvent[], type: string) =>
  events.filter((e) => e.type === type).at(-1);

/** One answer of the caller's, with its transcript and feedback decrypted from the recording's events. */
export const getRecording = async (
  a: AuthServices,
  actor: Actor,
  input: z.input<typeof recordingInput>,
): Promise<RecordingDetail> => {
  const { recordingId } = recordingInput.parse(input);
  const row = (await recordingsWhere(a.sql, actor.userId, { recordingId }))[0];
  if (!row) throw new NotFound('No such recording.');
  const summary = toSummary(row);
  const sessionRows = await a.sql<{ questions: unknown }[]>`
    select questions from rm_practice_sessions where session_id = ${row.session_id} and user_id = ${actor.userId}`;
  const questions = sessionRows[0] ? z.array(PracticeQuestion).parse(sessionRows[0].questions) : [];
  const q = questions.find((x) => x.id === row.question_id);

  const events = await a.store.readStream(recording.recordingStream(recordingId));
  const t = lastOf(events, 'TranscriptProduced')?.data as
    | {
        text: string;
        words: { word: string; start: number; end: number }[];
        engine: { name: string; model: string };
      }
    | undefined;
  const f = lastOf(events, 'FeedbackScored')?.data as
    (recording.FeedbackData & { scoredAt: string }) | undefined;
  const transcriptText = typeof t?.text === 'string' ? t.text : null;
  return {
    ...summary,
    question: q ? withName(revealQuestion(q, await sessionPii(a, row.session_id))) : null,
    transcript:
      t && transcriptText !== null
        ? { text: transcriptText, words: Array.isArray(t.words) ? t.words : [], engine: t.engine }
        : null,
    feedback: f
      ? {
          overall: f.overall,
          rubricVersion: f.rubricVersion,
          engine: f.engine,
          criteria: (Array.isArray(f.criteria) ? f.criteria : []).map((c) => ({
            ...c,
            anchors:
              c.id in RUBRIC_CRITERIA ? RUBRIC_CRITERIA[c.id as keyof typeof RUBRIC_CRITERIA].anchors : null,
          })),
          metrics: f.metrics ?? {},
          annotations:
            transcriptText === null
              ? []
              : annotateTranscript(transcriptText).map((x) => ({
                  start: x.start,
                  end: x.end,
                  kind: x.kind,
                  label: x.label,
                  text: transcriptText.slice(x.start, x.end),
                })),
          llmTips: Array.isArray(f.llmTips) ? f.llmTips : null,
        }
      : null,
  };
};

export interface Trial {
  total: number;
  used: number;
  remaining: number;
}

/** Free-trial answers: granted (`rm_accounts.trial_total`) and counted (`rm_trial_usage`). */
export const trialOf = async (db: Queryable, userId: string): Promise<Trial> => {
  const rows = await db<{ total: number | null; used: number | null }[]>`
    select (select trial_total from rm_accounts where user_id = ${userId}) as total,
           (select used from rm_trial_usage where user_id = ${userId}) as used`;
  const total = rows[0]?.total ?? 0;
  const used = rows[0]?.used ?? 0;
  return { total, used, remaining: Math.max(0, total - used) };
};

export const getTrial = (a: AuthServices, actor: Actor): Promise<Trial> => trialOf(a.sql, actor.userId);

export interface Progress {
  byCriterion: { criterion: string; label: string; points: { at: string; score: number }[] }[];
  byCompetency: { competency: string; name: string; points: { at: string; overall: number }[] }[];
}

/** Every answer of the caller (newest first), the trial, and the scores over time. */
export const getHistory = async (a: AuthServices, actor: Actor) => {
  const rows = await recordingsWhere(a.sql, actor.userId, {});
  const answers = rows.map(toSummary);
  const scored = answers
    .filter((r) => r.status === 'scored' && r.scoredAt !== null)
    .sort((x, y) => (x.scoredAt! < y.scoredAt! ? -1 : x.scoredAt! > y.scoredAt! ? 1 : 0));
  const criterionIds = [
    ...Object.keys(RUBRIC_CRITERIA),
    ...new Set(scored.flatMap((r) => Object.keys(r.scores ?? {}))),
  ].filter((id, i, all) => all.indexOf(id) === i);
  const byCriterion = criterionIds
    .map((criterion) => ({
      criterion,
      label:
        criterion in RUBRIC_CRITERIA
          ? RUBRIC_CRITERIA[criterion as keyof typeof RUBRIC_CRITERIA].label
          : criterion,
      points: scored.flatMap((r) => {
        const score = r.scores?.[criterion];
        return typeof score === 'number' ? [{ at: r.scoredAt!, score }] : [];
      }),
    }))
    .filter((c) => c.points.length > 0);
  const competencies = [
    ...COMPETENCY_IDS.filter((c) => scored.some((r) => r.competency === c)),
    ...new Set(
      scored.map((r) => r.competency).filter((c): c is string => c !== null && !(c in COMPETENCIES)),
    ),
  ];
  const byCompetency = competencies.map((competency) => ({
    competency,
    name: competency in COMPETENCIES ? COMPETENCIES[competency as CompetencyId].label : competency,
    points: scored
      .filter((r) => r.competency === competency && r.overall !== null)
      .map((r) => ({ at: r.scoredAt!, overall: r.overall! })),
  }));
  return {
    trial: await trialOf(a.sql, actor.userId),
    answers: answers.reverse(),
    progress: { byCriterion, byCompetency } satisfies Progress,
  };
};

// ---------------------------------------------------------------------------------------------------------
// Restriction of processing
// ---------------------------------------------------------------------------------------------------------

export const getRestriction = async (
  db: Queryable,
  userId: string,
): Promise<{ restricted: boolean; since: string | null }> => {
  const rows = await db<{ restricted_at: Date }[]>`
    select restricted_at from rm_restrictions where subject_id = ${userId}`;
  return { restricted: rows.length > 0, since: isoOrNull(rows[0]?.restricted_at ?? null) };
};

export const restrictionInput = z.object({ restricted: z.boolean() });

/** The candidate restricts processing (answers are kept but not analysed) or lifts the restriction. */
export const setRestriction = async (
  a: AuthServices,
  actor: Actor,
  input: z.input<typeof restrictionInput>,
): Promise<{ restricted: boolean }> => {
  const { restricted } = restrictionInput.parse(input);
  await a.sql.begin(async (tx) => {
    await lockUser(tx, actor.userId);
    const current = await getRestriction(tx, actor.userId);
    if (current.restricted === restricted) return;
    const now = a.clock().toISOString();
    // 'any': the decision is taken on the read model under the person's lock (lockUser), which every
    // writer of restriction events holds, so no concurrent append can change what was decided on.
    await appendPrivacyEvents(a, tx, actor, 'any', now, [
      restricted
        ? { type: 'ProcessingRestricted', data: { subjectId: actor.userId, restrictedAt: now } }
        : { type: 'ProcessingRestrictionLifted', data: { subjectId: actor.userId, liftedAt: now } },
    ]);
  });
  return { restricted };
};

/**
 * Serialises one user's uploads and privacy changes (trial counting, restriction checks) — with erasure
 * too, which takes the same per-subject lock.
 */
const lockUser = (tx: TxSql, userId: string) => lockSubject(tx, userId);

// ---------------------------------------------------------------------------------------------------------
// Upload (HTTP route POST /api/recordings)
// ---------------------------------------------------------------------------------------------------------

export const uploadQuery = z.object({
  sessionId: z.string().min(1, 'The session is missing.').max(200),
  questionId: z.string().min(1, 'The question is missing.').max(200),
  durationSeconds: z.coerce
    .number({ error: 'The duration must be a number of seconds.' })
    .refine(Number.isFinite, 'The duration must be a number of seconds.'),
  recordingId: z.uuid('The recording id must be a UUID.'),
});

export interface UploadRequest {
  /** The session the cookie resolved to (null: anonymous). */
  session: Session | null;
  requestId: string;
  /** The caller's address (socket, or the rightmost untrusted forwarded hop; null when unknown). */
  ip: string | null;
  /** The query string (`?sessionId=…&questionId=…&durationSeconds=…&recordingId=…`). */
  query: URLSearchParams;
  contentType: string | null;
  contentLength: string | null;
  /** The raw audio: a stream (read up to the limit, never beyond) or bytes already in memory. */
  body: ReadableStream<Uint8Array> | Uint8Array | null;
}

export interface UploadBody {
  recordingId: string;
  status: 'uploaded';
  sha256: string;
  bytes: number;
}

export interface UploadResponse {
  /** 201: stored now; 200: the same upload had already been stored (an idempotent retry). */
  status: 200 | 201;
  body: UploadBody;
}

const tooLarge = () =>
  new PayloadTooLarge(MAX_RECORDING_BYTES, 'The recording is larger than 10 MB. Record a shorter answer.');

/** Reads the body, refusing (and cancelling the stream) as soon as it passes `limit` bytes. */
export const readLimited = async (
  body: ReadableStream<Uint8Array> | Uint8Array | null,
  limit: number,
): Promise<Buffer> => {
  if (body === null) return Buffer.alloc(0);
  if (body instanceof Uint8Array) {
    if (body.length > limit) throw tooLarge();
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
};

const DEFAULT_MIME: Record<AudioContainer, string> = {
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  mp4: 'audio/mp4',
  wav: 'audio/wav',
};

/** The recorder's type when it is a plausible media type, else the sniffed container's. */
const mimeTypeOf = (claimed: string | null, container: AudioContainer): string => {
  const t = (claimed ?? '').slice(0, 200).trim().toLowerCase();
  return t.length <= 100 && /^(audio|video)\/[a-z0-9.+-]+(\s*;[\x20-\x7e]*)?$/.test(t)
    ? t
    : DEFAULT_MIME[container];
};

const describeClaimed = (claimed: string | null) => {
  const t = (claimed ?? '').slice(0, 200).trim().toLowerCase().slice(0, 60);
  return /^[a-z0-9.+/-]+(;[\x20-\x7e]*)?$/.test(t) ? ` (sent as ${t})` : '';
};

export const TRANSCRIPTION_UNAVAILABLE_MESSAGE =
  'Answers cannot be transcribed at the moment, so new recordings are not accepted. Nothing was uploaded. Please try again later.';

/**
 * Whether recordings can be transcribed now, as the worker last checked (`service_capabilities`). No row
 * yet (the worker has not started since the table was made) counts as available: the worker refuses to
 * start without an engine unless it runs in degrade mode, and then it writes the row first.
 */
export const speechStatus = async (db: Queryable): Promise<{ available: boolean }> => {
  const c = await readCapability(db, 'transcription');
  return { available: c?.available ?? true };
};

export const CONSENT_REQUIRED_MESSAGE =
  'Getting feedback on recorded answers needs your consent to process the recordings. Turn on "Recording feedback" under Account → My data (/account/privacy), then record again.';
export const RESTRICTED_MESSAGE =
  'You have restricted the processing of your data, so answers cannot be analysed. Lift the restriction under Account → My data (/account/privacy) to practise again.';

/**
 * Receives one answer's audio. Checks, in order: access (candidate), the query, Content-Length, the session and
 * question (the caller's own), the duration, then the body (≤ 10 MiB, read no further), its real format
 * (audio only), and — under a per-user lock, in the transaction that stores it — a retry of the same upload,
 * erasure, consent, restriction and the trial. The encrypted blob and `RecordingUploaded` commit together.
 */
export const handleRecordingUpload = async (a: AuthServices, req: UploadRequest): Promise<UploadResponse> => {
  authorize(CANDIDATE, req.session, 'recordings.upload');
  const userId = req.session!.userId; // authorize refuses anonymous callers
  // Every attempt counts (reserved atomically) against generous per-account and per-network budgets: a client
  // stuck in a loop gets 429s, not a DB full of rejected bodies.
  await reservePerAccountAndNetwork(a, 'upload', userId, req.ip, {
    account: POLICIES.upload,
    network: POLICIES.uploadIp,
  });
  await requireVerifiedEmail(a.sql, userId);
  // Before reading a byte of the body: audio nobody can transcribe is not accepted.
  if (!(await speechStatus(a.sql)).available) throw new ServiceUnavailable(TRANSCRIPTION_UNAVAILABLE_MESSAGE);
  const parsed = uploadQuery.safeParse(Object.fromEntries(req.query.entries()));
  if (!parsed.success)
    throw new ValidationFailed(
      parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      'The upload is missing some information.',
    );
  const q = parsed.data;
  const declared =
    req.contentLength !== null && /^\s*\d+\s*$/.test(req.contentLength) ? Number(req.contentLength) : null;
  if (declared !== null && declared > MAX_RECORDING_BYTES) throw tooLarge();

  const session = await ownSession(a.sql, userId, q.sessionId);
  if (!session.questions.some((x) => x.id === q.questionId))
    throw new NotFound('This question is not part of the session.');
  const maxSeconds = session.time_limit_s + DURATION_GRACE_SECONDS;
  if (q.durationSeconds <= MIN_DURATION_SECONDS)
    throw new ValidationFailed(
      [{ path: 'durationSeconds', message: 'The recording is too short. Record your answer again.' }],
      'The recording is too short. Record your answer again.',
    );
  if (q.durationSeconds > maxSeconds)
    throw new ValidationFailed(
      [
        {
          path: 'durationSeconds',
          message: `The recording is longer than the ${session.time_limit_s} s time limit.`,
        },
      ],
      `The recording is longer than the ${session.time_limit_s} s time limit.`,
    );

  const data = await readLimited(req.body, MAX_RECORDING_BYTES);
  if (data.length === 0)
    throw new ValidationFailed([{ path: '', message: 'The recording is empty.' }], 'The recording is empty.');
  if (declared !== null && declared !== data.length)
    throw new ValidationFailed(
      [{ path: '', message: 'The upload was incomplete. Please try again.' }],
      'The upload was incomplete. Please try again.',
    );
  const sha256 = sha256Hex(data);
  const sniffed = sniffAudio(data);
  if (!sniffed)
    throw new UnsupportedMediaType(
      `This file is not a WebM, Ogg, MP4/M4A or WAV audio recording${describeClaimed(req.contentType)}.`,
    );
  if (sniffed.hasVideo)
    throw new UnsupportedMediaType(
      `This ${sniffed.container} file contains video (${sniffed.codecs.join(', ') || 'unknown codec'}). Only audio is accepted: video never leaves your browser.`,
    );
  if (!sniffed.hasAudio) throw new UnsupportedMediaType(`This ${sniffed.container} file has no audio track.`);

  const body: UploadBody = { recordingId: q.recordingId, status: 'uploaded', sha256, bytes: data.length };
  const actor: Actor = { userId, requestId: req.requestId };
  try {
    return await a.sql.begin(async (tx): Promise<UploadResponse> => {
      await lockUser(tx, userId);
      const stream = recording.recordingStream(q.recordingId);
      const { state, version } = await a.store.load(stream, recording.recordingDecider, tx);
      if (state.kind !== 'none') {
        const u = state.upload;
        if (
          u.userId === userId &&
          u.sha256 === sha256 &&
          u.sessionId === q.sessionId &&
          u.questionId === q.questionId
        )
          return { status: 200, body: { ...body, bytes: u.bytes } };
        throw new Conflict('This recording id was already used for a different recording.');
      }
      if (await a.keys.isErased(tx, userId)) throw new Forbidden('This account was erased.');
      const consent = await tx<{ status: string }[]>`
        select status from rm_consents where subject_id = ${userId} and purpose = 'recording_feedback'`;
      if (consent[0]?.status !== 'given') throw new Forbidden(CONSENT_REQUIRED_MESSAGE);
      if ((await getRestriction(tx, userId)).restricted) throw new Forbidden(RESTRICTED_MESSAGE);
      const trial = await trialOf(tx, userId);
      if (trial.remaining <= 0)
        throw new PaymentRequired(
          `You have used all ${trial.total} answers of your free trial. Upgrade your plan to keep practising.`,
        );

      const now = a.clock().toISOString();
      const events = recording.decide(
        {
          type: 'Upload',
          upload: {
            recordingId: q.recordingId,
            sessionId: q.sessionId,
            userId,
            questionId: q.questionId,
            container: sniffed.container,
            mimeType: mimeTypeOf(req.contentType, sniffed.container),
            bytes: data.length,
            durationSeconds: Math.round(q.durationSeconds * 1000) / 1000,
            sha256,
            uploadedAt: now,
          },
        },
        state,
      );
      await a.blobs.put(tx, {
        recordingId: q.recordingId,
        ownerId: userId,
        data,
        mimeType: mimeTypeOf(req.contentType, sniffed.container),
      });
      await a.store.append(
        stream,
        version,
        events.map((e) => ({ ...e, eventId: a.newId(), metadata: userMeta(a, actor, now) })),
        { tx, inline: a.inline },
      );
      return { status: 201, body };
    });
  } catch (e) {
    // Another account raced for the same recording id (the stream or the blob row exists now).
    if (e instanceof ConcurrencyError || isUniqueViolationOn(e, 'audio_blobs'))
      throw new Conflict('This recording id was already used for a different recording.');
    throw e;
  }
};

const isUniqueViolationOn = (e: unknown, table: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  (e as { code?: string }).code === '23505' &&
  (e as { table_name?: string }).table_name === table;
