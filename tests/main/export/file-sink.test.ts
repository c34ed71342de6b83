// The file sink on a real disk: temp file in the target folder, rename on success, nothing left
// behind (and the old file kept) on cancel or failure, numbered parts all or nothing.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { encodeCsv, type CsvChunk, type CsvRow } from '../../../src-main/export/csv.ts';
import { partPath, writeChunksToFile } from '../../../src-main/export/file-sink.ts';
import { writeChunksToStream } from '../../../src-main/export/stream-sink.ts';
import { expectedRows, parseCsv, tempDirs } from './helpers.ts';

const tempDir = tempDirs();
const header = ['n', 'text'];
const rowsOf = (count: number): CsvRow[] =>
  Array.from({ length: count }, (_, i) => [i, `row ${i}, with "quotes"\r\nand a second line`]);
const pagesOf = (rows: CsvRow[], size = 10): CsvRow[][] =>
  Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, i * size + size));
const chunk = (text: string, rows = 1, part = 1): CsvChunk => ({ part, data: Buffer.from(text), rows });

async function* chunksOf(list: CsvChunk[]): AsyncGenerator<CsvChunk> {
  for (const c of list) yield c;
}

describe('partPath', () => {
  it('numbers before the extension', () => {
    expect(partPath('/x/report.csv', 2)).toBe('/x/report-2.csv');
    expect(partPath('/x/report', 1)).toBe('/x/report-1');
    expect(partPath('/x/v1.2/archive.tar.csv', 3)).toBe('/x/v1.2/archive.tar-3.csv');
  });
});

