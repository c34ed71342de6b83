/**
 * `export`: the account's stored assessments, comments or scores as CSV, to a file (temp file,
 * fsync, rename: a reader never sees half a file) or to stdout with `--out -`. Reads the local
 * store only, so it needs no credentials and no network: `sync` first, then `export`, is the
 * nightly job. Progress goes to stderr; stdout gets the summary (or, with --json, exactly one JSON
 * document), unless the CSV itself goes there. Ctrl+C stops the export: the partial file is
 * deleted and a file already at the target is kept.
 */
import { Writable } from 'node:stream';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { z } from 'zod';
import { addConnectionOptions, selectProfile, type ConnectionOptions } from './connection.ts';
import { action, type Cli, type CliOutput, type CliServices, type CommandGroup } from './context.ts';
import { EXIT_OK, UsageError } from './exit-codes.ts';
import { createProgress, formatDuration, type Progress } from './progress.ts';
import { AppError, toErrorBody } from '../errors.ts';
import { allColumnIds, VIEW_COLUMNS } from '../export/columns.ts';
import { excelRowsPerPart } from '../export/csv.ts';
import { exportLabel, rowsText } from '../export/names.ts';
import {
  checkSpec,
  exportToFile,
  exportToStream,
  type ExportProgress,
  type ExportSpec,
} from '../export/run.ts';
import { storeAccountSid } from '../export/store-file.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import type { Workspaces } from '../workspaces/types.ts';
import {
  AgentIdSchema,
  EXCEL_MAX_ROWS,
  ExportKindSchema,
  QueryFiltersSchema,
  SegmentIdSchema,
  type ExportKind,
  type ExportResult,
  type JobSnapshot,
} from '../../src-preload/contract.ts';

interface ExportFlags extends ConnectionOptions {
  kind: ExportKind;
  out: string;
  segment?: string[];
  agent?: string[];
  since?: number;
  until?: number;
  text?: string;
  view?: string;
  columns?: string[];
  sort?: Array<{ column: string; dir: 'asc' | 'desc' }>;
  bom: boolean;
  formulaGuard: boolean;
  header: boolean;
  splitRows?: number;
  json?: boolean;
  db?: string;
}

/** The services this command uses beside the accounts: the workspaces, to open the account's store. */
type ExportServices = CliServices & { workspaces?: Pick<Workspaces, 'open'> };

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A real calendar day (Date.UTC would roll 2025-02-30 over into March). */
function isCalendarDay(text: string): boolean {
  const day = DATE.exec(text);
  if (!day) return false;
  const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
  return new Date(ms).toISOString().slice(0, 10) === text;
}

/**
 * An ISO 8601 date or date-time as epoch ms. A bare date is a UTC day: its first millisecond, or
 * with `endOfDay` (--until) its last. A date-time without an offset is read as UTC too, so a
 * nightly job exports the same rows wherever it runs.
 */
export function parseDate(value: string, endOfDay = false): number {
  const text = value.trim();
  const calendar = isCalendarDay(text.slice(0, 10));
  let ms = Number.NaN;
  if (calendar && text.length === 10) ms = Date.parse(`${text}T00:00:00Z`) + (endOfDay ? DAY_MS - 1 : 0);
  else if (calendar && DATE_TIME.test(text))
    ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'Expected an ISO 8601 date (2025-03-14) or date-time (2025-03-14T09:30:00Z).',
    );
  }
  return ms;
}

function ids(schema: z.ZodType<string>) {
  return (value: string, previous: string[] = []): string[] => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]?.message ?? 'Not an ID.');
    return previous.includes(parsed.data) ? previous : [...previous, parsed.data];
  };
}

function columnList(value: string): string[] {
  const list = value
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (list.length === 0)
    throw new InvalidArgumentError('Name at least one column, e.g. sid,agentName,answer.');
  return list;
}

function sortKey(
  value: string,
  previous: Array<{ column: string; dir: 'asc' | 'desc' }> = [],
): Array<{ column: string; dir: 'asc' | 'desc' }> {
  const match = /^([A-Za-z]+)(?::(asc|desc))?$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError('Expected a column, optionally with :asc or :desc (timestamp:desc).');
  if (previous.length >= 3) throw new InvalidArgumentError('At most three sort keys.');
  return [...previous, { column: match[1]!, dir: (match[2] as 'asc' | 'desc' | undefined) ?? 'asc' }];
}

