/**
 * The export service on a real store (the generator's records committed through the store's
 * writer), the real job runner and real files in a temp folder; only the save dialog, the
 * clipboard and the file manager are stand-ins. Every expectation is computed from what the store
 * answers for the same view, so the file must parse back to exactly the rows the table shows.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { allColumnIds, exportColumns } from '../../../src-main/export/columns.ts';
import { exportToFile, exportToStream, type ExportSpec } from '../../../src-main/export/run.ts';
import { createExportService, type ExportServiceDeps } from '../../../src-main/export/service.ts';
import { createJobRunner } from '../../../src-main/jobs/runner.ts';
import { silentLogger, systemClock } from '../../../src-main/ports.ts';
import type { Store } from '../../../src-main/store/types.ts';
import type { Workspace } from '../../../src-main/workspaces/types.ts';
import type {
  ExportOptions,
  ExportResult,
  JobSnapshot,
  ParsedRequestOf,
  QueryFilters,
} from '../../../src-preload/contract.ts';
import { parseCsv } from './helpers.ts';
import {
  ACCOUNT_SID,
  expectedText,
  holdExport,
  openExportFixture,
  TRICKY_TEXTS,
  viewRows,
  type ExportFixture,
} from './store-fixture.ts';

const PROFILE = 'support-eu';
const OPTIONS: ExportOptions = { header: true, bom: true, formulaGuard: true, splitRows: null };

let fx: ExportFixture;
let out: string;
let seq = 0;

beforeAll(async () => {
  fx = await openExportFixture({ seed: 11, assessments: 3000 });
  out = join(fx.dir, 'out');
  await mkdir(out);
});
afterAll(async () => {
  await fx.close();
});

const target = (name = `export-${++seq}.csv`) => join(out, name);

function workspaceOf(store: Store): Workspace {
  return {
    profileId: PROFILE,
    label: 'Support EU',
    accountSid: ACCOUNT_SID,
    dataDir: fx.dir,
    store,
    client: () => Promise.reject(new Error('an export never needs the API')),
  };
}

/** The service with a runner, a save dialog that answers `answer`, a clipboard and a file manager that record. */
function setup(options: { answer?: string | null; store?: Store; deps?: Partial<ExportServiceDeps> } = {}) {
  const events: JobSnapshot[] = [];
  const jobs = createJobRunner({
    events: { emit: (_name, payload) => void events.push(structuredClone(payload as JobSnapshot)) },
    clock: systemClock,
    logger: silentLogger,
  });
  const dialogs = { saveFile: vi.fn(async () => (options.answer === undefined ? target() : options.answer)) };
  const copied: string[] = [];
  const shown: string[] = [];
  const store = options.store ?? fx.store;
  const service = createExportService({
    workspaces: {
      open: async (profileId) => {
        if (profileId !== PROFILE) throw new AppError('profile_not_found', 'No such account.');
        return workspaceOf(store);
      },
    },
    jobs,
    dialogs,
    clipboard: { writeText: (text) => void copied.push(text) },
    shell: { openPath: async () => {}, showItemInFolder: (path) => void shown.push(path) },
    clock: systemClock,
    logger: silentLogger,
    ...options.deps,
  });
  return { service, jobs, dialogs, events, copied, shown };
}

type StartRequest = ParsedRequestOf<'export', 'start'>;
const request = (overrides: Partial<StartRequest> = {}): StartRequest => ({
  profileId: PROFILE,
  kind: 'assessments',
  filters: {},
  columns: [...allColumnIds('assessments')],
  sort: [],
  options: OPTIONS,
  ...overrides,
});

/** The file's records, header first; csv-parse (strict) also checks every record has the same width. */
async function readCsv(path: string): Promise<string[][]> {
  const bytes = await readFile(path);
  return parseCsv(bytes);
}

const expectedCells = (rows: object[], columns: string[], guard = true): string[][] =>
  rows.map((row) => columns.map((id) => expectedText(row, id, guard)));

