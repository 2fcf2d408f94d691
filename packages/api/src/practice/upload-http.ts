/**
 * The upload route (POST /api/recordings): HTTP parsing and the checks that need no transaction — access, query,
 * Content-Length, session and question, duration, the body (read no further than the limit) and its real format.
 * The decision and the storing happen in `upload-answer.ts`.
 */
import { z } from 'zod';
import { sha256Hex } from '@tia/db';
import type { AudioContainer } from '@tia/domain';
import type { Session } from '../context.js';
import {
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from '../errors.js';
import type { AuthServices } from '../services.js';
import { authorize } from '../trpc.js';
import { POLICIES } from '../rate-limit.js';
import { measureDuration } from './duration.js';
import { sniffAudio } from './sniff.js';
import {
  CANDIDATE,
  DURATION_GRACE_SECONDS,
  MAX_RECORDING_BYTES,
  MIN_DURATION_SECONDS,
  TRANSCRIPTION_UNAVAILABLE_MESSAGE,
  requireVerifiedEmail,
  reservePerAccountAndNetwork,
  speechStatus,
} from './access.js';
import { uploadAnswer } from './upload-answer.js';
import { ownSession } from './views.js';

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

/** The decoded audio may run this much longer than declared (plus the grace) — the worker's own tolerance. */
const DURATION_MISMATCH_FACTOR = 1.1;

const refuseBody = (message: string): never => {
  throw new ValidationFailed([{ path: '', message }], message);
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
  // The declared length is the browser's claim; the container's own timing is checked before anything is stored.
  const measured = measureDuration(data, sniffed.container);
  if (measured.kind === 'truncated')
    refuseBody('The recording is cut short (the file ends too early). Record your answer again.');
  if (measured.kind === 'seconds') {
    if (measured.seconds > maxSeconds)
      refuseBody(`The recording is longer than the ${session.time_limit_s} s time limit.`);
    if (measured.seconds > q.durationSeconds * DURATION_MISMATCH_FACTOR + DURATION_GRACE_SECONDS)
      refuseBody(
        `The recording lasts ${Math.round(measured.seconds)} s but was sent as ${Math.round(q.durationSeconds)} s. Record your answer again.`,
      );
  }

  const uploaded = await uploadAnswer(
    a,
    { userId, requestId: req.requestId },
    {
      recordingId: q.recordingId,
      sessionId: q.sessionId,
      questionId: q.questionId,
      durationSeconds: q.durationSeconds,
      data,
      sha256,
      container: sniffed.container,
      mimeType: mimeTypeOf(req.contentType, sniffed.container),
    },
  );
  return {
    status: uploaded.alreadyStored ? 200 : 201,
    body: { recordingId: q.recordingId, status: 'uploaded', sha256, bytes: uploaded.bytes },
  };
};
