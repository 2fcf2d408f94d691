import { registers } from '@tia/domain';
import type { Queryable } from '../sql.js';
import { defineProjection } from '../projections.js';

/** Officers' register entries (saved or removed), by register and entry id; the defaults live in code. */
export const registersProjection = defineProjection({
  name: 'registers',
  tables: ['rm_register_entries'],
  types: ['RegisterEntrySaved', 'RegisterEntryRemoved'],
  apply: async (tx, events, t) => {
    const table = tx(t('rm_register_entries'));
    for (const e of events) {
      if (e.type === 'RegisterEntrySaved') {
        await tx`insert into ${table} (register, entry_id, fields, removed, reason, updated_by, updated_at)
                 values (${e.data.register as string}, ${e.data.entryId},
                   ${tx.json(e.data.fields)}, false, null,
                   ${e.data.savedBy}, ${e.data.savedAt})
                 on conflict (register, entry_id) do update set fields = excluded.fields, removed = false,
                   reason = null, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
      } else {
        await tx`insert into ${table} (register, entry_id, fields, removed, reason, updated_by, updated_at)
                 values (${e.data.register as string}, ${e.data.entryId}, null, true, ${e.data.reason},
                   ${e.data.removedBy}, ${e.data.removedAt})
                 on conflict (register, entry_id) do update set fields = null, removed = true,
                   reason = excluded.reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at`;
      }
    }
  },
});

export type RegisterView = registers.RegisterEntry & {
  /** `default`: the checked-in entry, never edited; `edited`: an officer's saved version. */
  source: 'default' | 'edited';
  updatedBy: string | null;
  updatedAt: string | null;
};

/**
 * Every register entry now in force: the checked-in defaults, overridden or removed by officers' events.
 * Ordered by register, then entry id.
 */
export const loadRegisters = async (
  db: Queryable,
  register?: registers.RegisterName,
): Promise<RegisterView[]> => {
  const rows = await db<
    {
      register: registers.RegisterName;
      entry_id: string;
      fields: Record<string, unknown> | null;
      removed: boolean;
      updated_by: string;
      updated_at: Date;
    }[]
  >`select register, entry_id, fields, removed, updated_by, updated_at from rm_register_entries
     ${register ? db`where register = ${register}` : db``}`;
  const key = (r: string, id: string) => `${r}/${id}`;
  const out = new Map<string, RegisterView>();
  for (const e of registers.DEFAULT_REGISTER)
    if (!register || e.register === register)
      out.set(key(e.register, e.entryId), { ...e, source: 'default', updatedBy: null, updatedAt: null });
  for (const r of rows) {
    const k = key(r.register, r.entry_id);
    if (r.removed || !r.fields) {
      out.delete(k);
      continue;
    }
    const parsed = registers.RegisterEntry.safeParse({
      register: r.register,
      entryId: r.entry_id,
      fields: r.fields,
    });
    if (!parsed.success) continue; // written by newer code: not shown rather than guessed at
    out.set(k, {
      ...parsed.data,
      source: 'edited',
      updatedBy: r.updated_by,
      updatedAt: r.updated_at.toISOString(),
    });
  }
  return [...out.values()].sort((a, b) =>
    key(a.register, a.entryId).localeCompare(key(b.register, b.entryId)),
  );
};

/** Processor entries in force (any status). */
export const loadProcessors = async (db: Queryable): Promise<registers.Processor[]> =>
  (await loadRegisters(db, 'processor')).flatMap((e) => (e.register === 'processor' ? [e.fields] : []));
