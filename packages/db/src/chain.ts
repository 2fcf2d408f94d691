import { createHash } from 'node:crypto';
import type { Queryable, Sql } from './sql.js';

/** Seals committed events into the hash chain (in consumer order); returns how many were sealed. */
export const sealChain = async (db: Queryable, max = 5000): Promise<number> => {
  const r = await db<{ n: number }[]>`select tia_seal(${max}) as n`;
  return r[0]!.n;
};

export type ChainVerdict =
  | { ok: true; checked: number; unsealed: number }
  | {
      ok: false;
      checked: number;
      firstBroken: {
        seq: number;
        globalPosition: number;
        /**
         * `unsealed_behind_chain`: an event the sealer passed without seeing (a back-dated row: its
         * transaction id or position was chosen below ones already sealed); `seq` is the chain entry it
         * should have preceded.
         */
        reason: 'row_changed' | 'row_missing' | 'link_broken' | 'unsealed_behind_chain';
      };
    };

/**
 * Recomputes the chain from the stored rows and reports the first broken link: an event whose stored bytes
 * changed, an event that vanished, a chain entry whose back-link was altered, or an event that is not sealed
 * although the chain has moved past its place (it can only have been inserted behind the sealer's back).
 */
export const verifyChain = async (sql: Sql, batch = 2000): Promise<ChainVerdict> => {
  let prev: Buffer = Buffer.alloc(32);
  let checked = 0;
  let lastSeq = 0;
  for (;;) {
    const rows = await sql<
      { seq: string; global_position: string; prev_hash: Buffer; hash: Buffer; digest: Buffer | null }[]
    >`select c.seq, c.global_position, c.prev_hash, c.hash, tia_row_digest(e) as digest
        from event_chain c left join events e on e.global_position = c.global_position
       where c.seq > ${lastSeq} order by c.seq limit ${batch}`;
    if (rows.length === 0) break;
    for (const r of rows) {
      const where = { seq: Number(r.seq), globalPosition: Number(r.global_position) };
      if (Number(r.seq) !== lastSeq + 1 || !r.prev_hash.equals(prev))
        return { ok: false, checked, firstBroken: { ...where, reason: 'link_broken' } };
      if (!r.digest) return { ok: false, checked, firstBroken: { ...where, reason: 'row_missing' } };
      const expect = createHash('sha256').update(prev).update(r.digest).digest();
      if (!expect.equals(r.hash))
        return { ok: false, checked, firstBroken: { ...where, reason: 'row_changed' } };
      prev = r.hash;
      lastSeq = Number(r.seq);
      checked++;
    }
  }
  const behind = await sql<{ global_position: string; seq: string }[]>`
    with head as (select transaction_id, global_position from event_chain order by seq desc limit 1)
    select e.global_position,
           (select min(c.seq) from event_chain c
             where (c.transaction_id, c.global_position) > (e.transaction_id, e.global_position)) as seq
      from events e, head h
     where (e.transaction_id, e.global_position) < (h.transaction_id, h.global_position)
       and not exists (select 1 from event_chain c where c.global_position = e.global_position)
     order by e.transaction_id, e.global_position
     limit 1`;
  const b = behind[0];
  if (b) {
    return {
      ok: false,
      checked,
      firstBroken: {
        seq: Number(b.seq),
        globalPosition: Number(b.global_position),
        reason: 'unsealed_behind_chain',
      },
    };
  }
  const u = await sql<{ n: string }[]>`
    select count(*) as n from events e where not exists (select 1 from event_chain c where c.global_position = e.global_position)`;
  return { ok: true, checked, unsealed: Number(u[0]!.n) };
};
