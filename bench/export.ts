// Export benchmark: 1M assessment rows to a CSV file, our encoder + file sink against csv-stringify.
//
// For now the rows are synthetic and made in-process (the store is being built): the realistic
// rows of tests/main/export/synthetic-rows.ts, in pages of 250 like store pages. The page size
// drives peak RSS, since a page is alive while it is encoded: measured over 1M rows, pages of
// 1000 let V8 grow its young generation to about +140 MB, 500 to +75-80 MB, 250 and 100 to about
// +60 MB. Both sides get the same pages, through
// the same assessment column definitions (so both pay for the cell formatting), and write them
// to a file on the same disk with the same rules: BOM, header, CRLF, RFC 4180 quoting including
// lone CR and LF, and our formula guard (csv-stringify through its `cast.string` hook, since
// its own `escape_formulas` knows no plain-number or phone exception), booleans as true/false.
// Each run checks that both files are byte-identical, so the comparison is like for like.
//
// Every measured run is its own child process (peak RSS figures do not mix), runs are
// interleaved RUNS times, times are medians, the ratio is the median of per-run ratios.
//
// - seconds / rows_per_s: first page asked for -> file fsynced and renamed into place.
// - csv_stringify_rows_per_s: the same pages flattened into rows, Readable.from -> csv-stringify
//   -> fs.createWriteStream({ flush: true }) through stream.pipeline (fsync on close).
// - peak_rss_growth_mb: process.resourceUsage().maxRSS at the end minus RSS just before the run.
// - max_event_loop_delay_ms: perf_hooks.monitorEventLoopDelay (10 ms resolution) over our run,
//   the median of the runs' maxima (p99_… its 99th percentile); idle_process_…: the same
//   histogram in this parent, idle meanwhile, i.e. what CPU contention from elsewhere on the
//   (shared) machine adds by itself. Per-run maxima are listed too.
//
// When the store exists, a `Source` reading a store file joins `syntheticSource`, and an
// iterate-only run (the same query read and discarded) gives iterate_only_rows_per_s and
// ratio_to_iterate; they are left out of the JSON until then.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'csv-stringify';
import type { AssessmentRow } from '../src-preload/contract.ts';
import { cellsOf, csvLayout, exportColumns } from '../src-main/export/columns.ts';
import { encodeCsv, needsFormulaGuard } from '../src-main/export/csv.ts';
import { writeChunksToFile } from '../src-main/export/file-sink.ts';
import { syntheticPages } from '../tests/main/export/synthetic-rows.ts';

const ROWS = 1_000_000;
const PAGE = 250;
const RUNS = 3;
const CHILD_LIMIT_MS = 600_000;
const RUN_TS = fileURLToPath(new URL('./run.ts', import.meta.url));

