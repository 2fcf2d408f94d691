'use client';

import { api } from '../../components/auth/api';
import { DataTable } from '../../components/data-table';
import { problemsOf } from '../../components/forms';
import { RetentionTable } from './retention-table';

/**
 * Categories and purposes (P30), generated from the records of processing compliance maintains
 * (`privacy.processing` reads the `processing` register): nothing here is written a second time.
 */
function useNotice() {
  return api.privacy.processing.useQuery(undefined, { retry: 1, staleTime: 60_000 });
}

function State({ q }: { q: { error: unknown } }) {
  if (q.error)
    return (
      <p className="notice bad" role="alert">
        Could not load this table: {problemsOf(q.error).message}
      </p>
    );
  return <p aria-live="polite">Loading…</p>;
}

export function DataCategories() {
  const q = useNotice();
  if (!q.data) return <State q={q} />;
  return (
    <DataTable
      caption="Categories of personal data (from our records of processing)"
      columns={['Category', 'Used for']}
      rows={q.data.categories.map((c) => [c.category, c.usedFor.join('; ')])}
    />
  );
}

export function Purposes() {
  const q = useNotice();
  if (!q.data) return <State q={q} />;
  return (
    <DataTable
      caption="Purposes and legal bases (from our records of processing)"
      columns={['Activity', 'Purpose', 'Data used', 'Legal basis', 'Kept for']}
      rows={q.data.purposes.map((p) => [
        p.name,
        p.purposes,
        p.dataCategories.join(', '),
        p.legalBasis,
        p.retention,
      ])}
    />
  );
}

/** How long we keep each category (P18), generated from the retention configuration the worker enforces. */
export function RetentionPeriods() {
  const q = api.privacy.retention.useQuery(undefined, { retry: 1, staleTime: 60_000 });
  if (!q.data) return <State q={q} />;
  return <RetentionTable rows={q.data} />;
}
