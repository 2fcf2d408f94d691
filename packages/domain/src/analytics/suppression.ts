/**
 * Small-cell suppression (P43) over a set of published cells and the linear relations between them.
 *
 * Primary: a cell describing 1 … k−1 subjects is suppressed. Complementary: for every relation
 * `total = part₁ + … + partₙ` that an analyst could use (row and column totals, a track being the sum of its
 * competencies, the same totals appearing in several tables), a relation with exactly one suppressed member
 * would give that member back by subtraction; so another member is suppressed too (the smallest non-zero
 * one, preferring parts over totals), until no relation has exactly one. Pure and deterministic: the same
 * data always gives the same pattern, so two allowed queries cannot be combined to undo it.
 */
export interface Cell {
  /** Published count (answers or subjects). */
  value: number;
  /** Distinct subjects the cell describes (what k is compared with). */
  subjects: number;
}

export interface Relation {
  total: string;
  parts: readonly string[];
}

export interface SuppressionResult {
  suppressed: ReadonlySet<string>;
  primary: number;
  complementary: number;
}

export const suppress = (
  cells: ReadonlyMap<string, Cell>,
  relations: readonly Relation[],
  k: number,
): SuppressionResult => {
  const out = new Set<string>();
  for (const [id, c] of cells) if (c.subjects > 0 && c.subjects < k) out.add(id);
  const primary = out.size;
  const valueOf = (id: string) => cells.get(id)?.value ?? 0;
  // Relations whose members all exist; absent cells are structural zeros everyone knows.
  const usable = relations.map((r) => ({
    total: r.total,
    parts: r.parts.filter((p) => cells.has(p)),
  }));
  const byMember = new Map<string, number[]>();
  usable.forEach((r, i) => {
    for (const m of [r.total, ...r.parts]) byMember.set(m, [...(byMember.get(m) ?? []), i]);
  });
  const queue = usable.map((_, i) => i);
  const queued = new Set(queue);
  while (queue.length > 0) {
    const i = queue.shift()!;
    queued.delete(i);
    const r = usable[i]!;
    const members = [r.total, ...r.parts];
    const hidden = members.filter((m) => out.has(m));
    if (hidden.length !== 1) continue;
    const candidates = members
      .filter((m) => !out.has(m) && cells.has(m))
      .map((m) => ({ m, v: valueOf(m), isTotal: m === r.total }))
      // non-zero first, then parts before the total, then the smallest, then by id (deterministic)
      .sort(
        (a, b) =>
          Number(a.v === 0) - Number(b.v === 0) ||
          Number(a.isTotal) - Number(b.isTotal) ||
          a.v - b.v ||
          (a.m < b.m ? -1 : a.m > b.m ? 1 : 0),
      );
    const pick = candidates[0];
    if (!pick) continue;
    out.add(pick.m);
    for (const j of byMember.get(pick.m) ?? []) {
      if (!queued.has(j)) {
        queued.add(j);
        queue.push(j);
      }
    }
  }
  return { suppressed: out, primary, complementary: out.size - primary };
};

/** Relations an analyst could use that have exactly one suppressed member (empty when protected). */
export const exposedRelations = (
  cells: ReadonlyMap<string, Cell>,
  relations: readonly Relation[],
  suppressed: ReadonlySet<string>,
): Relation[] =>
  relations.filter(
    (r) => [r.total, ...r.parts.filter((p) => cells.has(p))].filter((m) => suppressed.has(m)).length === 1,
  );
