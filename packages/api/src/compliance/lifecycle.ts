import type { Queryable } from '@tia/db';
import { z } from 'zod';
import { NotFound } from '../errors.js';

/**
 * Recording lifecycle (P-audio): uploaded → transcribed → audio deleted, read from the event log. The policy
 * says audio is deleted right after transcription; the worker's sweeper deletes any audio older than
 * `AUDIO_MAX_AGE_MINUTES` (30 by default) whatever happened. This is the limit the report holds audio to.
 */
export const AUDIO_POLICY_MAX_MINUTES = 30;

export const RecordingId = z.object({ recordingId: z.string().trim().min(1).max(200) }).strict();

export interface Lifecycle {
  recordingId: string;
  userId: string;
  uploadedAt: string;
  transcribedAt: string | null;
  deletedAt: string | null;
  deletionReason: string | null;
  /** Upload to transcript, upload to deletion (or to now while the audio is still held), in seconds. */
  secondsToTranscript: number | null;
  audioLifetimeSeconds: number;
  stillHeld: boolean;
}

interface Row {
  recording_id: string;
  user_id: string;
  uploaded_at: Date;
  transcribed_at: Date | null;
  deleted_at: Date | null;
  reason: string | null;
  lifetime: number;
}

/**
 * Lifetime of the audio: the longer of what the events say (`uploadedAt` → `deletedAt`) and what the database
 * witnessed (`recorded_at` of the upload → of the deletion), so neither a forged time in the data nor a late
 * append hides a late deletion. Still-held audio counts up to `now`.
 */
const query = (db: Queryable, now: Date, where: { recordingId?: string; overMinutes?: number }) => db<Row[]>`
  with up as (
    select data->>'recordingId' as recording_id, data->>'userId' as user_id,
           (data->>'uploadedAt')::timestamptz as uploaded_at, recorded_at
      from events where type = 'RecordingUploaded'
       ${where.recordingId ? db`and data->>'recordingId' = ${where.recordingId}` : db``}
  ), tr as (
    select data->>'recordingId' as recording_id, min((data->>'producedAt')::timestamptz) as transcribed_at
      from events where type = 'TranscriptProduced'
       ${where.recordingId ? db`and data->>'recordingId' = ${where.recordingId}` : db``}
     group by 1
  ), del as (
    select distinct on (data->>'recordingId') data->>'recordingId' as recording_id,
           (data->>'deletedAt')::timestamptz as deleted_at, data->>'reason' as reason, recorded_at
      from events where type = 'AudioDeleted'
       ${where.recordingId ? db`and data->>'recordingId' = ${where.recordingId}` : db``}
     order by data->>'recordingId', global_position
  ), life as (
    select up.recording_id, up.user_id, up.uploaded_at, tr.transcribed_at, del.deleted_at, del.reason,
           extract(epoch from greatest(
             coalesce(del.deleted_at, ${now}) - up.uploaded_at,
             coalesce(del.recorded_at, ${now}) - up.recorded_at))::float8 as lifetime
      from up left join tr using (recording_id) left join del using (recording_id)
  )
  select * from life
   ${where.overMinutes !== undefined ? db`where lifetime > ${where.overMinutes * 60}` : db``}
   order by uploaded_at desc
   limit 1000`;

const toLifecycle = (r: Row): Lifecycle => ({
  recordingId: r.recording_id,
  userId: r.user_id,
  uploadedAt: r.uploaded_at.toISOString(),
  transcribedAt: r.transcribed_at?.toISOString() ?? null,
  deletedAt: r.deleted_at?.toISOString() ?? null,
  deletionReason: r.reason,
  secondsToTranscript: r.transcribed_at
    ? Math.round((r.transcribed_at.getTime() - r.uploaded_at.getTime()) / 100) / 10
    : null,
  audioLifetimeSeconds: Math.round(r.lifetime * 10) / 10,
  stillHeld: r.deleted_at === null,
});

export const recordingLifecycle = async (
  db: Queryable,
  now: Date,
  recordingId: string,
): Promise<Lifecycle> => {
  const rows = await query(db, now, { recordingId });
  if (!rows[0]) throw new NotFound('There is no recording with this id.');
  return toLifecycle(rows[0]);
};

/** Every recording whose audio lived (or still lives) longer than the policy allows. Should be empty. */
export const overdueAudio = async (
  db: Queryable,
  now: Date,
): Promise<{ limitMinutes: number; recordings: Lifecycle[] }> => ({
  limitMinutes: AUDIO_POLICY_MAX_MINUTES,
  recordings: (await query(db, now, { overMinutes: AUDIO_POLICY_MAX_MINUTES })).map(toLifecycle),
});
