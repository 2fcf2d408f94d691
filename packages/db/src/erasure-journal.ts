import { appendFile, mkdir, open as openFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { eraseSubject } from './privacy.js';
import type { EventStore, InlineProjection } from './event-store.js';
import type { KeyStore } from './key-store.js';
import type { Logger } from './log.js';

/**
 * Subject keys live in the database, so a database backup holds the keys of everyone erased after it was
 * taken. The erasure journal closes that gap: every erasure also appends one line (subject id, reason, time —
 * nothing personal) to a file outside the database and its backups; after a restore, `replayErasureJournal`
 * erases again every subject on it whose tombstone the restored database lacks (key destroyed, pending audio
 * deleted, `SubjectErased` appended, read models purged). `npm start` replays it before starting anything.
 */
export interface ErasureJournalEntry {
  subjectId: string;
  reason: 'user_request' | 'retention' | 'minor_reported' | 'admin';
  erasedAt: string;
}

export class ErasureJournal {
  constructor(readonly file: string) {}

  /** Appends one entry and flushes it to disk before returning. */
  async append(entry: ErasureJournalEntry): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    const fh = await openFile(this.file, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async entries(): Promise<ErasureJournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as ErasureJournalEntry);
  }
}

/** Erases again every journalled subject the database does not know as erased (e.g. after restoring a backup). */
export const replayErasureJournal = async (
  deps: {
    store: EventStore;
    keys: KeyStore;
    inline?: readonly InlineProjection[];
    log: Logger;
    newId: () => string;
  },
  journal: ErasureJournal,
  now: () => Date = () => new Date(),
): Promise<{ journalled: number; reErased: string[] }> => {
  const entries = await journal.entries();
  const reErased: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.subjectId)) continue;
    seen.add(e.subjectId);
    if (await deps.keys.isErased(deps.store.sql, e.subjectId)) continue;
    await eraseSubject(
      { store: deps.store, keys: deps.keys, ...(deps.inline ? { inline: deps.inline } : {}) },
      {
        subjectId: e.subjectId,
        reason: e.reason,
        eventId: deps.newId(),
        now: now().toISOString(),
        actor: { kind: 'system', id: 'erasure-journal' },
      },
    );
    reErased.push(e.subjectId);
  }
  if (reErased.length > 0)
    deps.log.warn('erasures replayed from the journal (a restored backup knew them as not erased)', {
      reErased: reErased.length,
    });
  return { journalled: seen.size, reErased };
};
