/**
 * Crash safety with a real process: a child logs, never closes the logger, and is killed with
 * SIGKILL about 1.5 s later. What it logged must already be on disk.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';

const LOGGER = pathToFileURL(join(import.meta.dirname, '../../../src-main/logging/file-logger.ts')).href;
const LINES = 50;

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qm-logging-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it.skipIf(process.platform === 'win32')('keeps the lines of a process killed with SIGKILL', async () => {
  const script = join(root, 'child.ts');
  await writeFile(
    script,
    [
      `import { createFileLogger } from ${JSON.stringify(LOGGER)};`,
      `const log = createFileLogger({ dir: process.argv[2] });`,
      `for (let n = 0; n < ${LINES}; n++) (n % 2 ? log.info : log.error)('line ' + n, { n });`,
      `process.stdout.write('logged\\n');`,
      `setInterval(() => {}, 1000); // alive until killed; close() is never called`,
    ].join('\n'),
  );
  const dir = join(root, 'logs');
  const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('logged') && resolve());
    child.once('exit', () => reject(new Error('the child exited before logging')));
  });
  // On disk while the child lives and never closed its logger: then the kill cannot lose them.
  const onDisk = async () =>
    (await readFile(join(dir, 'qm-desk.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  await expect.poll(onDisk, { timeout: 10_000 }).toBe(LINES);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const lines = (await readFile(join(dir, 'qm-desk.log'), 'utf8')).split('\n').filter(Boolean);
  expect(lines.map((line) => JSON.parse(line).detail.n)).toEqual(Array.from({ length: LINES }, (_, n) => n));
});
