/**
 * Backups vs crypto-shredding (P19, P28): a database backup taken before an erasure still holds the subject's
 * key, so restoring it brings their data back — unless the erasure journal (a file outside the database) is
 * replayed. This test takes a real `pg_dump`, erases, restores the dump into a new database, shows the data
 * readable there, replays the journal, and shows it unreadable (key gone, fields redacted, rows purged).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REDACTED } from '@tia/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asInline,
  consentsProjection,
  createPersistence,
  eraseSubject,
  ErasureJournal,
  replayErasureJournal,
  silentLogger,
  type Persistence,
} from '../src/index.js';
import {
  consent,
  createTestDatabase,
  note,
  only,
  registered,
  TEST_MASTER_KEY,
  type TestDatabase,
} from '../src/testing/index.js';

const run = promisify(execFile);
const inline = [asInline(consentsProjection)];

let live: TestDatabase;
let restored: TestDatabase;
let p: Persistence;
let dir: string;
beforeAll(async () => {
  live = await createTestDatabase();
  restored = await createTestDatabase({ migrate: false });
  p = createPersistence(live.sql, TEST_MASTER_KEY);
  dir = await mkdtemp(path.join(tmpdir(), 'tia-erasure-journal-'));
});
afterAll(async () => {
  await live?.drop();
  await restored?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('erasure journal: a restored backup is erased again', () => {
  it('data erased after a backup is readable in the restored copy until the journal is replayed', async () => {
    const uid = randomUUID();
    const other = randomUUID();
    await p.store.append(`user-${uid}`, 0, [registered(uid, 'Dorothy Hodgkin', 'dh@example.org')]);
    await p.store.append(`note-${uid}`, 0, [note(uid, 'insulin crystallography notes')]);
    await p.store.append(`privacy-${uid}`, 'any', [consent(uid, 'recording_feedback')], { inline });
    await p.store.append(`user-${other}`, 0, [registered(other, 'Rosalind Franklin', 'rf@example.org')]);

    // The nightly backup, taken before the erasure.
    const backup = path.join(dir, 'backup.sql');
    await run('pg_dump', ['--no-owner', '--file', backup, '--dbname', live.url]);

    const journal = new ErasureJournal(path.join(dir, 'erasure-journal.jsonl'));
    await eraseSubject(
      { store: p.store, keys: p.keys, inline, journal },
      { subjectId: uid, reason: 'user_request', eventId: randomUUID(), now: new Date().toISOString() },
    );
    // The journal names the subject only (no name, no email, no content).
    const text = await readFile(journal.file, 'utf8');
    expect(text).toContain(uid);
    expect(text).not.toMatch(/Dorothy|dh@example|insulin/);

    // Disaster: the backup is restored into a fresh database.
    await run('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '--dbname', restored.url, '--file', backup]);
    const r = createPersistence(restored.sql, TEST_MASTER_KEY);
    const [before] = await r.store.readStream(`user-${uid}`);
    expect(only('AccountRegistered', before).data.name).toBe('Dorothy Hodgkin'); // the backup alone brings them back: the key was in it

    const out = await replayErasureJournal(
      { store: r.store, keys: r.keys, inline, log: silentLogger, newId: randomUUID },
      journal,
    );
    expect(out).toEqual({ journalled: 1, reErased: [uid] });
    const [after] = await r.store.readStream(`user-${uid}`);
    expect(only('AccountRegistered', after).data.name).toEqual(REDACTED);
    expect(only('NoteRecorded', (await r.store.readStream(`note-${uid}`))[0]).data.text).toEqual(REDACTED);
    expect(await restored.sql`select 1 from subject_keys where subject_id = ${uid}`).toHaveLength(0);
    expect(await restored.sql`select 1 from rm_consents where subject_id = ${uid}`).toHaveLength(0);
    expect(await r.keys.isErased(restored.sql, uid)).toBe(true);
    const erasedEvents = (await r.store.readStream(`privacy-${uid}`)).filter(
      (e) => e.type === 'SubjectErased',
    );
    expect(erasedEvents).toHaveLength(1);
    expect(erasedEvents[0]!.metadata.actor).toEqual({ kind: 'system', id: 'erasure-journal' });
    // Someone never erased is untouched.
    expect(only('AccountRegistered', (await r.store.readStream(`user-${other}`))[0]).data.name).toBe(
      'Rosalind Franklin',
    );

    // Replaying again (every start does) changes nothing.
    expect(
      await replayErasureJournal(
        { store: r.store, keys: r.keys, inline, log: silentLogger, newId: randomUUID },
        journal,
      ),
    ).toEqual({ journalled: 1, reErased: [] });
  });
});
