import { createHash } from 'node:crypto';
import { recording } from '@tia/domain';
import { open, seal } from './crypto.js';
import type { KeyStore } from './key-store.js';
import type { Queryable } from './sql.js';

export interface AudioBlobMeta {
  recordingId: string;
  ownerId: string;
  bytes: number;
  sha256: string;
  mimeType: string;
  createdAt: Date;
}

/**
 * Where uploaded audio waits for transcription (a port: PostgreSQL here; an S3-compatible store would keep
 * the same contract). Each blob is encrypted under its recording's own key; `delete` removes the bytes and
 * destroys that key in the caller's transaction, so the audio is unrecoverable even from backups of the table.
 */
export interface BlobStore {
  put(
    db: Queryable,
    blob: { recordingId: string; ownerId: string; data: Buffer; mimeType: string },
  ): Promise<AudioBlobMeta>;
  /** The decrypted audio, or null when it is gone. */
  get(db: Queryable, recordingId: string): Promise<{ meta: AudioBlobMeta; data: Buffer } | null>;
  exists(db: Queryable, recordingId: string): Promise<boolean>;
  /** Deletes the blob and destroys its key. True when a blob was there. */
  delete(db: Queryable, recordingId: string): Promise<boolean>;
  /** Blobs created before `cutoff` (for the sweeper). */
  olderThan(db: Queryable, cutoff: Date, limit?: number): Promise<AudioBlobMeta[]>;
  /** Deletes every blob (and key) of an owner: part of erasing them. */
  deleteAllOf(db: Queryable, ownerId: string): Promise<number>;
}

const aad = (recordingId: string) => `tia:audio:${recordingId}`;

type Row = {
  recording_id: string;
  owner_id: string;
  bytes: number;
  sha256: string;
  mime_type: string;
  created_at: Date;
};
const toMeta = (r: Row): AudioBlobMeta => ({
  recordingId: r.recording_id,
  ownerId: r.owner_id,
  bytes: r.bytes,
  sha256: r.sha256,
  mimeType: r.mime_type,
  createdAt: r.created_at,
});

export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export class PostgresBlobStore implements BlobStore {
  constructor(private readonly keys: KeyStore) {}

  async put(
    db: Queryable,
    b: { recordingId: string; ownerId: string; data: Buffer; mimeType: string },
  ): Promise<AudioBlobMeta> {
    const key = await this.keys.keyFor(db, recording.recordingKeySubject(b.recordingId));
    const box = seal(key, b.data, aad(b.recordingId));
    const rows = await db<Row[]>`
      insert into audio_blobs (recording_id, owner_id, ciphertext, bytes, sha256, mime_type)
      values (${b.recordingId}, ${b.ownerId}, ${box}, ${b.data.length}, ${sha256Hex(b.data)}, ${b.mimeType})
      returning recording_id, owner_id, bytes, sha256, mime_type, created_at`;
    return toMeta(rows[0]!);
  }

  async get(db: Queryable, recordingId: string): Promise<{ meta: AudioBlobMeta; data: Buffer } | null> {
    const rows = await db<(Row & { ciphertext: Buffer })[]>`
      select recording_id, owner_id, ciphertext, bytes, sha256, mime_type, created_at
        from audio_blobs where recording_id = ${recordingId}`;
    const row = rows[0];
    if (!row) return null;
    const key = await this.keys.find(db, recording.recordingKeySubject(recordingId));
    if (!key) return null; // key destroyed: the bytes are noise
    return { meta: toMeta(row), data: open(key, row.ciphertext, aad(recordingId)) };
  }

  async exists(db: Queryable, recordingId: string): Promise<boolean> {
    const r = await db`select 1 from audio_blobs where recording_id = ${recordingId}`;
    return r.length > 0;
  }

  async delete(db: Queryable, recordingId: string): Promise<boolean> {
    const r = await db`delete from audio_blobs where recording_id = ${recordingId} returning recording_id`;
    await this.keys.destroy(db, recording.recordingKeySubject(recordingId), 'audio_deleted');
    return r.length > 0;
  }

  async olderThan(db: Queryable, cutoff: Date, limit = 100): Promise<AudioBlobMeta[]> {
    const rows = await db<Row[]>`
      select recording_id, owner_id, bytes, sha256, mime_type, created_at from audio_blobs
       where created_at < ${cutoff} order by created_at limit ${limit}`;
    return rows.map(toMeta);
  }

  async deleteAllOf(db: Queryable, ownerId: string): Promise<number> {
    const rows = await db<{ recording_id: string }[]>`
      delete from audio_blobs where owner_id = ${ownerId} returning recording_id`;
    for (const r of rows)
      await this.keys.destroy(db, recording.recordingKeySubject(r.recording_id), 'audio_deleted');
    return rows.length;
  }
}
