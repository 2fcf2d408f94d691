import { z } from 'zod';
import { defineEvent } from './registry.js';

const id = z.string().min(1).max(200);
const isoTime = z.iso.datetime({ offset: true });

/**
 * What an objection covers. Today one scope: use of the person's data in aggregate statistics and to improve
 * the service (legitimate interest, policy "Right to Object"). Stream `privacy-<subjectId>`.
 */
export const OBJECTION_SCOPES = ['analytics'] as const;
export const ObjectionScope = z.enum(OBJECTION_SCOPES);
export type ObjectionScope = z.infer<typeof ObjectionScope>;

/** The person objected to a processing based on legitimate interest (P25). */
export const ProcessingObjected = defineEvent({
  type: 'ProcessingObjected',
  category: 'privacy',
  schema: z.object({ subjectId: id, scope: ObjectionScope, objectedAt: isoTime }),
  subject: (d) => d.subjectId,
});

/** The person took their objection back. */
export const ObjectionWithdrawn = defineEvent({
  type: 'ObjectionWithdrawn',
  category: 'privacy',
  schema: z.object({ subjectId: id, scope: ObjectionScope, withdrawnAt: isoTime }),
  subject: (d) => d.subjectId,
});

/**
 * An analyst ran one aggregate query (P43). Stream `analyst-<analystId>`. Records what was asked (fixed
 * measure and dimension), what protection was applied (k, number of suppressed cells, noise) and the privacy
 * budget it spent. Holds no figure and no person other than the analyst.
 */
export const AnalyticsQueried = defineEvent({
  type: 'AnalyticsQueried',
  category: 'analytics',
  schema: z.object({
    analystId: id,
    queryId: id,
    report: z.enum(['answers', 'funnel']),
    measure: z.string().min(1).max(40).nullable(),
    dimension: z.string().min(1).max(40).nullable(),
    k: z.number().int().min(2),
    suppressedCells: z.number().int().min(0),
    /** Privacy loss spent by this query (0 without noise). */
    epsilon: z.number().min(0),
    /** Scale of the two-sided geometric noise added to each shown count (null: no noise). */
    noiseScale: z.number().min(0).nullable(),
    queriedAt: isoTime,
  }),
  subject: (d) => d.analystId,
});

export const ANALYTICS_EVENTS = [ProcessingObjected, ObjectionWithdrawn, AnalyticsQueried] as const;
