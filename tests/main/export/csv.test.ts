// The CSV encoder: RFC 4180 output, the formula guard, value formatting, chunks and parts. Every
// file is read back with csv-parse and compared cell by cell with what went in.
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import {
  CsvEncoder,
  EXCEL_MAX_ROWS,
  encodeCsv,
  excelRowsPerPart,
  isE164,
  isPlainNumber,
  needsFormulaGuard,
  type CsvRow,
  type CsvValue,
} from '../../../src-main/export/csv.ts';
import { collect, csvText, expectedRows, parseCsv, seeded, textOf } from './helpers.ts';

describe('formula guard', () => {
  it.each([
    '=1+1',
    '=',
    '=HYPERLINK("http://evil","click")',
    '@SUM(A1:A2)',
    '@',
    '\tstarts with a tab',
    '\rstarts with CR',
    '\nstarts with LF',
    '+',
    '+1',
    '+3.5',
    '+1234567',
    '+1234567890123456',
    '+0123456789',
    '+1 415 555 0100',
    '+1-415-555-0100',
    '-',
    '--1',
    '-1-2',
    '-3.5e',
    '-1.',
    '-.',
    '-1,5',
    '-e5',
    '-3.5 ',
    "-2+3+cmd|' /C calc'!A0",
    '＝1+1',
    '＋1',
    '－1',
    '＠x',
  ])('guards %j', (value) => {
    expect(needsFormulaGuard(value)).toBe(true);
  });

  it.each([
    '-3.5',
    '-0',
    '-.5',
    '-007',
    '-1e5',
    '-1E-7',
    '-2.5e+10',
    '+12345678',
    '+14155550100',
    '+123456789012345',
    '',
    'plain text',
    '3.5',
    ' =1',
    "'=1",
    '1=1',
    'a@b.example',
  ])('leaves %j alone', (value) => {
    expect(needsFormulaGuard(value)).toBe(false);
  });

  it('tells plain numbers and E.164 numbers apart from look-alikes', () => {
    expect(['0', '-0.25', '.5', '10e3', '-1E+2'].every(isPlainNumber)).toBe(true);
    expect(['+1', '1.', '1e', '0x10', 'NaN', 'Infinity', '1_000', '١٢'].some(isPlainNumber)).toBe(false);
    expect(['+12345678', '+441632960961', '+123456789012345'].every(isE164)).toBe(true);
    expect(
      ['+1234567', '+1234567890123456', '+0441632960961', '14155550100', '+1415555010a'].some(isE164),
    ).toBe(false);
  });

  it('puts the apostrophe in the file and quotes what then needs quoting', async () => {
    const text = await csvText([['=1+1', '\nx', '-3.5', '+14155550100', '+1', '-', '@a,b']], { bom: false });
    expect(text).toBe(`'=1+1,"'\nx",-3.5,+14155550100,'+1,'-,"'@a,b"\r\n`);
  });

  it('can be turned off', async () => {
    const rows: CsvRow[] = [['=1+1', '+1', '-', '@x', '\tt']];
    const text = await csvText(rows, { bom: false, formulaGuard: false });
    expect(parseCsv(text)).toEqual(expectedRows(rows, false));
    expect(text.startsWith('=1+1,+1,-,@x,\tt')).toBe(true);
  });
});

