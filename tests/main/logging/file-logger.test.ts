/** The file logger on a real temp folder: line format, recent(), close(), odd input and a failing disk. */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toErrorBody } from '../../../src-main/errors.ts';
import { createFileLogger, type FileLogger, type LogRecord } from '../../../src-main/logging/file-logger.ts';
import type { LoggerPort } from '../../../src-main/ports.ts';

let root: string;
let dir: string;
const open: FileLogger[] = [];
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'qm-logging-'));
  dir = join(root, 'logs');
});

afterEach(async () => {
  for (const logger of open.splice(0)) await logger.close();
  await rm(root, { recursive: true, force: true });
});

function logger(options: Partial<Parameters<typeof createFileLogger>[0]> = {}): FileLogger {
  let tick = 0;
  const created = createFileLogger({ dir, clock: { now: () => T0 + 1_000 * tick++ }, ...options });
  open.push(created);
  return created;
}

async function records(file = join(dir, 'qm-desk.log')): Promise<LogRecord[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as LogRecord);
}

describe('file logger', () => {
  it('writes one JSON record per line: time from the clock, level, message, detail', async () => {
    const log = logger();
    const port: LoggerPort = log; // the desktop app hands it to services as their logger
    port.info('Sync started', { accountSid: 'AC0123456789abcdef0123456789abcdef', pages: 3 });
    port.warn('Slow page');
    port.error('Sync failed', { status: 503 });
    await log.close();
    expect(log.file).toBe(join(dir, 'qm-desk.log'));
    expect(log.dir).toBe(dir);
    expect(await records()).toEqual([
      {
        time: new Date(T0).toISOString(),
        level: 'info',
        message: 'Sync started',
        detail: { accountSid: 'AC0123456789abcdef0123456789abcdef', pages: 3 },
      },
      { time: new Date(T0 + 1_000).toISOString(), level: 'warn', message: 'Slow page' },
      {
        time: new Date(T0 + 2_000).toISOString(),
        level: 'error',
        message: 'Sync failed',
        detail: { status: 503 },
      },
    ]);
  });

  it('keeps the last warnings and errors for diagnostics, newest last', async () => {
    const log = logger();
    log.info('not kept');
    for (let n = 0; n < 130; n++) (n % 2 ? log.warn : log.error)(`problem ${n}`, { n });
    const all = log.recent();
    expect(all.length).toBe(100);
    expect(all.at(-1)).toMatchObject({ level: 'warn', message: 'problem 129', detail: { n: 129 } });
    expect(all[0]).toMatchObject({ message: 'problem 30' });
    expect(log.recent(2).map((r) => r.message)).toEqual(['problem 128', 'problem 129']);
    expect(log.recent(0)).toEqual([]);
    // A copy: changing it does not change what the logger keeps.
    all[99]!.message = 'changed';
    expect(log.recent(1)[0]!.message).toBe('problem 129');
  });

  it('echoes warnings and errors (scrubbed), not info', async () => {
    const echoed: string[] = [];
    const log = logger({ echo: (line) => echoed.push(line) });
    log.info('quiet');
    log.warn('Retrying', { attempt: 2, authToken: 'tok-should-not-show' });
    log.error('Failed');
    expect(echoed).toEqual([
      '[qm-desk] warn: Retrying {"attempt":2,"authToken":"[redacted]"}',
      '[qm-desk] error: Failed',
    ]);
  });

  it('logs an internal error with its stack under the ref the reviewer sees', async () => {
    const log = logger();
    const body = toErrorBody(new RangeError('page index out of range'), { logger: log, where: 'sync.run' });
    await log.close();
    const ref = (body.detail as { ref: string }).ref;
    expect(body.message).toContain(`ref ${ref}`);
    const [record] = await records();
    expect(record).toMatchObject({ level: 'error', message: `Internal error (ref ${ref}) in sync.run` });
    expect(record!.detail!['ref']).toBe(ref);
    expect(record!.detail!['error']).toMatch(/^RangeError: page index out of range\n\s+at /);
  });

  it('close() writes everything buffered; later calls are dropped', async () => {
    const log = logger();
    for (let n = 0; n < 500; n++) log.info(`line ${n}`);
    await log.close();
    const written = await records();
    expect(written.map((r) => r.message)).toEqual(Array.from({ length: 500 }, (_, n) => `line ${n}`));
    log.error('after close');
    await log.close();
    expect((await records()).length).toBe(500);
    expect(log.recent()).toEqual([]);
  });

  it('writes without waiting for close (a line reaches the disk shortly after it is logged)', async () => {
    const log = logger();
    log.warn('on its way');
    await expect
      .poll(async () => (await records().catch(() => [])).map((r) => r.message))
      .toEqual(['on its way']);
  });

  it('never throws on odd input and still writes a bounded, parseable line', async () => {
    const log = logger();
    const cyclic: Record<string, unknown> = { name: 'cyclic' };
    cyclic['self'] = cyclic;
    cyclic['list'] = [cyclic, { back: cyclic }];
    const throwingGetter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('proxy');
        },
      },
    );
    const huge = 'z'.repeat(10 * 1024 * 1024);
    let deep: Record<string, unknown> = {};
    const deepRoot = deep;
    for (let i = 0; i < 10_000; i++) deep = (deep['next'] = {}) as Record<string, unknown>;

    expect(() => {
      log.info('cyclic', cyclic);
      log.info('bigint', { big: 12345678901234567890n });
      log.info(huge, { huge });
      log.info('getter', throwingGetter);
      log.info('proxy', hostile);
      log.info('deep', deepRoot);
      log.info('wide', { items: Array.from({ length: 100_000 }, (_, i) => ({ i })) });
      log.info('odd types', {
        when: new Date(Number.NaN),
        bytes: Buffer.from('bytes'),
        fn: () => 1,
        sym: Symbol('s'),
        nan: Number.NaN,
        map: new Map([[1, 'one']]),
        set: new Set(['a']),
      });
      log.info(
        Symbol('not a string') as unknown as string,
        'not an object' as unknown as Record<string, unknown>,
      );
    }).not.toThrow();
    await log.close();

    const written = await records();
    expect(written.map((r) => r.message.slice(0, 10))).toEqual([
      'cyclic',
      'bigint',
      'zzzzzzzzzz',
      'getter',
      'proxy',
      'deep',
      'wide',
      'odd types',
      expect.any(String),
    ]);
    const [cyclicRecord, bigint, hugeRecord, getter, , , wide, odd, last] = written;
    expect(cyclicRecord!.detail).toEqual({
      name: 'cyclic',
      self: '[circular]',
      list: ['[circular]', { back: '[circular]' }],
    });
    expect(bigint!.detail).toEqual({ big: '12345678901234567890n' });
    expect(getter!.detail).toEqual({ boom: '[unreadable]' });
    expect(odd!.detail).toEqual({
      when: 'Invalid Date',
      bytes: '[Buffer 5 bytes]',
      fn: '[function fn]',
      sym: 'Symbol(s)',
      nan: 'NaN',
      map: { 1: 'one' },
      set: ['a'],
    });
    expect((wide!.detail!['items'] as unknown[]).at(-1)).toBe(`…${100_000 - 100} more`);
    expect(last!.detail).toEqual({ value: 'not an object' });
    const { size } = await stat(join(dir, 'qm-desk.log'));
    expect(size).toBeLessThan(1024 * 1024);
    expect(hugeRecord!.message.length).toBeLessThan(huge.length / 100);
    expect(hugeRecord!.message).toMatch(/truncated\]$/);
  });

  it('bounds a line however wide, deep and long-keyed the detail is', async () => {
    const log = logger();
    const value = 'v'.repeat(10_000);
    const row = () =>
      Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`${i}${'k'.repeat(1_000)}`, value]));
    const rows = Array.from({ length: 100 }, row);
    log.info('big', { rows, nested: { again: { rows } } });
    await log.close();
    const text = await readFile(join(dir, 'qm-desk.log'), 'utf8');
    const naive = JSON.stringify({ rows, nested: { again: { rows } } }).length;
    expect(text.length).toBeLessThan(naive / 100);
    const [record] = await records();
    const kept = record!.detail!['rows'] as unknown[];
    expect(kept.at(-1)).toMatch(/^…\d+ more$/);
  });

  it('survives its folder being deleted: no throw, and the folder comes back with later lines', async () => {
    const log = logger();
    log.info('before');
    await expect.poll(async () => (await records().catch(() => [])).length).toBe(1);
    await rm(dir, { recursive: true, force: true });
    expect(() => log.error('after the folder went away')).not.toThrow();
    await log.close();
    expect((await records()).map((r) => r.message)).toEqual(['after the folder went away']);
  });

  it('a disk that refuses drops lines, says so once, and counts them when it works again', async () => {
    const echoed: string[] = [];
    // A file where the folder should be: every write fails until it is gone.
    await writeFile(join(root, 'blocked'), 'not a folder');
    dir = join(root, 'blocked', 'logs');
    const log = logger({ echo: (line) => echoed.push(line) });
    log.warn('lost 1');
    log.warn('lost 2');
    await expect.poll(() => echoed.filter((line) => line.includes('could not be written')).length).toBe(1);
    log.info('lost 3');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a second failed flush, on a busy machine too
    expect(echoed.filter((line) => line.includes('could not be written'))).toEqual([
      expect.stringMatching(/^\[qm-desk\] warn: The log file could not be written \(ENOTDIR\)/),
    ]);
    expect(log.recent().map((r) => r.message)).toEqual([
      'lost 1',
      'lost 2',
      expect.stringContaining('could not be written (ENOTDIR)'),
    ]);

    await rm(join(root, 'blocked'));
    await mkdir(join(root, 'blocked'));
    log.info('back');
    await log.close();
    expect((await records()).map((r) => r.message)).toEqual([
      '3 earlier log lines could not be written and were dropped.',
      'back',
    ]);
  });
});
