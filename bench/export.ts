// Export benchmark: 1M assessment rows from a store file to a CSV file, the app's export path
// (store windows -> our encoder -> file sink) against the floor (the same windows read and
// discarded) and against csv-stringify writing the same rows to the same disk.
//
// The store file: the query benchmark's cached one (bench/query.ts keeps
// $TMPDIR/qm-bench-query/store-8-1000000-300000.sqlite: 1M assessments and 300k comments built
// from the demo generator through the store's writer) when it is there, else one built here the
// same way with the assessments alone ($TMPDIR/qm-bench-export/, kept for the next run). `--store
// <file>` names another (its Account SID is read from the file). `--source=synthetic` runs the
// older in-process source instead (tests/main/export/synthetic-rows.ts, `--rows=N`).
//
// Every side reads the rows the same way: the Store facade (reader worker, postMessage), the
// whole table in arrival order, in windows of PAGE_ROWS, the next window asked for while the
// current one is handled (rows.ts openView). Then:
// - ours: exportToFile (encodeCsv -> writeChunksToFile: temp file, fsync, rename), all columns;
// - iterate: nothing; the pages are dropped (iterate_only_rows_per_s: the floor);
// - csv-stringify: the same cells (cellsOf, one record at a time) -> Readable.from ->
//   csv-stringify with our rules (BOM, header, CRLF, RFC 4180 quoting with lone CR/LF, the formula
//   guard through `cast.string`, booleans as true/false) -> fs.createWriteStream({ flush: true })
//   through stream.pipeline. Each run checks that its file and ours are byte-identical.
//
// Every measured run is its own child process (peak RSS figures do not mix), the sides are
// interleaved RUNS times, times are medians, ratios the medians of per-run ratios.
// - seconds / rows_per_s: first window asked for -> file fsynced and renamed into place;
// - peak_rss_growth_mb: process.resourceUsage().maxRSS at the end minus RSS just before the run
//   (after the store opened), of our side; iterate_only_peak_rss_growth_mb the same for the floor,
//   which is the store's share (its worker's page cache and memory-mapped file pages count in RSS);
//   peak_anon_rss_growth_mb: RssAnon of /proc/self/status sampled every 20 ms (Linux), the same
//   growth without file-backed pages (the store's mmap of the file), i.e. memory the process holds;
// - max_event_loop_delay_ms: perf_hooks.monitorEventLoopDelay (10 ms resolution) over our run,
//   the median of the runs' maxima; idle_process_…: the same histogram in this parent, idle
//   meanwhile: what contention on the (shared) machine adds by itself.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify';
import type { AssessmentRow } from '../src-preload/contract.ts';
import { createDataset } from '../src-main/demo/dataset.ts';
import { cellsOf, csvLayout, exportColumns, allColumnIds } from '../src-main/export/columns.ts';
import { encodeCsv, needsFormulaGuard } from '../src-main/export/csv.ts';
import { writeChunksToFile } from '../src-main/export/file-sink.ts';
import { openView, PAGE_ROWS } from '../src-main/export/rows.ts';
import { exportToFile, type ExportSpec } from '../src-main/export/run.ts';
import { storeAccountSid } from '../src-main/export/store-file.ts';
import { AssessmentSchema, parseRecord } from '../src-main/flex/schemas.ts';
import { openDatabase } from '../src-main/store/database.ts';
import { openStore, type Store } from '../src-main/store/index.ts';
import { createWriter } from '../src-main/store/writer.ts';
import { syntheticPages } from '../tests/main/export/synthetic-rows.ts';

const ROWS = 1_000_000;
const SYNTHETIC_PAGE = 250;
const RUNS = 3;
const CHILD_LIMIT_MS = 900_000;
const RUN_TS = fileURLToPath(new URL('./run.ts', import.meta.url));
const QUERY_BENCH_STORE = join(tmpdir(), 'qm-bench-query', 'store-8-1000000-300000.sqlite');
const OWN_STORE_DIR = join(tmpdir(), 'qm-bench-export');
const OWN_ACCOUNT_SID = 'AC' + '6e'.repeat(16);

