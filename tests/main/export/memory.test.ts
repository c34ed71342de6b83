// A 1M-row export to a real file keeps memory flat: RSS and heap are sampled while it runs and
// may grow by a generous, size-independent bound only (no timing is asserted).
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { csvLayout, exportColumns } from '../../../src-main/export/columns.ts';
import { encodeCsv } from '../../../src-main/export/csv.ts';
import { writeChunksToFile } from '../../../src-main/export/file-sink.ts';
import { parseCsv, tempDirs } from './helpers.ts';
import { syntheticPages } from './synthetic-rows.ts';

const tempDir = tempDirs();
const ROWS = 1_000_000;
const MB = 1024 * 1024;

it('exports 1M assessment rows with flat memory', { timeout: 600_000 }, async () => {
  const dir = await tempDir();
  const target = join(dir, 'big.csv');
  const columns = exportColumns('assessments');
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let samples = 0;
  const result = await writeChunksToFile(target, encodeCsv(syntheticPages(ROWS, 250), csvLayout(columns)), {
    onProgress: () => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
      samples++;
    },
  });
  expect(result.rows).toBe(ROWS);
  expect((await stat(target)).size).toBe(result.bytes);
  expect(await readdir(dir)).toEqual(['big.csv']);
  // Hundreds of MB went through, in over a thousand chunks; memory grew by a bounded amount.
  expect(result.bytes).toBeGreaterThan(300 * MB);
  expect(samples).toBeGreaterThan(1000);
  expect((peakRss - before.rss) / MB).toBeLessThan(150);
  expect((peakHeap - before.heapUsed) / MB).toBeLessThan(150);

  // The file's tail is whole records: the last 64 KiB, from the first record start on, parse.
  const handle = await open(target, 'r');
  const tail = Buffer.alloc(64 * 1024);
  await handle.read(tail, 0, tail.length, result.bytes - tail.length);
  await handle.close();
  const text = tail.toString('utf8');
  const lastRecord = parseCsv(text.slice(text.lastIndexOf('\r\nFM') + 2), { bom: false });
  expect(lastRecord).toHaveLength(1);
  expect(lastRecord[0]?.[0]).toBe(`FM${(ROWS - 1).toString(16).padStart(32, '0')}`);
});
