/** Rotation by size on real files: names, sizes, how many are kept, and lines in order across them. */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../../src-main/logging/file-logger.ts';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qm-logging-'));
  dir = join(root, 'logs');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The log files oldest first: qm-desk.<keep>.log … qm-desk.1.log, qm-desk.log. */
async function filesOldestFirst(): Promise<string[]> {
  const names = await readdir(dir);
  const rotated = names
    .map((name) => /^qm-desk\.(\d+)\.log$/.exec(name))
    .filter((m) => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map((m) => m[0]);
  return [...rotated, ...(names.includes('qm-desk.log') ? ['qm-desk.log'] : [])];
}

async function linesOf(name: string): Promise<string[]> {
  const text = await readFile(join(dir, name), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Logs `count` lines numbered from `from`, of varying length so rotation points are irregular. */
function logNumbered(logger: ReturnType<typeof createFileLogger>, from: number, count: number): void {
  for (let n = from; n < from + count; n++) logger.info(`line ${n}`, { n, pad: 'x'.repeat((n * 37) % 150) });
}

async function expectRotatedCorrectly(maxBytes: number, keep: number, lastLogged: number): Promise<void> {
  const names = await filesOldestFirst();
  expect(names).toEqual([
    ...Array.from({ length: keep }, (_, i) => `qm-desk.${keep - i}.log`),
    'qm-desk.log',
  ]);
  const perFile = await Promise.all(names.map(linesOf));
  for (const [i, lines] of perFile.entries()) {
    const bytes = Buffer.byteLength(lines.map((l) => `${l}\n`).join(''));
    expect(bytes).toBeLessThanOrEqual(maxBytes);
    // A rotated file was full: the next line would not have fitted.
    const next = perFile[i + 1]?.[0];
    if (next !== undefined) expect(bytes + Buffer.byteLength(`${next}\n`)).toBeGreaterThan(maxBytes);
  }
  const numbers = perFile.flat().map((line) => JSON.parse(line).detail.n as number);
  const first = numbers[0]!;
  // In order, nothing missing in between, ending with the last line: only the oldest were dropped.
  expect(numbers).toEqual(Array.from({ length: lastLogged - first + 1 }, (_, i) => first + i));
  expect(first).toBeGreaterThan(0);
}

describe('rotation', () => {
  it('rotates by size into numbered files, keeps `keep` of them and drops the oldest', async () => {
    const logger = createFileLogger({ dir, maxBytes: 2_000, keep: 2 });
    logNumbered(logger, 0, 120);
    await logger.close();
    await expectRotatedCorrectly(2_000, 2, 119);
  });

  it('keeps three rotated files by default', async () => {
    const logger = createFileLogger({ dir, maxBytes: 1_500 });
    logNumbered(logger, 0, 150);
    await logger.close();
    await expectRotatedCorrectly(1_500, 3, 149);
  });

  it('carries on from the size of the file a previous run left', async () => {
    const first = createFileLogger({ dir, maxBytes: 3_000, keep: 4 });
    logNumbered(first, 0, 15);
    await first.close();
    const { size } = await stat(join(dir, 'qm-desk.log'));
    expect(size).toBeGreaterThan(1_000);
    const second = createFileLogger({ dir, maxBytes: 3_000, keep: 4 });
    logNumbered(second, 15, 200);
    await second.close();
    await expectRotatedCorrectly(3_000, 4, 214);
  });

  it('rotates across separate flushes, not only within one burst', async () => {
    const logger = createFileLogger({ dir, maxBytes: 1_000, keep: 3 });
    for (let burst = 0; burst < 6; burst++) {
      logNumbered(logger, burst * 5, 5);
      const before = burst * 5 + 4;
      await expect
        .poll(async () => {
          const all = await Promise.all((await filesOldestFirst()).map(linesOf));
          return all.flat().some((line) => JSON.parse(line).detail.n === before);
        })
        .toBe(true);
    }
    await logger.close();
    await expectRotatedCorrectly(1_000, 3, 29);
  });

  it('puts a line longer than maxBytes alone in a fresh file instead of losing it', async () => {
    const logger = createFileLogger({ dir, maxBytes: 500, keep: 2 });
    logger.info('short before');
    logger.info('long', { text: 'y'.repeat(2_000) });
    logger.info('short after');
    await logger.close();
    const names = await filesOldestFirst();
    const messages = await Promise.all(
      names.map(async (name) => (await linesOf(name)).map((l) => JSON.parse(l).message)),
    );
    expect(messages).toEqual([['short before'], ['long'], ['short after']]);
  });

  it.skipIf(process.platform === 'win32')(
    'creates files 0600 in a 0700 folder, rotated ones too',
    async () => {
      const logger = createFileLogger({ dir, maxBytes: 1_000, keep: 2 });
      logNumbered(logger, 0, 40);
      await logger.close();
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const names = await filesOldestFirst();
      expect(names.length).toBe(3);
      for (const name of names) expect((await stat(join(dir, name))).mode & 0o777).toBe(0o600);
    },
  );
});
