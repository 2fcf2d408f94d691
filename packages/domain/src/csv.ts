/**
 * CSV as every export of the product writes it (the auditor's trail export, the data-subject export, the
 * analyst's figures): RFC 4180 — a cell holding a quote, comma, CR or LF is quoted, quotes doubled; lines end
 * with CRLF. A text cell that a spreadsheet would run as a formula (first character = + - @, or a tab or CR
 * that some strip before looking) gets a leading ' so it is shown as text (OWASP "CSV injection"). Numbers
 * are written as they are: -3 is a number, not a formula. Objects and arrays are written as JSON (text).
 * Its own entry point (`@tia/domain/csv`) so the browser bundle takes this file only.
 */
export type CsvValue = string | number | bigint | boolean | null | undefined | object;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export const csvCell = (v: CsvValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One line of cells, without its line end. */
export const csvLine = (cells: readonly CsvValue[]): string => cells.map(csvCell).join(',');

/** Lines of cells as a CSV document (CRLF after every line, the last included). */
export const csvDocument = (lines: readonly (readonly CsvValue[])[]): string =>
  lines.map((l) => `${csvLine(l)}\r\n`).join('');
