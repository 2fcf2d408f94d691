import { readFile, stat } from 'node:fs/promises';
import type { EventStore } from '@tia/db';
import type { DependencyAuditRecorded } from '@tia/domain';
import { z } from 'zod';

/** The SBOM view: search the CycloneDX components written by `npm run sbom`, and the latest dependency audit. */
export const SbomQuery = z
  .object({
    search: z.string().trim().max(100).default(''),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

const CycloneDx = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string().max(10),
  metadata: z.object({ timestamp: z.string().max(40).optional() }).optional(),
  components: z
    .array(
      z.object({
        name: z.string(),
        version: z.string().default(''),
        group: z.string().optional(),
        purl: z.string().optional(),
        scope: z.string().optional(),
      }),
    )
    .default([]),
});

export type SbomView =
  | { status: 'missing' }
  | {
      status: 'ok';
      specVersion: string;
      generatedAt: string | null;
      total: number;
      matching: number;
      components: { name: string; version: string; purl: string | null }[];
    };

export const readSbom = async (file: string | undefined, q: z.infer<typeof SbomQuery>): Promise<SbomView> => {
  if (!file) return { status: 'missing' };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { status: 'missing' };
  }
  const bom = CycloneDx.parse(JSON.parse(text));
  const generatedAt = bom.metadata?.timestamp ?? (await stat(file)).mtime.toISOString();
  const all = bom.components
    .map((c) => ({
      name: c.group ? `${c.group}/${c.name}` : c.name,
      version: c.version,
      purl: c.purl ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const needle = q.search.toLowerCase();
  const matching = needle ? all.filter((c) => c.name.toLowerCase().includes(needle)) : all;
  return {
    status: 'ok',
    specVersion: bom.specVersion,
    generatedAt,
    total: all.length,
    matching: matching.length,
    components: matching.slice(0, q.limit),
  };
};

/** The latest recorded `npm audit` result (`npm run audit:record`), or null. */
type AuditData = NonNullable<(typeof DependencyAuditRecorded)['_data']>;

export const latestDependencyAudit = async (
  store: EventStore,
): Promise<(AuditData & { recordedAt: string }) | null> => {
  const [e] = await store.readLatestOfType('DependencyAuditRecorded', 1);
  return e ? { ...(e.data), recordedAt: e.recordedAt.toISOString() } : null;
};
