// Sync benchmark: the sync job body (src-main/sync) against the simulator, into a real store.
//
// As in the paging benchmark, every party runs in its own process: the simulator in one child,
// each measured run in a fresh child (its own store file in a temp folder, its own peak RSS).
//
// One stream of 100k assessments (and the simulator's default 25k comments) at PageSize 1000 and
// 20 ms latency, synced as "everything" (Assessments and Comments without a filter, Segments for
// the details, reference data first):
// - seconds: the sync, start to end.
// - paging_only_seconds: the very same requests (reference lists, the three unfiltered lists side
//   by side, as the sync runs them) fetched and parsed by the client, records counted, nothing
//   stored. storage_overhead_ratio = seconds / paging_only_seconds, the median of per-run ratios
//   (runs interleaved, so load from elsewhere on the machine hits both sides of a pair).
// - insert_rows_per_s: records committed per second during which a commit was under way (the
//   store's own pace; it overlaps the next page's round trip).
// - max_event_loop_delay_ms: perf_hooks.monitorEventLoopDelay over the sync, in the syncing process.
// - peak_rss_mb_10k / peak_rss_mb_300k: maxRSS of a child syncing 10k and 300k assessments (with
//   their comments), rss_growth_mb the difference: what memory grows with the data set.
//
// 1,000 segments of about 20 records each (assessments and comments), 50 ms latency, the
// simulator refusing more than 5 concurrent requests of the account (429):
// - many_segments_seconds: the sync at its default cap (8), the limiter learning the limit of 5;
// - sequential_seconds: the same segments one request at a time (cap 1), measured once (it is
//   slow and steady);
// - parallel_speedup = sequential / many, parallel_efficiency = speedup / 5;
// - requests_429 (the sync's own count, checked against the simulator's log) and failed_segments.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BIG = 100_000;
const SMALL = 10_000;
const HUGE = 300_000;
const PAGE_SIZE = 1000;
const STREAM_LATENCY_MS = 20;
const MANY_SEGMENTS = 1000;
const MANY_LATENCY_MS = 50;
const ACCOUNT_LIMIT = 5;
/** Assessments for about MANY_SEGMENTS segments (segments average ~6.7 questions), and twice as many comments. */
const MANY_ASSESSMENTS = 7_000;
const MANY_COMMENTS = 14_000;
const CHILD_LIMIT_MS = 600_000;
const RUN_TS = fileURLToPath(new URL('./run.ts', import.meta.url));

interface Credentials {
  accountSid: string;
  authToken: string;
}
interface Ready extends Credentials {
  big: string;
  small: string;
  huge: string;
  many: string;
  manySegments: string[];
}
type Job =
  | ({ kind: 'sync'; url: string; target: unknown; concurrency?: number } & Credentials)
  | ({ kind: 'paging'; url: string } & Credentials);
interface Outcome {
  items: number;
  seconds: number;
  commitSeconds: number;
  maxLoopDelayMs: number;
  peakRssMb: number;
  rateLimited: number;
  failedSegments: number;
  segmentsSynced: number;
}

export async function main(args: string[]): Promise<void> {
  const role = args.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  if (role === 'sim') return serveSimulators();
  if (role === 'measure') return measureOnce();
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number ≥ 1');
  return orchestrate(runs);
}

// ---------------------------------------------------------------------------------------------
// Orchestrator
// ---------------------------------------------------------------------------------------------

