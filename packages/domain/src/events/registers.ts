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

export const REGISTER_EVENTS = [RegisterEntrySaved, RegisterEntryRemoved] as const;