type Side = 'ours' | 'iterate' | 'csv-stringify';
type SourceSpec = { kind: 'synthetic'; rows: number } | { kind: 'store'; file: string; accountSid: string };
interface Job {
  side: Side;
  dir: string;
  source: SourceSpec;
}
interface Outcome {
  rows: number;
  /** Growth of anonymous RSS (no file-backed pages), sampled; null where /proc is not there. */
  peakAnonRssGrowthMb: number | null;
  seconds: number;
  bytes: number;
  sha256: string | null;
  peakRssGrowthMb: number;
  maxEventLoopDelayMs: number;
  p99EventLoopDelayMs: number;
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--role=measure')) return measureOnce();
  const value = (name: string): string | undefined => {
    const eq = args.find((a) => a.startsWith(`--${name}=`));
    if (eq) return eq.slice(name.length + 3);
    const at = args.indexOf(`--${name}`);
    return at < 0 ? undefined : args[at + 1];
  };
  const rows = Number(value('rows') ?? ROWS);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows takes a positive whole number');
  if (value('source') === 'synthetic') return orchestrate({ kind: 'synthetic', rows });
  const file = value('store') ?? (existsSync(QUERY_BENCH_STORE) ? QUERY_BENCH_STORE : await ownStore(rows));
  return orchestrate({ kind: 'store', file, accountSid: await storeAccountSid(file) });
}

// ---------------------------------------------------------------------------------------------
// The store file (when the query benchmark's is not there)
// ---------------------------------------------------------------------------------------------