function child(role: string): ChildProcess {
  return fork(RUN_TS, ['sync', `--role=${role}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function nextMessage<T>(proc: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${what} took longer than ${CHILD_LIMIT_MS / 1000} s`));
    }, CHILD_LIMIT_MS);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before answering`));
    };
    proc.once('exit', onExit);
    proc.once('message', (message) => {
      clearTimeout(timer);
      proc.off('exit', onExit);
      resolve(message as T);
    });
  });
}

async function measure(job: Job, what: string): Promise<Outcome> {
  const proc = child('measure');
  proc.send(job);
  const answer = await nextMessage<{ ok: true; outcome: Outcome } | { ok: false; error: string }>(proc, what);
  if (!answer.ok) throw new Error(`${what} failed: ${answer.error}`);
  return answer.outcome;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

async function orchestrate(runs: number): Promise<void> {
  const simProc = child('sim');
  try {
    const ready = await nextMessage<Ready>(simProc, 'simulator');
    const creds = { accountSid: ready.accountSid, authToken: ready.authToken };
    const everything = { all: true };
    console.log(
      `stream: ${BIG} assessments (+ comments), ${STREAM_LATENCY_MS} ms latency, page size ${PAGE_SIZE}; ` +
        `many: ${MANY_SEGMENTS} segments, ${MANY_LATENCY_MS} ms latency, ${ACCOUNT_LIMIT} concurrent requests allowed`,
    );

    const expectedBig = await measure({ kind: 'paging', url: ready.big, ...creds }, 'warm-up');
    const syncs: Outcome[] = [];
    const pagings: Outcome[] = [];
    const smalls: Outcome[] = [];
    for (let run = 0; run < runs; run++) {
      const paging = await measure({ kind: 'paging', url: ready.big, ...creds }, 'paging only');
      const synced = await measure(
        { kind: 'sync', url: ready.big, target: everything, ...creds },
        'sync 100k',
      );
      if (synced.items !== expectedBig.items)
        throw new Error(`sync stored ${synced.items} of ${expectedBig.items}`);
      const small = await measure(
        { kind: 'sync', url: ready.small, target: everything, ...creds },
        'sync 10k',
      );
      pagings.push(paging);
      syncs.push(synced);
      smalls.push(small);
      console.log(
        `run ${run + 1}: paging only ${paging.seconds.toFixed(3)} s, sync ${synced.seconds.toFixed(3)} s ` +
          `(commits ${synced.commitSeconds.toFixed(2)} s, loop delay ≤ ${synced.maxLoopDelayMs.toFixed(0)} ms, ` +
          `${synced.peakRssMb.toFixed(0)} MB), sync 10k ${small.peakRssMb.toFixed(0)} MB`,
      );
    }
    const huge = await measure({ kind: 'sync', url: ready.huge, target: everything, ...creds }, 'sync 300k');
    console.log(
      `sync 300k: ${huge.seconds.toFixed(2)} s, ${huge.items} records, ${huge.peakRssMb.toFixed(0)} MB`,
    );

    const manyTarget = { segments: ready.manySegments };
    const parallel: Outcome[] = [];
    for (let run = 0; run < runs; run++) {
      const outcome = await measure(
        { kind: 'sync', url: ready.many, target: manyTarget, ...creds },
        'many segments',
      );
      parallel.push(outcome);
      console.log(
        `many run ${run + 1}: ${outcome.seconds.toFixed(2)} s, ${outcome.rateLimited} × 429, ` +
          `${outcome.failedSegments} failed`,
      );
    }
    const sequential = await measure(
      { kind: 'sync', url: ready.many, target: manyTarget, concurrency: 1, ...creds },
      'sequential',
    );
    console.log(`sequential: ${sequential.seconds.toFixed(2)} s`);
    simProc.send({ ask: 'refused' });
    const refused = await nextMessage<{ refused: number }>(simProc, 'simulator log');

    const seconds = median(syncs.map((o) => o.seconds));
    const pagingSeconds = median(pagings.map((o) => o.seconds));
    const ratio = median(syncs.map((o, i) => o.seconds / (pagings[i]?.seconds ?? Number.NaN)));
    const rss10k = median(smalls.map((o) => o.peakRssMb));
    const manySeconds = median(parallel.map((o) => o.seconds));
    const speedup = sequential.seconds / manySeconds;
    const counted = parallel.reduce((n, o) => n + o.rateLimited, 0) + sequential.rateLimited;
    if (counted !== refused.refused) {
      console.log(`note: the sync counted ${counted} 429s, the simulator logged ${refused.refused}`);
    }
    console.log(
      JSON.stringify({
        bench: 'sync',
        runs,
        items: expectedBig.items,
        page_size: PAGE_SIZE,
        latency_ms: STREAM_LATENCY_MS,
        seconds: round(seconds),
        paging_only_seconds: round(pagingSeconds),
        storage_overhead_ratio: round(ratio),
        insert_rows_per_s: Math.round(median(syncs.map((o) => o.items / o.commitSeconds))),
        items_per_second: Math.round(expectedBig.items / seconds),
        max_event_loop_delay_ms: round(median(syncs.map((o) => o.maxLoopDelayMs)), 1),
        peak_rss_mb_100k: round(median(syncs.map((o) => o.peakRssMb)), 1),
        peak_rss_mb_10k: round(rss10k, 1),
        peak_rss_mb_300k: round(huge.peakRssMb, 1),
        rss_growth_mb: round(huge.peakRssMb - rss10k, 1),
        many_segments: MANY_SEGMENTS,
        many_latency_ms: MANY_LATENCY_MS,
        account_concurrency_limit: ACCOUNT_LIMIT,
        many_segments_seconds: round(manySeconds),
        sequential_seconds: round(sequential.seconds),
        parallel_speedup: round(speedup),
        parallel_efficiency: round(speedup / ACCOUNT_LIMIT),
        requests_429: Math.round(median(parallel.map((o) => o.rateLimited))),
        failed_segments: Math.max(...parallel.map((o) => o.failedSegments), sequential.failedSegments),
        runs_seconds: syncs.map((o) => round(o.seconds)),
        runs_paging_only_seconds: pagings.map((o) => round(o.seconds)),
        runs_many_segments_seconds: parallel.map((o) => round(o.seconds)),
      }),
    );
  } finally {
    simProc.kill('SIGTERM');
  }
}

// ---------------------------------------------------------------------------------------------
// Simulator child
// ---------------------------------------------------------------------------------------------

async function serveSimulators(): Promise<void> {
  const { startSimulator } = await import('../tests/simulator/index.ts');
  const stream = { seed: 11, latencyMs: STREAM_LATENCY_MS };
  const big = await startSimulator({ ...stream, assessments: BIG });
  const small = await startSimulator({ ...stream, assessments: SMALL });
  const huge = await startSimulator({ ...stream, assessments: HUGE });
  const many = await startSimulator({
    seed: 11,
    assessments: MANY_ASSESSMENTS,
    comments: MANY_COMMENTS,
    latencyMs: MANY_LATENCY_MS,
    maxConcurrent: ACCOUNT_LIMIT,
  });
  const account = big.accounts[0];
  if (!account) throw new Error('simulator has no account');
  const manySegments = many.data.segmentIds().slice(0, MANY_SEGMENTS);
  if (manySegments.length < MANY_SEGMENTS) throw new Error(`only ${manySegments.length} segments`);
  const sims = [big, small, huge, many];
  const stop = (): void => {
    void Promise.all(sims.map((s) => s.close())).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.on('message', (message: { ask?: string }) => {
    if (message.ask === 'refused')
      process.send?.({ refused: many.log.filter((e) => e.status === 429).length });
  });
  const ready: Ready = {
    big: big.url,
    small: small.url,
    huge: huge.url,
    many: many.url,
    manySegments,
    accountSid: account.accountSid,
    authToken: account.authToken,
  };
  process.send?.(ready);
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

const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;

async function clientFor(url: string, creds: Credentials) {
  const { createFlexClient } = await import('../src-main/flex/client.ts');
  const { createAdaptiveLimiter } = await import('../src-main/flex/limiter.ts');
  return createFlexClient(
    {
      accountSid: creds.accountSid,
      username: creds.accountSid,
      password: creds.authToken,
      region: null,
      edge: null,
      baseUrl: url,
    },
    { limiter: createAdaptiveLimiter() },
  );
}

function run(job: Job): Promise<Outcome> {
  return job.kind === 'sync' ? runSyncJob(job) : runPaging(job);
}

async function runSyncJob(job: Extract<Job, { kind: 'sync' }>): Promise<Outcome> {
  const { openStore } = await import('../src-main/store/index.ts');
  const { runSync } = await import('../src-main/sync/job.ts');
  const { SyncOptionsSchema, SyncTargetSchema } = await import('../src-preload/contract.ts');
  const { silentLogger } = await import('../src-main/ports.ts');
  const dir = await mkdtemp(join(tmpdir(), 'qm-bench-sync-'));
  try {
    const store = await openStore({ file: join(dir, 'store.sqlite'), accountSid: job.accountSid });
    const client = await clientFor(job.url, job);
    // The time at least one commit is under way (streams commit side by side, and queue at the writer).
    let commitMs = 0;
    let committing = 0;
    let busySince = 0;
    const timed = {
      ...store,
      async commitPage(page: Parameters<typeof store.commitPage>[0]) {
        if (committing++ === 0) busySince = performance.now();
        try {
          return await store.commitPage(page);
        } finally {
          if (--committing === 0) commitMs += performance.now() - busySince;
        }
      },
    };
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const result = await runSync(
      {
        store: timed,
        client,
        target: SyncTargetSchema.parse(job.target),
        options: SyncOptionsSchema.parse(
          job.concurrency === undefined ? {} : { concurrency: job.concurrency },
        ),
        label: 'bench',
      },
      {
        signal: new AbortController().signal,
        progress: () => undefined,
        clock: { now: () => Date.now() },
        log: silentLogger,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    delay.disable();
    const peak = peakRssMb();
    await store.close();
    await client.close();
    return {
      items: result.assessments + result.comments,
      seconds,
      commitSeconds: commitMs / 1000,
      maxLoopDelayMs: delay.max / 1e6,
      peakRssMb: peak,
      rateLimited: result.rateLimited,
      failedSegments: result.failures.length,
      segmentsSynced: result.segmentsSynced,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the "everything" sync requests, fetched and parsed the same way, nothing stored. */
async function runPaging(job: Extract<Job, { kind: 'paging' }>): Promise<Outcome> {
  const client = await clientFor(job.url, job);
  const page = { pageSize: PAGE_SIZE };
  const count = async (pager: AsyncIterable<{ items: unknown[] }>): Promise<number> => {
    let n = 0;
    for await (const p of pager) n += p.items.length;
    return n;
  };
  const started = performance.now();
  await Promise.all([
    count(client.questionnaires({ includeInactive: true }, page)),
    count(client.questions({}, page)),
    count(client.categories(page)),
    client.answerSets(),
    client.commentTags(),
  ]);
  const [assessments, comments] = await Promise.all([
    count(client.assessments({}, page)),
    count(client.comments({}, page)),
    count(client.segments({}, page)),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const peak = peakRssMb();
  await client.close();
  return {
    items: (assessments ?? 0) + (comments ?? 0),
    seconds,
    commitSeconds: 0,
    maxLoopDelayMs: 0,
    peakRssMb: peak,
    rateLimited: 0,
    failedSegments: 0,
    segmentsSynced: 0,
  };
}
