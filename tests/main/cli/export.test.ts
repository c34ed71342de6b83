/**
 * `export` end to end: `sync` from the simulator over loopback, then `export` of what was stored,
 * in child processes running the real entry (exit codes, stdout, stderr, files), plus in-process
 * runs where the test needs to hold the store still (Ctrl+C mid-file). Every expected row comes
 * from the store itself, read for the same view the command exported.
 */
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { parseDate } from '../../../src-main/cli/export.ts';
import { allColumnIds, exportColumns } from '../../../src-main/export/columns.ts';
import type { Ports } from '../../../src-main/ports.ts';
import { createServices } from '../../../src-main/services.ts';
import { openStore, type Store } from '../../../src-main/store/index.ts';
import type { ExportResult, QueryFilters } from '../../../src-preload/contract.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';
import { parseCsv } from '../export/helpers.ts';
import { expectedText, holdExport, viewRows } from '../export/store-fixture.ts';
import { cliChild, startIn, until } from './helpers.ts';

let sim: Simulator;
let dir: string;
let out: string;
let env: Record<string, string>;
let storeFile: string;
let store: Store;

const connection = () => ['--base-url', sim.url, '--data-dir', dir];

async function findStore(root: string): Promise<string> {
  const files = await readdir(root, { recursive: true });
  const found = files.filter((f) => /store-ac[0-9a-f]{32}\.sqlite$/.test(f));
  expect(found).toHaveLength(1);
  return join(root, found[0]!);
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, assessments: 3000 });
  dir = await mkdtemp(join(tmpdir(), 'qm-cli-export-'));
  out = join(dir, 'out');
  const [account] = sim.accounts;
  env = { TWILIO_ACCOUNT_SID: account!.accountSid, TWILIO_AUTH_TOKEN: account!.authToken };
  const sync = await cliChild(['sync', '--all', ...connection()], env);
  expect(sync.stderr).not.toMatch(/Error/);
  expect(sync.code).toBe(0);
  storeFile = await findStore(join(dir, 'accounts'));
  store = await openStore({ file: storeFile, accountSid: account!.accountSid });
  expect((await store.overview()).assessments).toBe(sim.data.countAssessments());
}, 120_000);
afterAll(async () => {
  await store?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sync then export, in child processes', () => {
  it('exports a filtered, sorted view with chosen columns that parses back to the store’s rows', async () => {
    // Rows arrive in date order: two agents and three segments from the middle of the year, and
    // the middle half of the year's days.
    const rows = await viewRows(store, 'assessments', {}, []);
    const [a, b, c] = [rows[1200]!, rows[1500]!, rows[1300]!];
    const day = (i: number) => new Date(rows[i]!.timestamp!).toISOString().slice(0, 10);
    const [since, until] = [day(750), day(2250)];
    const columns = ['timestamp', 'agentName', 'question', 'answer', 'answerScore', 'timestampMs', 'sid'];
    const file = join(dir, 'view.csv');
    const run = await cliChild(
      [
        'export',
        '--kind',
        'assessments',
        '--out',
        file,
        '--agent',
        a.agentId!,
        '--agent',
        b.agentId!,
        '--segment',
        a.segmentId!,
        '--segment',
        b.segmentId!,
        '--segment',
        c.segmentId!,
        '--since',
        since,
        '--until',
        until,
        '--columns',
        columns.join(','),
        '--sort',
        'question:desc',
        '--sort',
        'timestamp',
        ...connection(),
      ],
      env,
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);

    const filters: QueryFilters = {
      agentIds: [a.agentId!, b.agentId!],
      segmentIds: [a.segmentId!, b.segmentId!, c.segmentId!],
      since: Date.parse(`${since}T00:00:00Z`),
      until: Date.parse(`${until}T23:59:59.999Z`),
    };
    const sort = [
      { column: 'question', dir: 'desc' as const },
      { column: 'timestamp', dir: 'asc' as const },
    ];
    const expected = await viewRows(store, 'assessments', filters, sort);
    expect(expected.length).toBeGreaterThan(0);
    expect(run.stdout).toBe(
      `Exported ${expected.length.toLocaleString('en-US')} assessment record${expected.length === 1 ? '' : 's'} to ${file} ` +
        `(${((await readFile(file)).length / 1024).toFixed(1)} KB) in ${/\d+s/.exec(run.stdout)?.[0]}.\n`,
    );
    const parsed = parseCsv(await readFile(file));
    expect(parsed[0]).toEqual(exportColumns('assessments', columns).map((c) => c.label));
    expect(parsed.slice(1)).toEqual(expected.map((row) => columns.map((id) => expectedText(row, id))));
    // Plain progress lines on stderr (not a TTY), ending with how it ended.
    expect(run.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Export \S+ assessment records? — done: Saved/);
  });

  it('--out - writes the CSV to stdout (progress on stderr only); --json describes a file export', async () => {
    const columns = ['sid', 'text', 'tag', 'timestamp'];
    const streamed = await cliChild(
      ['export', '--kind', 'comments', '--out', '-', '--columns', columns.join(','), ...connection()],
      env,
    );
    expect(streamed.code).toBe(0);
    const comments = await viewRows(store, 'comments', {}, []);
    expect(comments.length).toBe(sim.data.countComments());
    expect(streamed.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(streamed.stdout)).toEqual([
      exportColumns('comments', columns).map((c) => c.label),
      ...comments.map((row) => columns.map((id) => expectedText(row, id))),
    ]);
    expect(streamed.stderr).toMatch(/Exported [\d,]+ comments to standard output/);

    const file = join(dir, 'comments.csv');
    const json = await cliChild(
      [
        'export',
        '--kind',
        'comments',
        '--out',
        file,
        '--columns',
        columns.join(','),
        '--json',
        ...connection(),
      ],
      env,
    );
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as ExportResult;
    const bytes = await readFile(file);
    expect(result).toEqual({
      kind: 'export',
      rows: comments.length,
      bytes: bytes.length,
      files: [{ path: file, rows: comments.length, bytes: bytes.length }],
    });
    // The same bytes whether to a file or to stdout.
    expect(bytes.toString('utf8')).toBe(streamed.stdout);
  });

  it('--db reads the store file directly, with the same result; --split-rows writes parts that add up', async () => {
    const viaProfile = join(dir, 'all.csv');
    const viaDb = join(dir, 'db.csv');
    const a = await cliChild(['export', '--kind', 'assessments', '--out', viaProfile, ...connection()], env);
    const b = await cliChild(['export', '--kind', 'assessments', '--out', viaDb, '--db', storeFile], {});
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(await readFile(viaDb)).toEqual(await readFile(viaProfile));

    const split = join(dir, 'parts.csv');
    const run = await cliChild(
      [
        'export',
        '--kind',
        'assessments',
        '--out',
        split,
        '--split-rows',
        '1000',
        '--no-header',
        '--no-bom',
        '--json',
      ],
      { ...env, QM_DATA_DIR: dir, QM_BASE_URL: sim.url },
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ExportResult;
    const total = sim.data.countAssessments();
    expect(result.files.map((f) => f.rows)).toEqual([1000, 1000, total - 2000]);
    const parts = await Promise.all(
      result.files.map(async (f) => parseCsv(await readFile(f.path), { bom: false })),
    );
    const whole = parseCsv(await readFile(viaProfile)).slice(1);
    expect(parts.flat()).toEqual(whole);
  });

  it('--view takes a saved view’s filters; the other filter options narrow further', async () => {
    const rows = await viewRows(store, 'assessments', {}, []);
    const team = rows[50]!.team!;
    await store.saveView('Team one', { teams: [team] });
    const file = join(dir, 'view-saved.csv');
    const since = new Date(rows[1500]!.timestamp!).toISOString().slice(0, 10);
    const run = await cliChild(
      [
        'export',
        '--kind',
        'assessments',
        '--out',
        file,
        '--view',
        'team ONE',
        '--since',
        since,
        '--columns',
        'sid,team',
        ...connection(),
      ],
      env,
    );
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const expected = await viewRows(
      store,
      'assessments',
      { teams: [team], since: Date.parse(`${since}T00:00:00Z`) },
      [],
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(parseCsv(await readFile(file)).slice(1)).toEqual(expected.map((r) => [r.sid, r.team]));

    const unknown = await cliChild(
      ['export', '--kind', 'assessments', '--out', file, '--view', 'Nope', ...connection()],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /There is no saved view called “Nope”\. The saved views are: “Team one”\./,
    );
  });

  it('bad flags exit 2 with the reason, before anything is opened or written', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--kind', 'nope', '--out', 'x.csv'],
        /argument 'nope' is invalid\. Allowed choices are assessments, comments, scores/,
      ],
      [['--kind', 'assessments'], /required option '--out <file or ->' not specified/],
      [['--out', 'x.csv'], /required option '--kind <kind>' not specified/],
      [['--kind', 'assessments', '--out', 'x.csv', '--since', '2025-02-30'], /--since <date>.*ISO 8601 date/],
      [
        ['--kind', 'assessments', '--out', 'x.csv', '--columns', 'sid,bogus'],
        /--columns: Unknown assessments column: bogus/,
      ],
      [
        ['--kind', 'comments', '--out', 'x.csv', '--sort', 'answer:desc'],
        /--sort: Cannot sort comments by answer/,
      ],
      [['--kind', 'assessments', '--out', 'x.csv', '--split-rows', '0'], /rows per file, 1–1048576/],
      [['--kind', 'assessments', '--out', '-', '--split-rows', '5'], /cannot go with --out -/],
      [['--kind', 'assessments', '--out', '-', '--json'], /--out - uses for the CSV/],
      [
        ['--kind', 'assessments', '--out', 'x.csv', '--since', '2024-05-01', '--until', '2024-04-01'],
        /--since is after --until/,
      ],
      [
        ['--kind', 'assessments', '--out', 'x.csv', '--db', storeFile, '--profile', 'x'],
        /--db reads a store file directly/,
      ],
      [['--kind', 'assessments', '--out', 'x.csv', '--segment', 'has space'], /A segment ID is letters/],
      [['--kind', 'comments', '--out', 'x.csv', '--text', 'word '.repeat(120)], /--text: .*500 characters/],
    ];
    for (const [args, message] of cases) {
      const run = await cliChild(['export', ...args, '--data-dir', join(dir, 'untouched')], env);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('Run `npm run cli -- export --help` for usage.');
      expect(run.stdout).toBe('');
    }
    await expect(readdir(join(dir, 'untouched'))).rejects.toThrow();
    await expect(readFile(join(process.cwd(), 'x.csv'))).rejects.toThrow();
  });

  it('bad credentials fail the sync (exit 1) but the stored rows still export: export needs no network', async () => {
    const bad = { ...env, TWILIO_AUTH_TOKEN: 'not-the-token' };
    const sync = await cliChild(['sync', '--all', ...connection()], bad);
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/TWILIO_AUTH_TOKEN/);
    const file = join(dir, 'offline.csv');
    const run = await cliChild(
      ['export', '--kind', 'assessments', '--out', file, '--columns', 'sid', ...connection()],
      bad,
    );
    expect(run.code).toBe(0);
    expect(parseCsv(await readFile(file)).length - 1).toBe(sim.data.countAssessments());
  });

  it('failures exit 1 with what to do: no account, no store file, a folder as target, a missing folder', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'qm-cli-export-empty-'));
    try {
      const none = await cliChild(
        ['export', '--kind', 'comments', '--out', join(empty, 'c.csv'), '--data-dir', empty],
        {},
      );
      expect(none.code).toBe(1);
      expect(none.stderr).toMatch(/^Error: No account to use\./m);

      const noDb = await cliChild(
        ['export', '--kind', 'comments', '--out', join(empty, 'c.csv'), '--db', join(empty, 'nope.sqlite')],
        {},
      );
      expect(noDb.code).toBe(1);
      expect(noDb.stderr).toMatch(/There is no store file at .*nope\.sqlite/);
      const notStore = join(empty, 'not-a-store.sqlite');
      await writeFile(notStore, 'hello');
      const foreign = await cliChild(
        ['export', '--kind', 'comments', '--out', join(empty, 'c.csv'), '--db', notStore, '--json'],
        {},
      );
      expect(foreign.code).toBe(1);
      expect(JSON.parse(foreign.stdout)).toMatchObject({ error: { code: 'store_corrupt' } });

      const folder = await cliChild(['export', '--kind', 'comments', '--out', empty, ...connection()], env);
      expect(folder.code).toBe(1);
      expect(folder.stderr).toMatch(/is a folder\. Choose a file name/);
      const missing = await cliChild(
        ['export', '--kind', 'comments', '--out', join(empty, 'no/such/dir/c.csv'), ...connection()],
        env,
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/does not exist\. Choose another folder/);
      expect(await readdir(empty)).toEqual(['not-a-store.sqlite']);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('export in-process', () => {
  it('Ctrl+C mid-file exits 130, deletes the partial file and keeps the file already there', async () => {
    await mkdir(out, { recursive: true });
    const target = join(out, 'nightly.csv');
    await writeFile(target, 'yesterday\r\n');
    let held: ReturnType<typeof holdExport> | null = null;
    // The real services, with the account's export held before its fifth page (of six): four
    // pages are encoded by then, more than one chunk is in the temp file.
    const services = async (ports: Ports) => {
      const real = await createServices(ports);
      const open = real.workspaces.open.bind(real.workspaces);
      const workspaces = {
        ...real.workspaces,
        open: async (profileId: string) => {
          const workspace = await open(profileId);
          held ??= holdExport(workspace.store, 5);
          return { ...workspace, store: held.store };
        },
      };
      return { ...real, workspaces };
    };
    let interrupt: (() => void) | null = null;
    const run = startIn(['export', '--kind', 'assessments', '--out', target, ...connection()], {
      env,
      secrets: createMemorySecrets(),
      services,
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => (interrupt = null);
      },
    });
    await until(() => held !== null, 20_000, 'the store');
    await held!.reached;
    await until(() => readdirSync(out).some((f) => f.startsWith('.nightly.csv.')), 20_000, 'the temp file');
    expect(interrupt).not.toBeNull();
    interrupt!();
    held!.release();
    const done = await run.done;
    expect(done.code).toBe(130);
    expect(done.stderr).toMatch(/Cancelling: removing the partial file/);
    expect(done.stderr).toMatch(
      /The export was cancelled\. No file was written; a file already at that place was kept\./,
    );
    expect(await readdir(out)).toEqual(['nightly.csv']);
    expect(await readFile(target, 'utf8')).toBe('yesterday\r\n');
  });

  it('parses dates as UTC days and date-times, refusing impossible days', () => {
    expect(parseDate('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseDate('2024-03-01', true)).toBe(Date.UTC(2024, 2, 2) - 1);
    expect(parseDate('2024-02-29T09:30')).toBe(Date.UTC(2024, 1, 29, 9, 30));
    expect(parseDate('2024-02-29T09:30:15.250+02:00')).toBe(Date.UTC(2024, 1, 29, 7, 30, 15, 250));
    for (const bad of [
      '2023-02-29',
      '2024-13-01',
      '2024-3-1',
      'yesterday',
      '2024-01-01T25:00Z',
      '1700000000000',
    ]) {
      expect(() => parseDate(bad), bad).toThrow(/ISO 8601/);
    }
  });

  it('every column id is accepted by --columns', async () => {
    for (const kind of ['assessments', 'comments'] as const) {
      const file = join(dir, `${kind}-every.csv`);
      const run = await startIn(
        ['export', '--kind', kind, '--out', file, '--columns', allColumnIds(kind).join(','), ...connection()],
        { env, secrets: createMemorySecrets() },
      ).done;
      expect(run.code).toBe(0);
      expect(parseCsv(await readFile(file))[0]).toEqual(exportColumns(kind).map((c) => c.label));
    }
  });
});