async function errorOf(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('export.start', () => {
  it('writes a filtered, sorted view with reordered columns that parses back to the store’s rows, column by column', async () => {
    const sample = (await viewRows(fx.store, 'assessments', {}, []))[100]!;
    const filters: QueryFilters = { teams: [sample.team!], since: Date.UTC(2024, 2, 1) };
    const sort = [
      { column: 'agentName', dir: 'asc' as const },
      { column: 'timestamp', dir: 'desc' as const },
    ];
    const columns = [
      'answer',
      'agentName',
      'timestamp',
      'timestampMs',
      'sid',
      'report',
      'answerScore',
      'question',
    ];
    const path = target();
    const { service, jobs, dialogs, events } = setup({ answer: path });

    const first = await service.start(request({ filters, sort, columns }));
    expect(first).not.toBeNull();
    const final = await jobs.wait(first!.jobId);

    const rows = await viewRows(fx.store, 'assessments', filters, sort);
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.length).toBeLessThan(3000);
    expect(final).toMatchObject({
      kind: 'export',
      profileId: PROFILE,
      state: 'done',
      label: `Export ${rows.length.toLocaleString('en-US')} assessment records`,
      done: rows.length,
      total: rows.length,
    });
    const result = final.result as ExportResult;
    expect(result.rows).toBe(rows.length);
    expect(result.files).toEqual([{ path, rows: rows.length, bytes: result.bytes }]);

    const parsed = await readCsv(path);
    expect(parsed[0]).toEqual(exportColumns('assessments', columns).map((c) => c.label));
    expect(parsed.slice(1)).toEqual(expectedCells(rows, columns));
    const bytes = await readFile(path);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.length).toBe(result.bytes);
    // Nothing but the file is left in the folder (no temp file).
    expect((await readdir(out)).filter((f) => f.startsWith('.'))).toEqual([]);

    // The dialog proposed a name; progress went up to the total.
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(dialogs.saveFile).toHaveBeenCalledWith(
      expect.objectContaining({ defaultName: `assessments-support-eu-${day}.csv` }),
    );
    const mine = events.filter((e) => e.jobId === first!.jobId);
    expect(mine.at(-1)).toMatchObject({ state: 'done', done: rows.length });
    expect(mine.filter((e) => e.total !== undefined).every((e) => e.total === rows.length)).toBe(true);
  });

  it('comments with formulas, line breaks, quotes, tabs and emoji read back exactly, guarded', async () => {
    const { service, jobs } = setup();
    const columns = ['sid', 'text', 'timestamp', 'agentName'];
    const snapshot = await service.start(request({ kind: 'comments', columns, sort: [] }));
    const final = await jobs.wait(snapshot!.jobId);
    const rows = await viewRows(fx.store, 'comments', {}, []);
    const parsed = await readCsv((final.result as ExportResult).files[0]!.path);
    expect(parsed.slice(1)).toEqual(expectedCells(rows, columns));
    // The tricky texts are among them, and the guard took the dangerous ones only.
    const texts = parsed.slice(1, 1 + TRICKY_TEXTS.length).map((r) => r[1]);
    expect(texts).toEqual([
      `'=HYPERLINK("https://example.com","click")`,
      `'+SUM(A1:A9)`,
      '-3.5',
      '+14155550100',
      `'@mention the team lead`,
      `'\tstarts with a tab`,
      'Line one\r\nline two, with "quotes"',
      'Emoji 🚀 and accents: Zoë, María-José, 李小龍',
      '',
    ]);
  });

  it('without the guard, BOM or header the cells are the raw values', async () => {
    const { service, jobs } = setup();
    const columns = ['text', 'sid'];
    const options = { header: false, bom: false, formulaGuard: false, splitRows: null };
    const final = await jobs.wait(
      (await service.start(request({ kind: 'comments', columns, options })))!.jobId,
    );
    const path = (final.result as ExportResult).files[0]!.path;
    const bytes = await readFile(path);
    expect(bytes[0]).not.toBe(0xef);
    const rows = await viewRows(fx.store, 'comments', {}, []);
    expect(parseCsv(bytes, { bom: false })).toEqual(expectedCells(rows, columns, false));
  });

  it('splits into numbered files that add up to the whole, each with the header', async () => {
    const { service, jobs } = setup({ answer: target('split.csv') });
    const columns = ['sid', 'agentName', 'answer'];
    const final = await jobs.wait(
      (await service.start(request({ columns, options: { ...OPTIONS, splitRows: 1100 } })))!.jobId,
    );
    const result = final.result as ExportResult;
    const rows = await viewRows(fx.store, 'assessments', {}, []);
    expect(result.files.map((f) => f.path)).toEqual([1, 2, 3].map((n) => target(`split-${n}.csv`)));
    expect(result.files.map((f) => f.rows)).toEqual([1100, 1100, rows.length - 2200]);
    const parts = await Promise.all(result.files.map((f) => readCsv(f.path)));
    const header = exportColumns('assessments', columns).map((c) => c.label);
    for (const part of parts) expect(part[0]).toEqual(header);
    expect(parts.flatMap((p) => p.slice(1))).toEqual(expectedCells(rows, columns));
    expect(result.rows).toBe(rows.length);
    expect(result.bytes).toBe(result.files.reduce((n, f) => n + f.bytes, 0));
    await expect(readdir(out)).resolves.not.toContain('split.csv');
  });

  it('cancel mid-write deletes the temp file and keeps the file already at the target', async () => {
    const path = target('kept.csv');
    await writeFile(path, 'the old export\r\n');
    // Held before its fifth page of six: four pages are encoded, more than one chunk written.
    const held = holdExport(fx.store, 5);
    const { service, jobs } = setup({ answer: path, store: held.store });
    const snapshot = await service.start(request());
    await held.reached;
    // The first pages are written to the temp file beside the target.
    await vi.waitFor(async () =>
      expect((await readdir(out)).some((f) => f.startsWith('.kept.csv.'))).toBe(true),
    );
    jobs.cancel(snapshot!.jobId);
    held.release();
    const final = await jobs.wait(snapshot!.jobId);
    expect(final.state).toBe('cancelled');
    expect(await readFile(path, 'utf8')).toBe('the old export\r\n');
    expect((await readdir(out)).filter((f) => f.includes('kept'))).toEqual(['kept.csv']);
  });

  it('a sync that removes rows mid-export neither repeats nor shifts the others: they stay in view order', async () => {
    const other = await openExportFixture({ seed: 12, assessments: 1500 });
    try {
      const sort = [{ column: 'answer', dir: 'desc' as const }];
      const before = await viewRows(other.store, 'assessments', {}, sort);
      const segmentId = before[700]!.segmentId!;
      const path = join(other.dir, 'changed.csv');
      let pages = 0;
      // After the first page has been read, a sync pass over one segment no longer returns its records.
      const changing: Store = Object.create(other.store, {
        exportRows: {
          value: (...args: Parameters<Store['exportRows']>) => {
            const source = other.store.exportRows(...args);
            return (async function* () {
              for await (const page of source) {
                if (++pages === 2) {
                  const { pass } = await other.store.openPass('assessments', { segmentId });
                  await other.store.commitPage({
                    kind: 'assessments',
                    scope: { segmentId },
                    pass,
                    records: [],
                    next: null,
                  });
                }
                yield page;
              }
            })();
          },
        },
      }) as Store;
      await exportToFile(changing, spec({ sort, columns: ['sid'] }), path, { pageRows: 250 });
      const written = parseCsv(await readFile(path))
        .slice(1)
        .map((r) => r[0]);
      const removed = new Set(
        before.filter((r, i) => i >= 500 && r.segmentId === segmentId).map((r) => r.sid),
      );
      expect(removed.size).toBeGreaterThan(0);
      expect(written).toEqual(before.map((r) => r.sid).filter((sid) => !removed.has(sid)));
      expect(new Set(written).size).toBe(written.length);
    } finally {
      await other.close();
    }
  });

  it('refuses unknown columns and sort keys before asking where to save', async () => {
    const { service, dialogs } = setup();
    const badColumn = await errorOf(service.start(request({ columns: ['sid', 'answr'] })));
    expect(badColumn.code).toBe('invalid_request');
    expect(badColumn.message).toMatch(/Unknown assessments column: answr\. The columns are: sid, /);
    const badSort = await errorOf(service.start(request({ sort: [{ column: 'text', dir: 'asc' }] })));
    expect(badSort).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/sort assessments by text/),
    });
    // timestampMs is an export column, not a sort key of the view.
    expect(
      (await errorOf(service.start(request({ sort: [{ column: 'timestampMs', dir: 'asc' }] })))).code,
    ).toBe('invalid_request');
    expect((await errorOf(service.start(request({ profileId: 'nobody' })))).code).toBe('profile_not_found');
    expect(dialogs.saveFile).not.toHaveBeenCalled();
  });

  it('answers null and starts nothing when the save dialog is cancelled', async () => {
    const { service, jobs } = setup({ answer: null });
    expect(await service.start(request())).toBeNull();
    expect(jobs.list()).toEqual([]);
  });

  it('without a save dialog, or with a relative path from it, says what to do', async () => {
    const none = setup({ deps: { dialogs: undefined } });
    const error = await errorOf(none.service.start(request()));
    expect(error).toMatchObject({ code: 'export_target_invalid', message: expect.stringMatching(/--out/) });
    const relative = setup({ answer: 'report.csv' });
    expect((await errorOf(relative.service.start(request()))).code).toBe('export_target_invalid');
    expect(relative.jobs.list()).toEqual([]);
  });

  it('exports scores, one row per assessment, sorted by score, as the scores table shows them', async () => {
    const { service, jobs } = setup();
    const columns = [
      'score',
      'twilioPercentage',
      'mismatch',
      'agentName',
      'assessmentKey',
      'answered',
      'timestampMs',
    ];
    const sort = [{ column: 'score', dir: 'desc' as const }];
    const final = await jobs.wait((await service.start(request({ kind: 'scores', columns, sort })))!.jobId);
    const rows = await viewRows(fx.store, 'scores', {}, sort);
    expect(rows.length).toBe(fx.fixture.data.assessmentGroupCount);
    expect(final).toMatchObject({
      state: 'done',
      label: `Export ${rows.length.toLocaleString('en-US')} assessment scores`,
    });
    const parsed = await readCsv((final.result as ExportResult).files[0]!.path);
    expect(parsed[0]).toEqual(exportColumns('scores', columns).map((c) => c.label));
    expect(parsed.slice(1)).toEqual(expectedCells(rows, columns));
  });
});

