import type { Queryable } from './sql.js';

/** A capability a service provides, as that service last checked it. */
export interface Capability {
  readonly capability: string;
  readonly available: boolean;
  /** For operators only (what failed); never shown to candidates. */
  readonly reason: string | null;
  /** For operators only: the command that makes it available. */
  readonly installHint: string | null;
  readonly checkedAt: Date;
}

/** Records the result of a capability check (upsert; the latest check wins). */
export const recordCapability = async (
  sql: Queryable,
  c: { capability: string; available: boolean; reason?: string | null; installHint?: string | null },
): Promise<void> => {
  const reason = c.reason ? c.reason.slice(0, 2000) : null;
  const hint = c.installHint ? c.installHint.slice(0, 500) : null;
  await sql`
    insert into service_capabilities (capability, available, reason, install_hint, checked_at)
    values (${c.capability}, ${c.available}, ${reason}, ${hint}, now())
    on conflict (capability) do update
      set available = excluded.available, reason = excluded.reason,
          install_hint = excluded.install_hint, checked_at = excluded.checked_at`;
};

/**
 * The last recorded check of a capability, or null when no service has reported it yet (a worker that
 * never started: callers treat that as "not known to be missing").
 */
export const readCapability = async (sql: Queryable, capability: string): Promise<Capability | null> => {
  const rows = await sql<
    {
      capability: string;
      available: boolean;
      reason: string | null;
      install_hint: string | null;
      checked_at: Date;
    }[]
  >`select capability, available, reason, install_hint, checked_at
      from service_capabilities where capability = ${capability}`;
  const r = rows[0];
  return r
    ? {
        capability: r.capability,
        available: r.available,
        reason: r.reason,
        installHint: r.install_hint,
        checkedAt: r.checked_at,
      }
    : null;
};
