// Shared by the export tests: collecting encoder output, parsing it back, seeded randomness.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach } from 'vitest';
import {
  encodeCsv,
  needsFormulaGuard,
  type CsvChunk,
  type CsvOptions,
  type CsvRow,
} from '../../../src-main/export/csv.ts';

export async function collect(chunks: AsyncIterable<CsvChunk>): Promise<CsvChunk[]> {
  const out: CsvChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

/** The whole output of one part as text (BOM kept). */
export const textOf = (chunks: CsvChunk[], part = 1): string =>
  Buffer.concat(chunks.filter((c) => c.part === part).map((c) => c.data)).toString('utf8');

/** Encodes rows (in batches of `batch`) and answers the text of part 1. */
export async function csvText(rows: CsvRow[], options: CsvOptions = {}, batch = 7): Promise<string> {
  const batches: CsvRow[][] = [];
  for (let i = 0; i < rows.length; i += batch) batches.push(rows.slice(i, i + batch));
  return textOf(await collect(encodeCsv(batches, options)));
}

/** Parses with csv-parse, strictly: every record must have the same number of fields. */
export function parseCsv(
  text: string | Buffer,
  options: { bom?: boolean; delimiter?: string } = {},
): string[][] {
  return parse(text, { bom: options.bom ?? true, delimiter: options.delimiter ?? ',', relax_quotes: false });
}

/** What a cell must read back as: the value's text, with the guard's apostrophe when it applies. */
export function expectedCell(value: CsvRow[number], guard = true): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return guard && needsFormulaGuard(value) ? `'${value}` : value;
  return String(value);
}

export const expectedRows = (rows: CsvRow[], guard = true): string[][] =>
  rows.map((row) => row.map((v) => expectedCell(v, guard)));

/** mulberry32: a small seeded PRNG, so a failing random case can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh temp folder per test, removed afterwards. */
export function tempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qm-export-test-'));
    made.push(dir);
    return dir;
  };
}
