// Clipboard text: tab-separated the way Excel copies cells, with the CSV formula guard.
import { describe, expect, it } from 'vitest';
import type { CsvRow } from '../../../src-main/export/csv.ts';
import { rowsToTsv } from '../../../src-main/export/tsv.ts';
import { expectedRows, parseCsv, seeded } from './helpers.ts';

describe('rowsToTsv', () => {
  it('separates with tabs, ends every row with CRLF, quotes like Excel', () => {
    const rows: CsvRow[] = [
      ['plain', 'tab\tinside', 'say "hi"', 'two\r\nlines', 'lf\nonly', 'comma, fine', -3.5, null, true],
    ];
    expect(rowsToTsv(rows, { header: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'] })).toBe(
      'A\tB\tC\tD\tE\tF\tG\tH\tI\r\n' +
        'plain\t"tab\tinside"\t"say ""hi"""\t"two\r\nlines"\t"lf\nonly"\tcomma, fine\t-3.5\t\ttrue\r\n',
    );
  });

  it('guards formulas as the CSV does, and can be told not to', () => {
    const rows: CsvRow[] = [['=SUM(A1)', '+1', '+14155550100', '-', '-2.5', '@x', '\tindented']];
    expect(rowsToTsv(rows)).toBe(`'=SUM(A1)\t'+1\t+14155550100\t'-\t-2.5\t'@x\t"'\tindented"\r\n`);
    expect(rowsToTsv(rows, { formulaGuard: false })).toBe(
      '=SUM(A1)\t+1\t+14155550100\t-\t-2.5\t@x\t"\tindented"\r\n',
    );
  });

  it('answers nothing for no rows, the header alone when given one', () => {
    expect(rowsToTsv([])).toBe('');
    expect(rowsToTsv([], { header: ['A', 'B'] })).toBe('A\tB\r\n');
  });

  it('pastes back into the same cells (read with a tab-delimited CSV parser), seeded random values', () => {
    const alphabet = ['\t', '"', '\r', '\n', ',', ' ', '=', '+', '-', '@', 'a', 'é', '😀', '0'];
    for (let seed = 1; seed <= 100; seed++) {
      const random = seeded(seed);
      const int = (n: number) => Math.floor(random() * n);
      const width = 1 + int(5);
      const rows: CsvRow[] = Array.from({ length: 1 + int(8) }, () =>
        Array.from({ length: width }, () =>
          Array.from({ length: int(10) }, () => alphabet[int(alphabet.length)]).join(''),
        ),
      );
      const text = rowsToTsv(rows);
      expect(parseCsv(text, { bom: false, delimiter: '\t' }), `seed ${seed}`).toEqual(expectedRows(rows));
    }
  });
});