type Side = 'ours' | 'csv-stringify';
interface Job {
  side: Side;
  dir: string;
  rows: number;
}
interface Outcome {
  rows: number;
  seconds: number;
  bytes: number;
  sha256: string;
  peakRssGrowthMb: number;
  maxEventLoopDelayMs: number;
  p99EventLoopDelayMs: number;
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--role=measure')) return measureOnce();
  // `--rows=N` for a quick look; the figures to compare are the default 1M.
  const rows = Number(args.find((a) => a.startsWith('--rows='))?.slice('--rows='.length) ?? ROWS);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows takes a positive whole number');
  return orchestrate(rows);
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

async function orchestrate(rows: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'qm-bench-export-'));
  try {
    console.log(
      `export: ${rows} synthetic assessment rows in pages of ${PAGE}, ${RUNS} runs, files in ${dir}`,
    );
    const ours: Outcome[] = [];
    const theirs: Outcome[] = [];
    const idle: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // This process idles while the child runs: its own loop delay is what the machine's
      // scheduling alone costs (the machine is shared), to read the child's figure against.
      const idleLoop = monitorEventLoopDelay({ resolution: 10 });
      idleLoop.enable();
      const mine = await measure({ side: 'ours', dir, rows });
      idleLoop.disable();
      idle.push(idleLoop.max / 1e6);
      const other = await measure({ side: 'csv-stringify', dir, rows });
      for (const o of [mine, other]) if (o.rows !== rows) throw new Error(`a run wrote ${o.rows} rows`);
      if (mine.sha256 !== other.sha256 || mine.bytes !== other.bytes) {
        throw new Error('our file and csv-stringify’s differ: the comparison would not be like for like');
      }
      ours.push(mine);
      theirs.push(other);
      console.log(
        `run ${run + 1}: ours ${mine.seconds.toFixed(3)} s (+${mine.peakRssGrowthMb.toFixed(0)} MB RSS, ` +
          `loop delay ≤ ${mine.maxEventLoopDelayMs.toFixed(1)} ms, ` +
          `idle process ≤ ${idle.at(-1)?.toFixed(1)} ms), ` +
          `csv-stringify ${other.seconds.toFixed(3)} s (+${other.peakRssGrowthMb.toFixed(0)} MB), ` +
          `${(mine.bytes / 1024 / 1024).toFixed(0)} MB identical`,
      );
    }
    const seconds = median(ours.map((o) => o.seconds));
    const theirSeconds = median(theirs.map((o) => o.seconds));
    console.log(
      JSON.stringify({
        bench: 'export',
        source: 'synthetic',
        rows,
        page_size: PAGE,
        runs: RUNS,
        bytes: ours[0]?.bytes,
        seconds: round(seconds),
        rows_per_s: Math.round(rows / seconds),
        csv_stringify_seconds: round(theirSeconds),
        csv_stringify_rows_per_s: Math.round(rows / theirSeconds),
        ratio_vs_csv_stringify: round(
          median(ours.map((o, i) => (theirs[i]?.seconds ?? Number.NaN) / o.seconds)),
        ),
        peak_rss_growth_mb: round(Math.max(...ours.map((o) => o.peakRssGrowthMb)), 1),
        csv_stringify_peak_rss_growth_mb: round(Math.max(...theirs.map((o) => o.peakRssGrowthMb)), 1),
        max_event_loop_delay_ms: round(median(ours.map((o) => o.maxEventLoopDelayMs)), 1),
        p99_event_loop_delay_ms: round(median(ours.map((o) => o.p99EventLoopDelayMs)), 1),
        idle_process_max_event_loop_delay_ms: round(median(idle), 1),
        runs_max_event_loop_delay_ms: ours.map((o) => round(o.maxEventLoopDelayMs, 1)),
        runs_idle_process_max_event_loop_delay_ms: idle.map((d) => round(d, 1)),
        runs_seconds: ours.map((o) => round(o.seconds)),
        runs_csv_stringify_seconds: theirs.map((o) => round(o.seconds)),
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

/** Pages of store rows. A store-backed source will be asynchronous (pages from the worker). */
type Source = () => Iterable<AssessmentRow[]>;

const syntheticSource =
  (rows: number): Source =>
  () =>
    syntheticPages(rows, PAGE);

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

async function run(job: Job): Promise<Outcome> {
  const source = syntheticSource(job.rows);
  const columns = exportColumns('assessments');
  const layout = csvLayout(columns);
  const file = join(job.dir, `${job.side}-${process.pid}.csv`);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  const baseline = process.memoryUsage().rss;
  loop.enable();
  const started = performance.now();
  let rows: number;
  if (job.side === 'ours') {
    const chunks = encodeCsv(source(), layout);
    rows = (await writeChunksToFile(file, chunks)).rows;
  } else {
    rows = 0;
    const cells = function* () {
      for (const page of source()) {
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
  const { size } = await stat(file);
  const sha256 = createHash('sha256');
  await pipeline(createReadStream(file), sha256);
  await rm(file);
  return {
    rows,
    seconds,
    bytes: size,
    sha256: sha256.digest('hex'),
    peakRssGrowthMb,
    maxEventLoopDelayMs: loop.max / 1e6,
    p99EventLoopDelayMs: loop.percentile(99) / 1e6,
  };
}
