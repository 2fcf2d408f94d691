/**
 * Deleting one answer (its transcript, scores and feedback) or one whole practice session, at any time (the
 * notice's "you can delete single transcripts yourself"). Each is an event (`AnswerDeleted` on the answer's
 * stream, `PracticeSessionDeleted` on the session's) that the practice projection turns into purged rows, and
 * a privacy request of kind `erasure`, completed at once. From then on no page, procedure or export shows it.
 * An answer still being analysed (audio waiting, or transcript not yet scored) cannot be deleted until that
 * finishes: a 409 saying so, never a half-processed answer. The retention job deletes expired sessions through
 * the same `removeSession`.
 */
import { lockSubject, type TxSql } from '@tia/db';
import { recording } from '@tia/domain';
import { z } from 'zod';
import type { AuthServices } from '../services.js';
import { Conflict, Forbidden, NotFound } from '../errors.js';
import { recordCompletedRequest } from './requests.js';

export const deleteAnswerInput = z.object({ recordingId: z.string().min(1).max(200) });
export const deleteSessionInput = z.object({ sessionId: z.string().min(1).max(200) });

const BUSY = ['uploaded', 'transcribed'];
const BUSY_MESSAGE =
  'This answer is still being analysed. You can delete it as soon as its feedback is ready (usually within a minute).';

const meta = (actor: { userId: string; requestId: string }, at: string) => ({
  occurredAt: at,
  actor: { kind: 'user' as const, id: actor.userId },
  correlationId: actor.requestId,
});

export const deleteAnswer = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: z.input<typeof deleteAnswerInput>,
): Promise<{ deleted: true; sessionId: string }> => {
  const { recordingId } = deleteAnswerInput.parse(raw);
  return a.sql.begin(async (tx) => {
    await lockSubject(tx, actor.userId);
    if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
    const rows = await tx<{ session_id: string; status: string }[]>`
      select session_id, status from rm_recordings where recording_id = ${recordingId} and user_id = ${actor.userId}`;
    const row = rows[0];
    if (!row) throw new NotFound('No such answer (it may already be deleted).');
    if (BUSY.includes(row.status)) throw new Conflict(BUSY_MESSAGE);
    const at = a.clock().toISOString();
    // 'any' on purpose: the person's deletion wins whatever the worker appends meanwhile (decided on the read model's status; a late FeedbackScored finds no row to update).
    await a.store.append(
      recording.recordingStream(recordingId),
      'any',
      [
        {
          eventId: a.newId(),
          type: 'AnswerDeleted',
          data: { recordingId, sessionId: row.session_id, userId: actor.userId, deletedAt: at },
          metadata: meta(actor, at),
        },
      ],
      { tx, inline: a.inline },
    );
    await recordCompletedRequest(a, tx, {
      subjectId: actor.userId,
      kind: 'erasure',
      actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
      now: at,
    });
    return { deleted: true as const, sessionId: row.session_id };
  });
};

/** Who deleted a session: the candidate (their request) or the retention job. */
export type DeletionMetadata =
  ReturnType<typeof meta> | { occurredAt: string; actor: { kind: 'system'; id: string } };

export type SessionRemoval =
  { outcome: 'not_found' } | { outcome: 'busy' } | { outcome: 'deleted'; recordingIds: string[] };

/**
 * The one deletion of a practice session with its answers, used by the candidate's request (below) and by the
 * retention job (`retention.ts`). Runs in `tx`, which must hold the owner's subject lock.
 */
export const removeSession = async (
  a: AuthServices,
  tx: TxSql,
  cmd: { userId: string; sessionId: string; at: string; metadata: DeletionMetadata },
): Promise<SessionRemoval> => {
  const s = await tx`
    select 1 from rm_practice_sessions where session_id = ${cmd.sessionId} and user_id = ${cmd.userId}`;
  if (s.length === 0) return { outcome: 'not_found' };
  const recs = await tx<{ recording_id: string; status: string }[]>`
    select recording_id, status from rm_recordings where session_id = ${cmd.sessionId} and user_id = ${cmd.userId}`;
  if (recs.some((r) => BUSY.includes(r.status))) return { outcome: 'busy' };
  const recordingIds = recs.map((r) => r.recording_id);
  // 'any' on purpose: as for one answer, the deletion wins over anything appended to the session meanwhile.
  await a.store.append(
    recording.practiceStream(cmd.sessionId),
    'any',
    [
      {
        eventId: a.newId(),
        type: 'PracticeSessionDeleted',
        data: { sessionId: cmd.sessionId, userId: cmd.userId, recordingIds, deletedAt: cmd.at },
        metadata: cmd.metadata,
      },
    ],
    { tx, inline: a.inline },
  );
  return { outcome: 'deleted', recordingIds };
};

export const deleteSession = async (
  a: AuthServices,
  actor: { userId: string; requestId: string },
  raw: z.input<typeof deleteSessionInput>,
): Promise<{ deleted: true; answers: number }> => {
  const { sessionId } = deleteSessionInput.parse(raw);
  return a.sql.begin(async (tx) => {
    await lockSubject(tx, actor.userId);
    if (await a.keys.isErased(tx, actor.userId)) throw new Forbidden('This account was erased.');
    const at = a.clock().toISOString();
    const r = await removeSession(a, tx, { userId: actor.userId, sessionId, at, metadata: meta(actor, at) });
    if (r.outcome === 'not_found')
      throw new NotFound('No such practice session (it may already be deleted).');
    if (r.outcome === 'busy')
      throw new Conflict(
        'An answer in this session is still being analysed. You can delete the session as soon as its feedback is ready.',
      );
    await recordCompletedRequest(a, tx, {
      subjectId: actor.userId,
      kind: 'erasure',
      actor: { kind: 'user', id: actor.userId, requestId: actor.requestId },
      now: at,
    });
    return { deleted: true as const, answers: r.recordingIds.length };
  });
};