const spec = (overrides: Partial<ExportSpec> = {}): ExportSpec => {
  const { profileId: _profileId, ...rest } = request();
  return { ...rest, ...overrides };
};

describe('exportToFile / exportToStream (the command line’s path)', () => {
  it('small windows page through the whole view in order', async () => {
    const sort = [{ column: 'question', dir: 'desc' as const }];
    const columns = ['question', 'sid'];
    const path = target();
    const progress: number[] = [];
    const result = await exportToFile(fx.store, spec({ sort, columns }), path, {
      pageRows: 250,
      onProgress: (p) => progress.push(p.rows),
    });
    const rows = await viewRows(fx.store, 'assessments', {}, sort);
    expect(result.rows).toBe(rows.length);
    expect((await readCsv(path)).slice(1)).toEqual(expectedCells(rows, columns));
    expect(progress.at(-1)).toBe(rows.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('streams to a writable with the same bytes as the file', async () => {
    const filters: QueryFilters = { text: 'refund*' };
    const columns = ['timestamp', 'agentName', 'text'];
    const stream = new PassThrough();
    const received: Buffer[] = [];
    stream.on('data', (b: Buffer) => received.push(b));
    const streamed = await exportToStream(fx.store, spec({ kind: 'comments', filters, columns }), stream);
    const path = target();
    const filed = await exportToFile(fx.store, spec({ kind: 'comments', filters, columns }), path);
    expect(Buffer.concat(received)).toEqual(await readFile(path));
    expect(streamed).toEqual({ rows: filed.rows, bytes: filed.bytes });
    const rows = await viewRows(fx.store, 'comments', filters, []);
    expect(rows.length).toBe(filed.rows);
  });

  it('an empty view is a file with the header alone', async () => {
    const path = target();
    const result = await exportToFile(fx.store, spec({ filters: { segmentIds: ['no-such-segment'] } }), path);
    expect(result).toMatchObject({ rows: 0, files: [{ path, rows: 0 }] });
    expect(await readCsv(path)).toEqual([exportColumns('assessments').map((c) => c.label)]);
  });

  it('stops at once when the signal is already aborted, leaving nothing', async () => {
    const path = target('never.csv');
    const error = await errorOf(exportToFile(fx.store, spec(), path, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('cancelled');
    expect(await readdir(out)).not.toContain('never.csv');
    await rm(path, { force: true });
  });
});

describe('export.reveal', () => {
  it('shows a finished export’s file; refuses unknown jobs, other jobs, exports without a file and moved files', async () => {
    const { service, jobs, shown } = setup();
    const done = await jobs.wait((await service.start(request({ columns: ['sid'] })))!.jobId);
    await service.reveal({ jobId: done.jobId });
    expect(shown).toEqual([(done.result as ExportResult).files[0]!.path]);

    expect((await errorOf(service.reveal({ jobId: crypto.randomUUID() }))).code).toBe('job_not_found');
    const sync = jobs.start({
      kind: 'sync',
      profileId: PROFILE,
      label: 'Sync 1 segment',
      run: async () => ({
        kind: 'sync',
        segments: 1,
        segmentsSynced: 1,
        assessments: 0,
        comments: 0,
        removed: 0,
        skippedNoSid: 0,
        failures: [],
        rateLimited: 0,
      }),
    });
    await jobs.wait(sync.jobId);
    expect(await errorOf(service.reveal({ jobId: sync.jobId }))).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/not an export/),
    });
    const cancelled = await service.start(request());
    jobs.cancel(cancelled!.jobId);
    await jobs.wait(cancelled!.jobId);
    expect(await errorOf(service.reveal({ jobId: cancelled!.jobId }))).toMatchObject({
      message: expect.stringMatching(/did not write a file/),
    });
    await rm((done.result as ExportResult).files[0]!.path);
    expect((await errorOf(service.reveal({ jobId: done.jobId }))).code).toBe('export_target_invalid');
    expect(shown).toHaveLength(1);
  });
});

describe('export.copyRows', () => {
  it('copies the rows named by key, in the order given, as TSV with the guard; unknown keys are left out', async () => {
    const { service, copied } = setup();
    const comments = await viewRows(fx.store, 'comments', {}, []);
    // The tricky texts (first comments) and some from the end, out of order, one key unknown and one repeated.
    const picked = [
      comments.at(-1)!,
      comments[0]!,
      comments[6]!,
      comments[3]!,
      comments[Math.floor(comments.length / 2)]!,
    ];
    const keys = [...picked.map((r) => r.sid), 'FM-not-a-stored-comment', picked[1]!.sid];
    const columns = ['text', 'timestamp', 'sid'];
    const answer = await service.copyRows({
      profileId: PROFILE,
      kind: 'comments',
      keys,
      columns,
      header: true,
    });
    expect(answer).toEqual({ profileId: PROFILE, rows: picked.length });
    expect(copied).toHaveLength(1);
    const text = copied[0]!;
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(text, { bom: false, delimiter: '\t' });
    expect(parsed).toEqual([
      exportColumns('comments', columns).map((c) => c.label),
      ...picked.map((row) => columns.map((id) => expectedText(row, id))),
    ]);
    expect(parsed[2]![0]).toBe(`'=HYPERLINK("https://example.com","click")`);
  });

  it('copies assessment records without a header', async () => {
    const { service, copied } = setup();
    const rows = (await viewRows(fx.store, 'assessments', {}, [])).slice(1500, 1503);
    await service.copyRows({
      profileId: PROFILE,
      kind: 'assessments',
      keys: rows.map((r) => r.sid),
      columns: ['agentName', 'answer'],
      header: false,
    });
    expect(parseCsv(copied[0]!, { bom: false, delimiter: '\t' })).toEqual(
      rows.map((row) => ['agentName', 'answer'].map((id) => expectedText(row, id))),
    );
  });

  it('says so when none of the rows is stored, or there is no clipboard', async () => {
    const { service, copied } = setup();
    const request = {
      profileId: PROFILE,
      kind: 'comments' as const,
      keys: ['FM-gone'],
      columns: ['text'],
      header: true,
    };
    expect((await errorOf(service.copyRows(request))).code).toBe('not_found');
    expect(copied).toEqual([]);
    const none = setup({ deps: { clipboard: undefined } });
    expect((await errorOf(none.service.copyRows(request))).code).toBe('invalid_request');
    expect((await errorOf(service.copyRows({ ...request, columns: ['nope'] }))).message).toMatch(
      /Unknown comments column: nope/,
    );
  });
});
