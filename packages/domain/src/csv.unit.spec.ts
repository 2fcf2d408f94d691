import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument, csvLine } from './csv.js';

describe('csv cells (one helper for every export)', () => {
  it('leaves plain text and numbers as they are; empty for null and undefined', () => {
    expect(csvCell('plain text')).toBe('plain text');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe('-3'); // a number is never a formula
    expect(csvCell(10n)).toBe('10');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes cells with quotes, commas, CR or LF, doubling quotes (RFC 4180)', () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvCell('line 1\r\nline 2')).toBe('"line 1\r\nline 2"');
    expect(csvCell('"')).toBe('""""');
  });

  it('neutralises text a spreadsheet would run as a formula: = + - @ (and a leading tab or CR)', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+SUM(A1:A9)')).toBe("'+SUM(A1:A9)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    // Prefix and quoting together: the prefixed text is then quoted as a whole.
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell('a=1')).toBe('a=1'); // only a leading sign counts
  });

  it('writes objects as JSON text, quoted and neutralised like any text', () => {
    expect(csvCell({ a: 1, b: 'x' })).toBe('"{""a"":1,""b"":""x""}"');
    expect(csvCell(['=x'])).toBe('"[""=x""]"');
  });

  it('builds lines and documents with CRLF line ends', () => {
    expect(csvLine(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"');
    expect(
      csvDocument([
        ['h1', 'h2'],
        ['=1', 'x\ny'],
      ]),
    ).toBe('h1,h2\r\n\'=1,"x\ny"\r\n');
    expect(csvDocument([])).toBe('');
  });
});
