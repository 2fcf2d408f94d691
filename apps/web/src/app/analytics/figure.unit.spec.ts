import { describe, expect, it } from 'vitest';
import { csvFileName, figureCsv, protectionText, type Figure } from './figure';

const figure = {
  report: 'answers',
  title: 'Overall score (0–100) by competency',
  measure: 'overall',
  dimension: 'competency',
  rowHeading: 'Competency',
  columns: [
    { key: '1', label: '0–19' },
    { key: '2', label: '20, "39"' },
  ],
  rows: [{ key: 'teamwork', label: 'Teamwork', cells: [12, null], total: null }],
  totals: { cells: [12, null], total: 30 },
  unit: 'answers',
  protection: {
    k: 11,
    suppressedCells: 3,
    primaryInRelease: 1,
    complementaryInRelease: 2,
    noise: null,
  },
  refreshedAt: null,
  budget: { spent: 0, total: 10, noise: false },
} as unknown as Figure;

describe('the analyst CSV export', () => {
  it('is the shown table: header, rows, totals; hidden cells say "suppressed"; fields quoted per RFC 4180', () => {
    expect(figureCsv(figure)).toBe(
      'Competency,0–19,"20, ""39""",Total\r\nTeamwork,12,suppressed,suppressed\r\nTotal,12,suppressed,30\r\n',
    );
    expect(csvFileName(figure)).toBe('tia-answers-overall-by-competency.csv');
  });

  it('says what protection was applied', () => {
    expect(protectionText(figure)).toBe(
      'k = 11 · 3 cells suppressed in this figure · no noise (exact counts)',
    );
  });
});