/** `rows` assessments from the demo generator, committed through the store's writer in pages of 10k. */
async function ownStore(rows: number): Promise<string> {
  await mkdir(OWN_STORE_DIR, { recursive: true });
  const file = join(OWN_STORE_DIR, `store-8-${rows}.sqlite`);
  const done = `${file}.built`;
  if (existsSync(file) && existsSync(done)) return file;
  for (const suffix of ['', '-wal', '-shm', '.built']) rmSync(file + suffix, { force: true });
  console.log(`store: building ${rows} assessments into ${file}`);
  const started = performance.now();
  const data = createDataset({
    seed: 8,
    accountSid: OWN_ACCOUNT_SID,
    assessments: rows,
    comments: 0,
    origin: 'https://flex-api.twilio.com',
  });
  const db = openDatabase(file, OWN_ACCOUNT_SID, 'writer');
  const writer = createWriter(db);
  const { pass } = writer.openPass('assessments', { all: true });
  const page = 10_000;
  for (let i = 0; i < rows; i += page) {
    const records = [];
    for (let k = i; k < Math.min(rows, i + page); k++) {
      const parsed = parseRecord(AssessmentSchema, data.assessment(k), 'bench');
      if (!parsed.ok) throw new Error(parsed.reason);
      records.push(parsed.value);
    }
    const next = i + page >= rows ? null : `https://flex-api.twilio.com/page/${i + page}`;
    writer.commitPage({ kind: 'assessments', scope: { all: true }, pass, records, next } as never);
  }
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  await writeFile(done, '');
  console.log(`store: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Orchestrator
// ---------------------------------------------------------------------------------------------

function measure(job: Job): Promise<Outcome> {
  const proc: ChildProcess = fork(RUN_TS, ['export', '--role=measure'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${job.side} took longer than ${CHILD_LIMIT_MS / 1000} s`));
    }, CHILD_LIMIT_MS);
    proc.once('message', (answer: { ok: true; outcome: Outcome } | { ok: false; error: string }) => {
      clearTimeout(timer);
      if (answer.ok) resolve(answer.outcome);
      else reject(new Error(`${job.side} run failed: ${answer.error}`));
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${job.side} exited with code ${code} before answering`));
    });
    proc.send(job);
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
const maxOf = (values: Array<number | null>): number | null =>
  values.some((v) => v === null) ? null : round(Math.max(...(values as number[])), 1);

async function orchestrate(source: SourceSpec): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'qm-bench-export-'));
  const store = source.kind === 'store';
  const sides: Side[] = store ? ['iterate', 'ours', 'csv-stringify'] : ['ours', 'csv-stringify'];
  try {
    console.log(
      store
        ? `export: the assessments of ${source.file}, windows of ${PAGE_ROWS}, ${RUNS} runs, files in ${dir}`
        : `export: ${source.rows} synthetic assessment rows in pages of ${SYNTHETIC_PAGE}, ${RUNS} runs, files in ${dir}`,
    );
    const outcomes: Record<Side, Outcome[]> = { ours: [], iterate: [], 'csv-stringify': [] };
    const idle: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const results: Partial<Record<Side, Outcome>> = {};
      for (const side of sides) {
        // This process idles while our side runs: its own loop delay is what the machine's
        // scheduling alone costs (the machine is shared), to read the child's figure against.
        const idleLoop = monitorEventLoopDelay({ resolution: 10 });
        if (side === 'ours') idleLoop.enable();
        results[side] = await measure({ side, dir, source });
        if (side === 'ours') {
          idleLoop.disable();
          idle.push(idleLoop.max / 1e6);
        }
      }
      const mine = results.ours!;
      const other = results['csv-stringify']!;
      for (const o of Object.values(results)) {
        if (o.rows !== mine.rows)
          throw new Error(`the sides read different row counts (${o.rows}, ${mine.rows})`);
      }
      if (mine.sha256 !== other.sha256 || mine.bytes !== other.bytes) {
        throw new Error('our file and csv-stringify’s differ: the comparison would not be like for like');
      }
      for (const side of sides) outcomes[side].push(results[side]!);
      const floor = results.iterate ? `iterate ${results.iterate.seconds.toFixed(3)} s, ` : '';
      console.log(
        `run ${run + 1}: ${floor}ours ${mine.seconds.toFixed(3)} s (+${mine.peakRssGrowthMb.toFixed(0)} MB RSS, ` +
          `+${mine.peakAnonRssGrowthMb?.toFixed(0) ?? '?'} MB anonymous, ` +
          `loop delay ≤ ${mine.maxEventLoopDelayMs.toFixed(1)} ms, idle process ≤ ${idle.at(-1)?.toFixed(1)} ms), ` +
          `csv-stringify ${other.seconds.toFixed(3)} s (+${other.peakRssGrowthMb.toFixed(0)} MB), ` +
          `${(mine.bytes / 1024 / 1024).toFixed(0)} MB identical`,
      );
    }
    const ours = outcomes.ours;
    const theirs = outcomes['csv-stringify'];
    const floor = outcomes.iterate;
    const rows = ours[0]!.rows;
    const seconds = median(ours.map((o) => o.seconds));
    const theirSeconds = median(theirs.map((o) => o.seconds));
    const ratio = (of: Outcome[]) =>
      round(median(ours.map((o, i) => (of[i]?.seconds ?? Number.NaN) / o.seconds)));
    console.log(
      JSON.stringify({
        bench: 'export',
        source: source.kind,
        ...(store ? { store_file: source.file } : {}),
        rows,
        page_size: store ? PAGE_ROWS : SYNTHETIC_PAGE,
        runs: RUNS,
        bytes: ours[0]?.bytes,
        seconds: round(seconds),
        rows_per_s: Math.round(rows / seconds),
        ...(store
          ? {
              iterate_only_seconds: round(median(floor.map((o) => o.seconds))),
              iterate_only_rows_per_s: Math.round(rows / median(floor.map((o) => o.seconds))),
              ratio_to_iterate: ratio(floor),
            }
          : {}),
        csv_stringify_seconds: round(theirSeconds),
        csv_stringify_rows_per_s: Math.round(rows / theirSeconds),
        ratio_vs_csv_stringify: ratio(theirs),
        peak_rss_growth_mb: round(Math.max(...ours.map((o) => o.peakRssGrowthMb)), 1),
        peak_anon_rss_growth_mb: maxOf(ours.map((o) => o.peakAnonRssGrowthMb)),
        ...(store
          ? {
              iterate_only_peak_rss_growth_mb: round(Math.max(...floor.map((o) => o.peakRssGrowthMb)), 1),
              iterate_only_peak_anon_rss_growth_mb: maxOf(floor.map((o) => o.peakAnonRssGrowthMb)),
            }
          : {}),
        csv_stringify_peak_rss_growth_mb: round(Math.max(...theirs.map((o) => o.peakRssGrowthMb)), 1),
        max_event_loop_delay_ms: round(median(ours.map((o) => o.maxEventLoopDelayMs)), 1),
        p99_event_loop_delay_ms: round(median(ours.map((o) => o.p99EventLoopDelayMs)), 1),
        idle_process_max_event_loop_delay_ms: round(median(idle), 1),
        runs_max_event_loop_delay_ms: ours.map((o) => round(o.maxEventLoopDelayMs, 1)),
        runs_seconds: ours.map((o) => round(o.seconds)),
        ...(store ? { runs_iterate_only_seconds: floor.map((o) => round(o.seconds)) } : {}),
        runs_csv_stringify_seconds: theirs.map((o) => round(o.seconds)),
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Measured child: one run, then exit
// ---------------------------------------------------------------------------------------------

function measureOnce(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('message', (job: Job) => {
      run(job).then(
        (outcome) => process.send?.({ ok: true, outcome }, () => resolve()),
        (error: unknown) => process.send?.({ ok: false, error: String(error) }, () => resolve()),
      );
    });
  }).then(() => process.exit(0));
}

/** RssAnon in MB now, from /proc/self/status; null where there is none. */
function anonRssMb(): number | null {
  try {
    const match = /^RssAnon:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Samples anonymous RSS every 20 ms until stopped; answers the peak growth over the first sample. */
function sampleAnonRss(): { stop(): number | null } {
  const start = anonRssMb();
  let peak = start;
  const timer = setInterval(() => {
    const now = anonRssMb();
    if (now !== null && peak !== null) peak = Math.max(peak, now);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return start === null || peak === null ? null : peak - start;
    },
  };
}

/** Every column, all rows, arrival order: the whole table as a reviewer exports it. */
const SPEC: ExportSpec = {
  kind: 'assessments',
  filters: {},
  columns: [...allColumnIds('assessments')],
  sort: [],
  options: { header: true, bom: true, formulaGuard: true, splitRows: null },
};

/** The pages a side reads: the store's windows (as the export reads them), or synthetic ones. */
async function pagesOf(
  job: Job,
  store: Store | null,
): Promise<AsyncIterable<AssessmentRow[]> | Iterable<AssessmentRow[]>> {
  if (store === null) return syntheticPages((job.source as { rows: number }).rows, SYNTHETIC_PAGE);
  return (await openView(store, SPEC)).pages as AsyncIterable<AssessmentRow[]>;
}

async function run(job: Job): Promise<Outcome> {
  const columns = exportColumns('assessments', SPEC.columns);
  const layout = csvLayout(columns);
  const file = join(job.dir, `${job.side}-${process.pid}.csv`);
  const store =
    job.source.kind === 'store'
      ? await openStore({ file: job.source.file, accountSid: job.source.accountSid })
      : null;
  try {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const baseline = process.memoryUsage().rss;
    const anon = sampleAnonRss();
    loop.enable();
    const started = performance.now();
    let rows = 0;
    if (job.side === 'ours') {
      rows = store
        ? (await exportToFile(store, SPEC, file)).rows
        : (await writeChunksToFile(file, encodeCsv(await pagesOf(job, null), layout))).rows;
    } else if (job.side === 'iterate') {
      for await (const page of await pagesOf(job, store)) rows += page.length;
    } else {
      const pages = await pagesOf(job, store);
      const cells = async function* () {
        for await (const page of pages) {
          for (const row of page) {
            rows++;
            yield cellsOf(columns, row);
          }
        }
      };
      await pipeline(
        Readable.from(cells()),
        stringify({
          bom: true,
          header: true,
          columns: layout.header,
          record_delimiter: '\r\n',
          quote_record_delimiter: true,
          cast: {
            string: (value) => (needsFormulaGuard(value) ? `'${value}` : value),
            boolean: (value) => (value ? 'true' : 'false'),
          },
        }),
        createWriteStream(file, { flush: true }),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    loop.disable();
    const peakRssGrowthMb = (process.resourceUsage().maxRSS * 1024 - baseline) / 1024 / 1024;
    const peakAnonRssGrowthMb = anon.stop();
    let bytes = 0;
    let sha256: string | null = null;
    if (job.side !== 'iterate') {
      bytes = (await stat(file)).size;
      const hash = createHash('sha256');
      await pipeline(createReadStream(file), hash);
      sha256 = hash.digest('hex');
      await rm(file);
    }
    return {
      rows,
      seconds,
      bytes,
      sha256,
      peakRssGrowthMb,
      peakAnonRssGrowthMb,
      maxEventLoopDelayMs: loop.max / 1e6,
      p99EventLoopDelayMs: loop.percentile(99) / 1e6,
    };
  } finally {
    await store?.close();
  }
}
