import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventStore } from './event-store.js';

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;

/** The parts of `npm audit --json` (report version 2, npm ≥ 7) that are recorded. */
const NpmAuditReport = z.object({
  auditReportVersion: z.literal(2),
  vulnerabilities: z.record(
    z.string(),
    z.object({
      name: z.string(),
      severity: z.enum(SEVERITIES),
      range: z.string().default(''),
      fixAvailable: z.union([z.boolean(), z.object({}).passthrough()]),
    }),
  ),
  metadata: z.object({
    vulnerabilities: z.object({
      info: z.number().int(),
      low: z.number().int(),
      moderate: z.number().int(),
      high: z.number().int(),
      critical: z.number().int(),
      total: z.number().int(),
    }),
  }),
});

export class DependencyAuditUnreadable extends Error {
  override name = 'DependencyAuditUnreadable';
}

/** Parses an `npm audit --json` report into the `DependencyAuditRecorded` data (without ids and times). */
export const parseNpmAudit = (json: string) => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new DependencyAuditUnreadable(
      'The audit report is not JSON: pass the output of `npm audit --json`.',
    );
  }
  const r = NpmAuditReport.safeParse(raw);
  if (!r.success)
    throw new DependencyAuditUnreadable(
      `Not an npm audit report (version 2): ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return {
    counts: r.data.metadata.vulnerabilities,
    findings: Object.values(r.data.vulnerabilities)
      .map((v) => ({
        name: v.name,
        severity: v.severity,
        range: v.range,
        fixAvailable: v.fixAvailable !== false,
      }))
      .sort(
        (a, b) =>
          SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.name.localeCompare(b.name),
      ),
  };
};

/** Records one audit run as an event; returns its id. */
export const recordDependencyAudit = async (
  store: EventStore,
  opts: { report: string; lockfile: Buffer; source: string; now: Date; tool?: string },
): Promise<string> => {
  const parsed = parseNpmAudit(opts.report);
  const auditId = randomUUID();
  const ranAt = opts.now.toISOString();
  await store.append(`dependency-audit-${auditId}`, 0, [
    {
      eventId: randomUUID(),
      type: 'DependencyAuditRecorded',
      data: {
        auditId,
        tool: opts.tool ?? 'npm audit',
        lockfileSha256: createHash('sha256').update(opts.lockfile).digest('hex'),
        ...parsed,
        source: opts.source,
        ranAt,
      },
      metadata: { occurredAt: ranAt, actor: { kind: 'system', id: opts.source } },
    },
  ]);
  return auditId;
};
