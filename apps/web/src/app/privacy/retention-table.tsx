import { DataTable } from '../../components/data-table';

/** One row of the notice's retention table, as `privacy.retention` returns it (from the retention configuration). */
export interface RetentionNoticeRow {
  id: string;
  data: string;
  howLong: string;
}

/** "How long we keep data" (P18): rows generated from the configuration the retention job enforces. */
export function RetentionTable({ rows }: { rows: readonly RetentionNoticeRow[] }) {
  return (
    <DataTable
      caption="Retention periods (from our retention configuration)"
      columns={['Data', 'How long']}
      rows={rows.map((r) => [r.data, r.howLong])}
    />
  );
}