describe('values', () => {
  it('writes numbers as their shortest round-trip text, without locale or guard', async () => {
    const numbers = [
      0,
      -0,
      1,
      -3.5,
      0.1 + 0.2,
      1657329694199,
      123456789012345680000,
      1e21,
      -1e21,
      1e-6,
      1e-7,
      -1.5e-9,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
    ];
    const text = await csvText([numbers], { bom: false });
    const [cells] = parseCsv(text);
    expect(cells).toEqual(numbers.map((n) => String(n)));
    // Every cell reads back to the very same double.
    expect(cells?.map(Number)).toEqual(numbers.map((n) => (Object.is(n, -0) ? 0 : n)));
    // Plain decimals for ordinary magnitudes; the exponent form only outside [1e-6, 1e21).
    expect(cells?.slice(0, 7)).toEqual([
      '0',
      '0',
      '1',
      '-3.5',
      '0.30000000000000004',
      '1657329694199',
      '123456789012345680000',
    ]);
    expect(cells?.slice(7, 12)).toEqual(['1e+21', '-1e+21', '0.000001', '1e-7', '-1.5e-9']);
  });

  it('writes booleans as true/false and null/undefined as empty fields', async () => {
    const text = await csvText([[true, false, null, undefined, '']], { bom: false });
    expect(text).toBe('true,false,,,\r\n');
  });

  it.each([
    ['a Date', new Date(0)],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a bigint', 10n],
    ['an object', { a: 1 }],
    ['an array', ['a']],
  ])('refuses %s', async (_name, value) => {
    await expect(csvText([['ok', value as CsvValue]])).rejects.toThrow(TypeError);
  });

  it('refuses rows whose width differs from the header or the first row', async () => {
    await expect(csvText([['a', 'b']], { header: ['A', 'B', 'C'] })).rejects.toThrow(
      /2 fields; the export has 3 columns/,
    );
    await expect(csvText([['a', 'b'], ['c']])).rejects.toThrow(/1 fields; the export has 2 columns/);
    await expect(csvText([[]])).rejects.toThrow(/at least one column/);
  });
});

describe('RFC 4180 output', () => {
  it('quotes exactly the fields with a comma, a quote, CR or LF, doubling quotes, CRLF after every record', async () => {
    const rows: CsvRow[] = [
      ['a,b', 'say "hi"', 'line1\r\nline2', 'lone\rCR', 'lf\n', 'plain', ''],
      ['"', '""', ',', 'tab\tinside', ' spaced ', "it's", 'é'],
    ];
    const text = await csvText(rows, { bom: false, header: ['A', 'B', 'C', 'D', 'E', 'F', 'G'] });
    expect(text).toBe(
      'A,B,C,D,E,F,G\r\n' +
        '"a,b","say ""hi""","line1\r\nline2","lone\rCR","lf\n",plain,\r\n' +
        '"""","""""",",",tab\tinside, spaced ,it\'s,é\r\n',
    );
  });

  it('writes a record of one empty field as "" so it is not read as a blank line', async () => {
    const rows: CsvRow[] = [[''], [null], ['x']];
    const text = await csvText(rows, { bom: false });
    expect(text).toBe('""\r\n""\r\nx\r\n');
    expect(parseCsv(text)).toEqual([[''], [''], ['x']]);
  });

  const tricky: CsvValue[] = [
    'comma, inside',
    'double "quotes" inside',
    '"starts with a quote',
    'ends with a quote"',
    'CRLF\r\ninside',
    'lone CR\rinside',
    'lone LF\ninside',
    '\r\n',
    '\r',
    '\n',
    'trailing CR\r',
    'unicode: Zoë, Ærøskøbing, 李小龍, عربى',
    'emoji: 👍🏽 🚀 👨‍👩‍👧',
    'zero width\u200bjoiner and \u2028 line separator',
    '\uFEFFa BOM character inside',
    'NUL \u0000 byte',
    '=1+1',
    '+1',
    '+14155550100',
    '-',
    '-3.5',
    '@mention',
    '\tindented',
    '',
    null,
    undefined,
    -42,
    -3.5,
    true,
    false,
    'x'.repeat(100_000),
    `${'"quoted, long\r\n'.repeat(20_000)}end`,
  ];

  it('reads every tricky value back, one per row and all in one row', async () => {
    const perRow: CsvRow[] = tricky.map((v, i) => [String(i), v]);
    const header = ['#', 'value'];
    const text = await csvText(perRow, { header });
    expect(parseCsv(text)).toEqual([header, ...expectedRows(perRow)]);
    const oneRow = await csvText([tricky], { bom: false });
    expect(parseCsv(oneRow, { bom: false })).toEqual(expectedRows([tricky]));
  });

  it('writes a lone surrogate as U+FFFD, like every UTF-8 encoder', async () => {
    const text = await csvText([['a\ud800b', 'ok']], { bom: false });
    expect(parseCsv(text)).toEqual([['a\ufffdb', 'ok']]);
  });

  it('round-trips random rows over a nasty alphabet (seeded)', async () => {
    const alphabet = [
      ',',
      '"',
      '""',
      '\r',
      '\n',
      '\r\n',
      '\t',
      ' ',
      '=',
      '+',
      '-',
      '@',
      "'",
      ';',
      '.',
      'e',
      '0',
      '7',
      'a',
      'Z',
      'é',
      'ß',
      '李',
      '😀',
      '👍🏽',
      '\u0000',
      '\uFEFF',
      '\u2028',
      '＝',
      '＋',
    ];
    for (let seed = 1; seed <= 300; seed++) {
      const random = seeded(seed);
      const int = (n: number) => Math.floor(random() * n);
      const value = (): CsvValue => {
        const kind = int(10);
        if (kind === 0) return null;
        if (kind === 1) return (random() - 0.5) * 10 ** int(25);
        if (kind === 2) return random() < 0.5;
        if (kind === 3) return -int(1000);
        let s = '';
        for (let n = int(14); n > 0; n--) s += alphabet[int(alphabet.length)];
        return s;
      };
      const width = 1 + int(6);
      const rows: CsvRow[] = Array.from({ length: int(16) }, () => Array.from({ length: width }, value));
      const bom = random() < 0.5;
      const guard = random() < 0.8;
      const header = random() < 0.5 ? Array.from({ length: width }, (_, i) => `col ${i}, "${seed}"`) : null;
      const text = await csvText(rows, { bom, formulaGuard: guard, header }, 1 + int(5));
      expect(text.startsWith('\uFEFF'), `seed ${seed}`).toBe(bom);
      const parsed = parseCsv(text, { bom });
      const expected = expectedRows(rows, guard);
      expect(parsed, `seed ${seed}`).toEqual(header ? [header, ...expected] : expected);
    }
  });

  it('writes the same bytes as csv-stringify given the same rules', async () => {
    const random = seeded(42);
    const pieces = ['a', ',', '"', '\r', '\n', '=x', '+1', '-2', '@', '\t', 'é', '😀', ' '];
    const rows: CsvRow[] = Array.from({ length: 500 }, () =>
      Array.from({ length: 5 }, (): CsvValue => {
        const r = random();
        if (r < 0.1) return null;
        if (r < 0.2) return (random() - 0.5) * 1e6;
        if (r < 0.25) return random() < 0.5;
        return Array.from(
          { length: Math.floor(random() * 6) },
          () => pieces[Math.floor(random() * pieces.length)],
        ).join('');
      }),
    );
    const header = ['One', 'Two', '=Three', 'Four', 'Five'];
    const theirs = stringify(rows as CsvValue[][], {
      bom: true,
      header: true,
      columns: header,
      record_delimiter: '\r\n',
      quote_record_delimiter: true,
      cast: {
        string: (value) => (needsFormulaGuard(value) ? `'${value}` : value),
        boolean: (value) => (value ? 'true' : 'false'),
      },
    });
    expect(await csvText(rows, { header })).toBe(theirs);
  });
});