function splitRows(value: string): number {
  const text = value.trim();
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > EXCEL_MAX_ROWS) {
    throw new InvalidArgumentError(`Expected a whole number of rows per file, 1–${EXCEL_MAX_ROWS}.`);
  }
  return n;
}

/** `  kind: a, b, c,` wrapped under itself at 100 columns. */
function wrapList(head: string, items: readonly string[]): string {
  const indent = ' '.repeat(16);
  const lines: string[] = [];
  let line = head.padEnd(indent.length);
  for (const [i, item] of items.entries()) {
    const word = i < items.length - 1 ? `${item}, ` : item;
    if (line.length + word.length > 100 && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += word;
  }
  return [...lines, line].join('\n');
}

export const exportGroup: CommandGroup = {
  synopsis: `  export --kind assessments|comments|scores --out <file.csv or -> [--segment <id>]… [--agent <id>]…
       [--since <date>] [--until <date>] [--text <query>] [--view <saved view>] [--columns a,b,c]
       [--sort col[:desc]]… [--no-bom] [--no-formula-guard] [--no-header] [--split-rows N] [--db <file>]
       [--json]
                                         write the stored rows as CSV (Excel-safe)`,
  register: registerExport,
};

function registerExport(program: Command, cli: Cli): void {
  const command = program
    .command('export')
    .summary('write the stored rows as CSV (Excel-safe)')
    .description(
      "Write the account's stored assessment records, comments or assessment scores as CSV: RFC 4180, " +
        'UTF-8 with a byte order mark for Excel, and cells a spreadsheet would run as a formula made ' +
        'safe. Reads the local store only (run `sync` first); no credentials or network needed.',
    )
    .addOption(
      new Option(
        '--kind <kind>',
        'what to export: assessments (one row per answered question), comments, scores (one row per assessment)',
      )
        .choices(ExportKindSchema.options)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--out <file or ->',
        'the CSV file to write (replaced only once complete), or - for standard output',
      ).makeOptionMandatory(),
    )
    .option('--segment <id>', 'only these segments (repeatable)', ids(SegmentIdSchema))
    .option('--agent <id>', 'only these agents (repeatable)', ids(AgentIdSchema))
    .option(
      '--since <date>',
      'records from this date or date-time on (ISO 8601; a bare date is a UTC day)',
      (v) => parseDate(v),
    )
    .option('--until <date>', 'records up to this date (its whole UTC day) or date-time, inclusive', (v) =>
      parseDate(v, true),
    )
    .option(
      '--text <query>',
      'comment text search (words ANDed, a trailing * matches a prefix); assessments: of segments with such a comment',
    )
    .option(
      '--view <name>',
      'a saved view of the account: its filters (the other filter options narrow further)',
    )
    .option('--columns <a,b,c>', 'the columns, in file order (default: all; see the list below)', columnList)
    .option(
      '--sort <column[:asc|desc]>',
      'sort by a column (repeatable, up to 3; default: the order rows were stored)',
      sortKey,
    )
    .option(
      '--no-bom',
      'no UTF-8 byte order mark (Excel needs it to read UTF-8; most other tools do not care)',
    )
    .option(
      '--no-formula-guard',
      "keep cells starting with = + - @ as they are (default: a leading ' so a spreadsheet shows them as text)",
    )
    .option('--no-header', 'no header row')
    .option(
      '--split-rows <n>',
      `at most n data rows per file: more go to name-1.csv, name-2.csv … (Excel opens ${EXCEL_MAX_ROWS.toLocaleString('en-US')} rows a sheet)`,
      splitRows,
    )
    .option('--db <file>', 'read this store file directly (store-AC….sqlite) instead of an account\u2019s')
    .option('--json', 'print the result as one JSON document on stdout (progress stays on stderr)');
  addConnectionOptions(command, { account: true })
    .addHelpText(
      'after',
      `
Columns (--columns and --sort name them; timestamp is ISO 8601 UTC, timestampMs the same
instant in epoch milliseconds):
${ExportKindSchema.options.map((kind) => wrapList(`  ${kind}:`, allColumnIds(kind))).join('\n')}

Exit codes: 0 exported; 1 failed (stderr says why; no file was written); 2 bad usage; 130 cancelled
with Ctrl+C (the partial file is deleted, a file already at --out is kept).

Examples:
  npm run cli -- export --kind assessments --out assessments.csv --since 2025-03-01 --until 2025-03-31
  npm run cli -- export --kind comments --out - --text "refund*" --columns timestamp,agentName,text | less
  npm run cli -- export --kind scores --out scores.csv --profile "Support EU" --sort timestamp:desc`,
    )
    .action(action(cli, (flags: ExportFlags) => runExport(cli, flags)));
}

