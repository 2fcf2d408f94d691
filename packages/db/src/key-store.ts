import { createHash, randomBytes } from 'node:crypto';
import { open, seal } from './crypto.js';
import type { Queryable, TxSql } from './sql.js';

/**
 * Serialises everything that creates or destroys a data subject's data: key creation vs tombstone + destroy,
 * an upload vs the erasure of its owner. Held until the transaction ends; re-entrant within it.
 */
export const lockSubject = async (tx: TxSql, subjectId: string): Promise<void> => {
  await tx`select pg_advisory_xact_lock(hashtext(${'tia:subject:' + subjectId}))`;
};

/** Runs `fn` in the caller's transaction, or in a new one when `db` is not a transaction. */
const inTransaction = <T>(db: Queryable, fn: (tx: TxSql) => Promise<T>): Promise<T> =>
  'savepoint' in db ? fn(db) : (db.begin(fn) as Promise<T>);

export class SubjectErasedError extends Error {
  constructor(readonly subjectId: string) {
    super(`Data subject ${subjectId} was erased; their personal data can no longer be written.`);
    this.name = 'SubjectErasedError';
  }
}

/**
 * Per-data-subject data keys (AES-256), stored wrapped by the master key. Destroying a subject's key makes
 * every ciphertext of theirs unreadable (crypto-shredding); a tombstone stops the key being recreated.
 */
export class KeyStore {
  readonly kekId: string;

  constructor(private readonly masterKey: Buffer) {
    this.kekId = createHash('sha256').update(masterKey).digest('hex').slice(0, 16);
  }

  private wrap(subjectId: string, dek: Buffer) {
    return seal(this.masterKey, dek, `tia:dek:${subjectId}`);
  }

  private unwrap(subjectId: string, wrapped: Buffer) {
    return open(this.masterKey, wrapped, `tia:dek:${subjectId}`);
  }

  /** The subject's data key, created on first use. Throws SubjectErasedError after erasure. */
  async keyFor(db: Queryable, subjectId: string): Promise<Buffer> {
    const found = await this.find(db, subjectId);
    if (found) return found;
    const dek = randomBytes(32);
    // Under the subject's lock, in a statement that starts after it is granted: an erasure that committed
    // meanwhile is seen (its tombstone), one still running makes us wait for it.
    const rows = await inTransaction(db, async (tx) => {
      await lockSubject(tx, subjectId);
      return tx<{ wrapped_key: Buffer }[]>`
        insert into subject_keys (subject_id, wrapped_key, kek_id)
        select ${subjectId}, ${this.wrap(subjectId, dek)}, ${this.kekId}
         where not exists (select 1 from erased_subjects where subject_id = ${subjectId})
        on conflict (subject_id) do update set subject_id = excluded.subject_id
        returning wrapped_key`;
    });
    const row = rows[0];
    if (!row) throw new SubjectErasedError(subjectId);
    return this.unwrap(subjectId, row.wrapped_key);
  }

  /** Keys for many subjects in one query; erased or unknown subjects are absent from the map. */
  async findMany(db: Queryable, subjectIds: readonly string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    if (subjectIds.length === 0) return out;
    const rows = await db<{ subject_id: string; wrapped_key: Buffer }[]>`
      select subject_id, wrapped_key from subject_keys where subject_id = any(${[...new Set(subjectIds)]})`;
    for (const r of rows) out.set(r.subject_id, this.unwrap(r.subject_id, r.wrapped_key));
    return out;
  }

  async find(db: Queryable, subjectId: string): Promise<Buffer | null> {
    return (await this.findMany(db, [subjectId])).get(subjectId) ?? null;
  }

  async isErased(db: Queryable, subjectId: string): Promise<boolean> {
    const r = await db`select 1 from erased_subjects where subject_id = ${subjectId}`;
    return r.length > 0;
  }

  /** Destroys every day-key of an owner's technical data (part of erasing the owner). */
  async destroyTechnicalOf(db: Queryable, owner: string): Promise<number> {
    const r = await db`delete from subject_keys
                        where subject_id like 'technical:%' and right(subject_id, ${owner.length + 1}) = ${':' + owner}
                        returning subject_id`;
    return r.length;
  }

  /** Retention: destroys the keys of technical data recorded on UTC days before `day` (YYYY-MM-DD). */
  async expireTechnicalBefore(db: Queryable, day: string): Promise<number> {
    const r = await db`delete from subject_keys
                        where subject_id like 'technical:%' and substr(subject_id, 11, 10) < ${day}
                        returning subject_id`;
    return r.length;
  }

  /** Destroys the subject's key and records the tombstone, atomically with the caller's transaction. */
  async destroy(db: Queryable, subjectId: string, reason: string): Promise<{ keyExisted: boolean }> {
    return inTransaction(db, async (tx) => {
      await lockSubject(tx, subjectId);
      const deleted = await tx`delete from subject_keys where subject_id = ${subjectId} returning subject_id`;
      await tx`insert into erased_subjects (subject_id, reason) values (${subjectId}, ${reason})
               on conflict (subject_id) do nothing`;
      return { keyExisted: deleted.length > 0 };
    });
  }
}