describe('BOM and header', () => {
  const rows: CsvRow[] = [['x', 1]];

  it('starts with the UTF-8 BOM by default, and not when turned off', async () => {
    const on = await collect(encodeCsv([rows]));
    expect([...(on[0]?.data.subarray(0, 3) ?? [])]).toEqual([0xef, 0xbb, 0xbf]);
    const off = await collect(encodeCsv([rows], { bom: false }));
    expect(off[0]?.data.toString('utf8')).toBe('x,1\r\n');
  });

  it('writes the header row only when given, through the same quoting and guard', async () => {
    expect(await csvText(rows, { bom: false })).toBe('x,1\r\n');
    expect(await csvText(rows, { bom: false, header: ['Name, full', '=Score'] })).toBe(
      '"Name, full",\'=Score\r\nx,1\r\n',
    );
  });

  it('writes the BOM and header alone when there are no rows, and nothing at all without them', async () => {
    expect(await csvText([], { header: ['A', 'B'] })).toBe('\uFEFFA,B\r\n');
    const empty = await collect(encodeCsv([], { bom: false }));
    expect(empty).toEqual([{ part: 1, data: Buffer.alloc(0), rows: 0 }]);
  });
});

describe('chunks and parts', () => {
  const rows: CsvRow[] = Array.from({ length: 200 }, (_, i) => [i, `row ${i}, "q"\r\nnext`, i % 2 === 0]);

  it('cuts chunks at record boundaries, each about chunkBytes long, rows counted', async () => {
    const chunks = await collect(
      encodeCsv([rows.slice(0, 90), rows.slice(90)], { chunkBytes: 256, bom: false }),
    );
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.reduce((n, c) => n + c.rows, 0)).toBe(rows.length);
    let seen = 0;
    for (const chunk of chunks) {
      expect(chunk.data.byteLength).toBeLessThanOrEqual(256);
      // Whole records only: each chunk parses on its own into exactly its rows.
      const parsed = parseCsv(chunk.data, { bom: false });
      expect(parsed).toEqual(expectedRows(rows.slice(seen, seen + chunk.rows)));
      seen += chunk.rows;
    }
  });

  it('gives a record longer than chunkBytes a chunk of its own', async () => {
    const long = 'é'.repeat(5000);
    const chunks = await collect(encodeCsv([[['a'], [long], ['b']]], { chunkBytes: 64, bom: false }));
    expect(chunks.map((c) => c.rows)).toEqual([1, 1, 1]);
    expect(textOf(chunks)).toBe(`a\r\n${long}\r\nb\r\n`);
  });

  it('starts a new part with BOM and header after rowsPerPart rows', async () => {
    const header = ['n', 'text', 'even'];
    const chunks = await collect(encodeCsv([rows.slice(0, 33), rows.slice(33)], { header, rowsPerPart: 60 }));
    const parts = [...new Set(chunks.map((c) => c.part))];
    expect(parts).toEqual([1, 2, 3, 4]);
    let seen = 0;
    for (const part of parts) {
      const text = textOf(chunks, part);
      expect(text.startsWith('\uFEFFn,text,even\r\n')).toBe(true);
      const [head, ...body] = parseCsv(text);
      expect(head).toEqual(header);
      expect(body).toEqual(expectedRows(rows.slice(seen, seen + body.length)));
      expect(chunks.filter((c) => c.part === part).reduce((n, c) => n + c.rows, 0)).toBe(body.length);
      seen += body.length;
    }
    expect(seen).toBe(rows.length);
  });

  it('opens no empty part when the rows end exactly at a part boundary', async () => {
    const chunks = await collect(
      encodeCsv([rows.slice(0, 120)], { header: ['n', 't', 'e'], rowsPerPart: 60 }),
    );
    expect([...new Set(chunks.map((c) => c.part))]).toEqual([1, 2]);
  });

  it('knows the Excel sheet limit', () => {
    expect(EXCEL_MAX_ROWS).toBe(2 ** 20);
    expect(excelRowsPerPart(true)).toBe(EXCEL_MAX_ROWS - 1);
    expect(excelRowsPerPart(false)).toBe(EXCEL_MAX_ROWS);
    expect(() => new CsvEncoder({ rowsPerPart: 0 })).toThrow(TypeError);
    expect(() => new CsvEncoder({ rowsPerPart: 1.5 })).toThrow(TypeError);
  });

  it('maps records to cells one by one through `cells`', async () => {
    const records = [
      { id: 'a', n: 1 },
      { id: '=b', n: -2 },
    ];
    const chunks = await collect(
      encodeCsv([records], { header: ['ID', 'N'], cells: (r: { id: string; n: number }) => [r.id, r.n] }),
    );
    expect(parseCsv(textOf(chunks))).toEqual([
      ['ID', 'N'],
      ['a', '1'],
      ["'=b", '-2'],
    ]);
  });
});

describe('cooperation', () => {
  it('hands the event loop turns while encoding a synchronous source', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const row: CsvRow = ['some text, quoted "here"', 12345.678, true, null, '=guarded'];
    function* pages() {
      for (let p = 0; p < 400; p++) yield Array.from({ length: 250 }, () => row);
    }
    try {
      let rows = 0;
      for await (const chunk of encodeCsv(pages())) rows += chunk.rows;
      expect(rows).toBe(100_000);
    } finally {
      clearInterval(timer);
    }
    // 100k rows take far longer than 2 ms anywhere, so the encoder must have let the timer run.
    expect(ticks).toBeGreaterThan(0);
  });

  it('stops with the signal between batches', async () => {
    const controller = new AbortController();
    let served = 0;
    function* pages() {
      for (;;) {
        served++;
        if (served === 3) controller.abort(new Error('stop'));
        yield [['x']];
      }
    }
    await expect(collect(encodeCsv(pages(), { signal: controller.signal }))).rejects.toThrow('stop');
    expect(served).toBe(3);
  });
});