/** The export as the flags describe it; every usage mistake is found here, before anything opens. */
function specOf(flags: ExportFlags): ExportSpec {
  const toStdout = flags.out === '-';
  if (toStdout && flags.splitRows !== undefined)
    throw new UsageError('--split-rows writes numbered files; it cannot go with --out -.');
  if (toStdout && flags.json)
    throw new UsageError('--json prints to standard output, which --out - uses for the CSV.');
  if (flags.db !== undefined && (flags.profile !== undefined || flags.baseUrl !== undefined))
    throw new UsageError('--db reads a store file directly; drop --profile and --base-url.');
  if (flags.since !== undefined && flags.until !== undefined && flags.since > flags.until)
    throw new UsageError('--since is after --until: no record can match.');
  const text = flags.text?.trim();
  const spec: ExportSpec = {
    kind: flags.kind,
    filters: {
      ...(flags.segment ? { segmentIds: flags.segment } : {}),
      ...(flags.agent ? { agentIds: flags.agent } : {}),
      ...(flags.since !== undefined ? { since: flags.since } : {}),
      ...(flags.until !== undefined ? { until: flags.until } : {}),
      ...(text ? { text } : {}),
    },
    columns: flags.columns ?? [...allColumnIds(flags.kind)],
    sort: flags.sort ?? [],
    options: {
      header: flags.header,
      bom: flags.bom,
      formulaGuard: flags.formulaGuard,
      splitRows: flags.splitRows ?? null,
    },
  };
  const filters = QueryFiltersSchema.safeParse(spec.filters);
  if (!filters.success) {
    const issue = filters.error.issues[0]!;
    const flag =
      { segmentIds: '--segment', agentIds: '--agent', text: '--text' }[String(issue.path[0])] ?? 'filters';
    throw new UsageError(`${flag}: ${issue.message}`);
  }
  try {
    checkSpec(spec);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const flag = spec.sort.some((s) => !VIEW_COLUMNS[spec.kind].includes(s.column)) ? '--sort' : '--columns';
    throw new UsageError(`${flag}: ${error.message}`);
  }
  return spec;
}

interface OpenedStore {
  store: Store;
  profileId: string;
  close(): Promise<void>;
}

async function openSource(cli: Cli, flags: ExportFlags): Promise<OpenedStore> {
  if (flags.db !== undefined) {
    const accountSid = await storeAccountSid(flags.db);
    const store = await openStore({ file: flags.db, accountSid });
    return { store, profileId: accountSid, close: () => store.close() };
  }
  const services = (await cli.services(flags)) as ExportServices;
  const profile = await selectProfile(services.accounts, flags);
  if (!services.workspaces)
    throw new AppError('internal', 'This build of QM Desk has no workspaces service.');
  const { store } = await services.workspaces.open(profile.id);
  // The workspace is the services': they close it when the run ends.
  return { store, profileId: profile.id, close: async () => {} };
}

/** A saved view's filters, by name (any case). */
async function savedView(store: Store, name: string): Promise<ExportSpec['filters']> {
  const views = await store.views();
  const wanted = name.trim().toLowerCase();
  const found = views.find((v) => v.name.toLowerCase() === wanted);
  if (found) return found.filters;
  throw new AppError(
    'invalid_request',
    views.length === 0
      ? `There is no saved view called “${name}”: this account has no saved views. Save one in the app's Review filters.`
      : `There is no saved view called “${name}”. The saved views are: ${views.map((v) => `“${v.name}”`).join(', ')}.`,
  );
}

/** The CLI's stdout as a Writable: the real stream as it is (backpressure), anything else wrapped. */
function writableOf(out: CliOutput): Writable {
  if (out instanceof Writable) return out;
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.write(chunk.toString('utf8'));
      done();
    },
  });
}

/** A job-like snapshot, so the export shows on stderr the way a sync does. */
function snapshotOf(shown: Shown, state: JobSnapshot['state'] = 'running'): JobSnapshot {
  const { label, profileId, startedAt, at } = shown;
  const now = Date.now();
  const seconds = (now - startedAt) / 1000;
  const rate = seconds >= 1 && at.rows > 0 ? at.rows / seconds : null;
  const phase = { running: 'Writing rows', done: 'Saved', cancelled: 'Cancelled', failed: 'Failed' }[state];
  return {
    jobId: 'export',
    kind: 'export',
    profileId,
    label,
    state,
    phase,
    done: at.rows,
    total: at.total,
    startedAt,
    ...(rate === null ? {} : { rate: Math.round(rate), etaSeconds: Math.ceil((at.total - at.rows) / rate) }),
    ...(state === 'running' ? {} : { endedAt: now }),
  };
}