describe('writeChunksToFile', () => {
  it('writes the file, reports rows and bytes, leaves no temp file', async () => {
    const dir = await tempDir();
    const target = join(dir, 'report.csv');
    const rows = rowsOf(500);
    const progress: number[] = [];
    const result = await writeChunksToFile(target, encodeCsv(pagesOf(rows), { header, chunkBytes: 4096 }), {
      onProgress: ({ rows: done }) => progress.push(done),
    });
    const text = await readFile(target);
    expect(parseCsv(text)).toEqual([header, ...expectedRows(rows)]);
    expect(result).toEqual({
      files: [{ path: target, rows: 500, bytes: text.byteLength }],
      rows: 500,
      bytes: text.byteLength,
    });
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(500);
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  it('writes the temp file beside the target and replaces an existing file only once complete', async () => {
    const dir = await tempDir();
    const target = join(dir, 'report.csv');
    await writeFile(target, 'old contents');
    const seen: { existing: string; others: string[] }[] = [];
    async function* watching(): AsyncGenerator<CsvChunk> {
      for (let i = 0; i < 3; i++) {
        yield chunk(`line ${i}\r\n`);
        seen.push({
          existing: await readFile(target, 'utf8'),
          others: (await readdir(dir)).filter((f) => f !== 'report.csv'),
        });
      }
    }
    await writeChunksToFile(target, watching());
    expect(seen.map((s) => s.existing)).toEqual(['old contents', 'old contents', 'old contents']);
    for (const s of seen)
      expect(s.others).toEqual([expect.stringMatching(/^\.report\.csv\.[0-9a-f]{12}\.1\.tmp$/)]);
    expect(await readFile(target, 'utf8')).toBe('line 0\r\nline 1\r\nline 2\r\n');
    expect(await readdir(dir)).toEqual(['report.csv']);
  });

  it('pulls the next chunk only once the write before last is on disk (backpressure)', async () => {
    const dir = await tempDir();
    const target = join(dir, 'report.csv');
    const size = 64 * 1024;
    const sizes: number[] = [];
    async function* source(): AsyncGenerator<CsvChunk> {
      for (let i = 0; i < 20; i++) {
        const temp = (await readdir(dir)).find((f) => f.endsWith('.tmp'));
        sizes.push(temp ? (await stat(join(dir, temp))).size : 0);
        yield chunk('x'.repeat(size - 2) + '\r\n');
      }
    }
    await writeChunksToFile(target, source());
    // When chunk i is asked for, chunks 0 … i-2 are written: at most one write is in flight.
    sizes.forEach((written, i) => expect(written).toBeGreaterThanOrEqual(Math.max(0, i - 1) * size));
    expect((await stat(target)).size).toBe(20 * size);
  });

  it('writes an empty file for an empty stream', async () => {
    const dir = await tempDir();
    const result = await writeChunksToFile(join(dir, 'empty.csv'), chunksOf([]));
    expect(result.files).toEqual([{ path: join(dir, 'empty.csv'), rows: 0, bytes: 0 }]);
    expect(await readFile(join(dir, 'empty.csv'), 'utf8')).toBe('');
  });

  it('on cancel leaves no file behind', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    async function* source(): AsyncGenerator<CsvChunk> {
      for (let i = 0; ; i++) {
        if (i === 3) controller.abort();
        yield chunk(`line ${i}\r\n`);
      }
    }
    const failure = await writeChunksToFile(join(dir, 'report.csv'), source(), {
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('cancelled');
    expect((failure as AppError).message).toMatch(/cancelled.*kept/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('on cancel keeps the existing file untouched, also when the signal aborted before the start', async () => {
    const dir = await tempDir();
    const target = join(dir, 'report.csv');
    await writeFile(target, 'old contents');
    const controller = new AbortController();
    const rows = rowsOf(300);
    const running = writeChunksToFile(
      target,
      encodeCsv(pagesOf(rows), { chunkBytes: 1024, signal: controller.signal }),
      {
        signal: controller.signal,
        onProgress: ({ rows: done }) => {
          if (done > 100) controller.abort();
        },
      },
    );
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    const early = writeChunksToFile(target, encodeCsv(pagesOf(rows)), { signal: AbortSignal.abort() });
    await expect(early).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(dir)).toEqual(['report.csv']);
    expect(await readFile(target, 'utf8')).toBe('old contents');
  });

  it('when the chunk source fails mid-way, passes its error on and cleans up', async () => {
    const dir = await tempDir();
    const target = join(dir, 'report.csv');
    await writeFile(target, 'old contents');
    const boom = new AppError('store_failed', 'The store could not be read.');
    async function* source(): AsyncGenerator<CsvChunk> {
      yield chunk('a\r\n');
      yield chunk('b\r\n');
      throw boom;
    }
    await expect(writeChunksToFile(target, source())).rejects.toBe(boom);
    expect(await readdir(dir)).toEqual(['report.csv']);
    expect(await readFile(target, 'utf8')).toBe('old contents');
  });

  it('when a row cannot be encoded mid-way, cleans up as well', async () => {
    const dir = await tempDir();
    const rows: CsvRow[] = [...rowsOf(50), [1, new Date() as unknown as string]];
    await expect(
      writeChunksToFile(join(dir, 'report.csv'), encodeCsv(pagesOf(rows), { chunkBytes: 512 })),
    ).rejects.toThrow(TypeError);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a folder as target and a missing folder, with a message that says what to do', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'folder.csv'));
    await expect(writeChunksToFile(join(dir, 'folder.csv'), chunksOf([chunk('a')]))).rejects.toMatchObject({
      code: 'export_target_invalid',
      message: expect.stringMatching(/is a folder\. Choose a file name/),
    });
    await expect(
      writeChunksToFile(join(dir, 'missing', 'report.csv'), chunksOf([chunk('a')])),
    ).rejects.toMatchObject({
      code: 'export_target_invalid',
      message: expect.stringMatching(/does not exist\. Choose another folder/),
    });
    expect(await readdir(dir)).toEqual(['folder.csv']);
  });

  it('refuses parts out of order', async () => {
    const dir = await tempDir();
    await expect(
      writeChunksToFile(join(dir, 'r.csv'), chunksOf([chunk('a', 1, 1), chunk('b', 1, 3)])),
    ).rejects.toThrow(/part 3 arrived after part 1/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('split into numbered files', () => {
  it('writes report-1 … report-n, each with the header, adding up to the whole', async () => {
    const dir = await tempDir();
    const target = join(dir, 'report.csv');
    const rows = rowsOf(95);
    const result = await writeChunksToFile(
      target,
      encodeCsv(pagesOf(rows, 7), { header, rowsPerPart: 20, chunkBytes: 900 }),
    );
    const names = ['report-1.csv', 'report-2.csv', 'report-3.csv', 'report-4.csv', 'report-5.csv'];
    expect((await readdir(dir)).sort()).toEqual(names);
    expect(result.files.map((f) => f.path)).toEqual(names.map((n) => join(dir, n)));
    expect(result.files.map((f) => f.rows)).toEqual([20, 20, 20, 20, 15]);
    expect(result.rows).toBe(95);
    const all: string[][] = [];
    for (const file of result.files) {
      const bytes = await readFile(file.path);
      expect(file.bytes).toBe(bytes.byteLength);
      const [head, ...body] = parseCsv(bytes);
      expect(head).toEqual(header);
      expect(body).toHaveLength(file.rows);
      all.push(...body);
    }
    expect(all).toEqual(expectedRows(rows));
    expect(result.bytes).toBe(result.files.reduce((n, f) => n + f.bytes, 0));
  });

  it('keeps the plain name when everything fits one part', async () => {
    const dir = await tempDir();
    const result = await writeChunksToFile(
      join(dir, 'report.csv'),
      encodeCsv(pagesOf(rowsOf(20)), { header, rowsPerPart: 20 }),
    );
    expect(await readdir(dir)).toEqual(['report.csv']);
    expect(result.files.map((f) => f.rows)).toEqual([20]);
  });

  it('is all or nothing: a cancel after some parts removes every part and keeps older files', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'report-1.csv'), 'older part 1');
    const controller = new AbortController();
    const chunks = encodeCsv(pagesOf(rowsOf(200), 5), { header, rowsPerPart: 30, chunkBytes: 512 });
    const running = writeChunksToFile(join(dir, 'report.csv'), chunks, {
      signal: controller.signal,
      onProgress: ({ rows }) => {
        if (rows >= 100) controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    expect(await readdir(dir)).toEqual(['report-1.csv']);
    expect(await readFile(join(dir, 'report-1.csv'), 'utf8')).toBe('older part 1');
  });

  it('takes back the parts already renamed when a later rename fails', async () => {
    const dir = await tempDir();
    // A non-empty folder where part 2 should land: rename(2) fails after rename(1) succeeded.
    await mkdir(join(dir, 'report-2.csv'));
    await writeFile(join(dir, 'report-2.csv', 'keep.txt'), 'x');
    const chunks = encodeCsv(pagesOf(rowsOf(50)), { header, rowsPerPart: 20 });
    await expect(writeChunksToFile(join(dir, 'report.csv'), chunks)).rejects.toMatchObject({
      code: 'export_write_failed',
    });
    expect(await readdir(dir)).toEqual(['report-2.csv']);
  });
});

describe('writeChunksToStream', () => {
  it('writes every chunk, waiting for drain on a slow reader', async () => {
    const stream = new PassThrough({ highWaterMark: 1024 });
    const received: Buffer[] = [];
    let drains = 0;
    stream.on('drain', () => drains++);
    const reading = (async () => {
      for await (const piece of stream) {
        received.push(piece as Buffer);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const rows = rowsOf(300);
    const result = await writeChunksToStream(encodeCsv(pagesOf(rows), { header, chunkBytes: 2048 }), stream);
    stream.end();
    await reading;
    const text = Buffer.concat(received);
    expect(result).toEqual({ rows: 300, bytes: text.byteLength });
    expect(parseCsv(text)).toEqual([header, ...expectedRows(rows)]);
    expect(drains).toBeGreaterThan(0);
  });

  it('refuses split output and reports a cancel as cancelled', async () => {
    const stream = new PassThrough();
    stream.resume();
    await expect(
      writeChunksToStream(encodeCsv(pagesOf(rowsOf(10)), { rowsPerPart: 4 }), stream),
    ).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(
      writeChunksToStream(encodeCsv(pagesOf(rowsOf(10))), stream, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});
