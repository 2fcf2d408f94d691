import { z } from 'zod';
import { defineEvent } from './registry.js';
import { EntryId, RegisterEntry, RegisterNameSchema } from '../compliance/registers.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

/**
 * A compliance officer created or changed an entry of a register (records of processing, DPIAs, processors,
 * disclosures). Stream `register-<register>-<entryId>`. Holds no personal data about candidates.
 */
export const RegisterEntrySaved = defineEvent({
  type: 'RegisterEntrySaved',
  category: 'compliance',
  schema: z.intersection(RegisterEntry, z.object({ savedBy: id, savedAt: isoTime })),
});

/** An entry was taken out of its register (a processor ended, a record replaced), with the reason. */
export const RegisterEntryRemoved = defineEvent({
  type: 'RegisterEntryRemoved',
  category: 'compliance',
  schema: z.object({
    register: RegisterNameSchema,
    entryId: EntryId,
    reason: z.string().trim().min(1).max(1000),
    removedBy: id,
    removedAt: isoTime,
  }),
});

const count = z.number().int().min(0).max(1_000_000);

/**
 * A dependency vulnerability audit ran (P17): `npm audit --json` in production's CI, recorded with
 * `npm run audit:record`. Counts by severity and the vulnerable packages; the lock file's hash says which
 * dependency tree was audited. Stream `dependency-audit-<auditId>`.
 */
export const DependencyAuditRecorded = defineEvent({
  type: 'DependencyAuditRecorded',
  category: 'compliance',
  schema: z.object({
    auditId: id,
    tool: z.string().min(1).max(60),
    lockfileSha256: z.string().regex(/^[0-9a-f]{64}$/),
    counts: z.object({
      info: count,
      low: count,
      moderate: count,
      high: count,
      critical: count,
      total: count,
    }),
    findings: z
      .array(
        z.object({
          name: z.string().min(1).max(214),
          severity: z.enum(['info', 'low', 'moderate', 'high', 'critical']),
          range: z.string().max(500),
          fixAvailable: z.boolean(),
        }),
      )
      .max(5000),
    /** Where it ran, e.g. the CI job name (no personal data). */
    source: z.string().min(1).max(200),
    ranAt: isoTime,
  }),
});

export const REGISTER_EVENTS = [RegisterEntrySaved, RegisterEntryRemoved, DependencyAuditRecorded] as const;