const sizeText = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Where the export has got to, for the progress line and the last line. */
interface Shown {
  progress: Progress;
  label: string;
  profileId: string;
  startedAt: number;
  at: ExportProgress;
}

async function runExport(cli: Cli, flags: ExportFlags): Promise<number> {
  const spec = specOf(flags);
  const { io } = cli;
  const controller = new AbortController();
  let shown: Shown | null = null;
  const note = (line: string) => (shown ? shown.progress.note(line) : void io.stderr.write(`${line}\n`));
  const offInterrupt = cli.onInterrupt(() => {
    note('Cancelling: removing the partial file (Ctrl+C again quits at once).');
    controller.abort(new Error('Interrupted with Ctrl+C.'));
  });
  const offLog = cli.routeLog(note);
  const finish = (state: JobSnapshot['state']): void => {
    if (shown) shown.progress.finish(snapshotOf(shown, state));
  };
  // A reader that goes away (`| head`) ends the export as a failure, not a crash.
  const stdout = flags.out === '-' ? writableOf(io.stdout) : null;
  let streamFailure: NodeJS.ErrnoException | null = null;
  const onStreamError = (error: Error) => {
    streamFailure = error;
    controller.abort(error);
  };
  stdout?.on('error', onStreamError);
  let source: OpenedStore | null = null;
  try {
    if (controller.signal.aborted) throw new AppError('cancelled', 'Cancelled before the export started.');
    source = await openSource(cli, flags);
    const { store, profileId } = source;
    if (flags.view !== undefined) spec.filters = { ...(await savedView(store, flags.view)), ...spec.filters };
    const startedAt = Date.now();
    const onProgress = (at: ExportProgress) => {
      shown ??= {
        progress: createProgress(io.stderr),
        label: exportLabel(spec.kind, at.total),
        profileId,
        startedAt,
        at,
      };
      shown.at = at;
      shown.progress.update(snapshotOf(shown));
    };
    const options = { signal: controller.signal, onProgress };
    let result: ExportResult;
    try {
      if (stdout) {
        const written = await exportToStream(store, spec, stdout, options);
        result = { kind: 'export', rows: written.rows, bytes: written.bytes, files: [] };
      } else {
        result = await exportToFile(store, spec, flags.out, options);
      }
    } catch (error) {
      const failure = streamFailure as NodeJS.ErrnoException | null;
      if (failure === null) throw error;
      throw new AppError(
        'export_write_failed',
        `Standard output closed before the export was written (${failure.code ?? failure.message}).`,
        { cause: error },
      );
    }
    finish('done');
    report(cli, spec, result, flags, startedAt);
    return EXIT_OK;
  } catch (error) {
    finish(error instanceof AppError && error.code === 'cancelled' ? 'cancelled' : 'failed');
    if (flags.json && !(error instanceof UsageError))
      io.stdout.write(`${JSON.stringify({ error: toErrorBody(error) }, null, 2)}\n`);
    throw error;
  } finally {
    stdout?.off('error', onStreamError);
    offInterrupt();
    offLog();
    await source?.close();
  }
}

function report(
  cli: Cli,
  spec: ExportSpec,
  result: ExportResult,
  flags: ExportFlags,
  startedAt: number,
): void {
  const { stdout, stderr } = cli.io;
  if (flags.json) stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  const took = formatDuration((Date.now() - startedAt) / 1000);
  const rows = rowsText(spec.kind, result.rows);
  const where =
    result.files.length === 0
      ? 'to standard output'
      : result.files.length === 1
        ? `to ${result.files[0]!.path}`
        : `in ${result.files.length} files: ${result.files.map((f) => `${f.path} (${f.rows.toLocaleString('en-US')})`).join(', ')}`;
  const line = `Exported ${rows} ${where} (${sizeText(result.bytes)}) in ${took}.\n`;
  if (!flags.json) (result.files.length === 0 ? stderr : stdout).write(line);
  const sheet = excelRowsPerPart(spec.options.header);
  if (spec.options.splitRows === null && result.rows > sheet) {
    stderr.write(
      `Note: ${result.rows.toLocaleString('en-US')} rows are more than one Excel sheet holds; ` +
        `--split-rows ${sheet} writes them to numbered files Excel opens whole.\n`,
    );
  }
}
