// Paging benchmark: 100k assessments at PageSize 1000 from the simulator with 20 ms latency.
//
// Every party runs in its own process: the simulator in one child (so serving pages never shares
// an event loop with the code being measured), and each measured run in a fresh child (so peak
// RSS figures do not mix). Runs are interleaved (floor, client, twilio-node, client 10k) RUNS
// times; times are medians, and the two ratios are medians of the per-run ratios, so a burst of
// load from elsewhere on the machine skews one run's pair rather than one side of the ratio.
//
// - seconds: our client's pager, first request to last item, records validated and counted.
// - limit_seconds: the floor for sequential paging. A bare undici loop (one keep-alive
//   connection, same auth) fetches the very same page URLs one after another and drains each
//   body without parsing it: that is simulator latency + page generation + transfer and nothing
//   else. (A sum of the simulator's own logged times would leave out the transfer and the
//   loopback round trip, which no client can avoid.) The URLs come from a warm-up run of the
//   client; the simulator's PageTokens are stateless, so replaying them serves the same pages.
// - twilio_node_seconds: twilio-node's own `client.flexApi.v1.assessments.each({ pageSize })`
//   against the same simulator. It is pointed there by setting the FlexApi domain's `baseUrl`
//   (`client.flexApi.baseUrl = sim.url`): Domain.absoluteUrl builds the first URL from it, and
//   next pages follow the simulator's absolute `meta.next_page_url`. twilio-node's host rule
//   leaves 127.0.0.1 unchanged when no region or edge is set.
// - peak_rss_mb_100k / peak_rss_mb_10k: process.resourceUsage().maxRSS of the client child
//   paging 100k and 10k items (items are counted, not kept, as a sync that writes each page
//   to the store would do). Peak RSS includes garbage V8 has not collected yet, and V8 lets the
//   heap grow for a while under a high allocation rate, so it also reports
//   live_heap_mb_100k / live_heap_mb_10k: heapUsed after a forced full GC while the last page is
//   in hand (timing already stopped), i.e. what the pager really keeps, and, from one extra run
//   that pages the 100k list three times over, peak_rss_mb_300k: where the peak levels off.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent } from 'undici';

const ITEMS = 100_000;
const SMALL = 10_000;
const PAGE_SIZE = 1000;
const LATENCY_MS = 20;
const RUNS = 5;
const CHILD_LIMIT_MS = 180_000;
const RUN_TS = fileURLToPath(new URL('./run.ts', import.meta.url));

interface Credentials {
  username: string;
  password: string;
}
type Job =
  | ({ kind: 'client'; url: string; passes?: number } & Credentials)
  | ({ kind: 'twilio'; url: string } & Credentials)
  | ({ kind: 'bare'; urls: string[] } & Credentials);
interface Outcome {
  items: number;
  pages: number;
  seconds: number;
  peakRssMb: number;
  liveHeapMb: number | null;
  urls: string[];
}

export async function main(args: string[]): Promise<void> {
  const role = args.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  if (role === 'sim') return serveSimulators();
  if (role === 'measure') return measureOnce();
  return orchestrate();
}

// ---------------------------------------------------------------------------------------------
// Orchestrator
// ---------------------------------------------------------------------------------------------

function child(role: string): ChildProcess {
  return fork(RUN_TS, ['paging', `--role=${role}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function firstMessage<T>(proc: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${what} took longer than ${CHILD_LIMIT_MS / 1000} s`));
    }, CHILD_LIMIT_MS);
    proc.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as T);
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before answering`));
    });
  });
}

async function measure(job: Job): Promise<Outcome> {
  const proc = child('measure');
  proc.send(job);
  const answer = await firstMessage<{ ok: true; outcome: Outcome } | { ok: false; error: string }>(
    proc,
    job.kind,
  );
  if (!answer.ok) throw new Error(`${job.kind} run failed: ${answer.error}`);
  return answer.outcome;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

async function orchestrate(): Promise<void> {
  const simProc = child('sim');
  try {
    const ready = await firstMessage<{ big: string; small: string } & Credentials>(simProc, 'simulator');
    const creds = { username: ready.username, password: ready.password };
    console.log(
      `simulator: ${ITEMS} and ${SMALL} assessments, ${LATENCY_MS} ms latency, page size ${PAGE_SIZE}`,
    );

    // Warm-up (discarded): warms the simulator and yields the page URLs for the bare loop.
    const warm = await measure({ kind: 'client', url: ready.big, ...creds });
    if (warm.items !== ITEMS) throw new Error(`warm-up paged ${warm.items} items, expected ${ITEMS}`);

    const bare: number[] = [];
    const ours: Outcome[] = [];
    const theirs: number[] = [];
    const small: Outcome[] = [];
    for (let run = 0; run < RUNS; run++) {
      bare.push((await measure({ kind: 'bare', urls: warm.urls, ...creds })).seconds);
      const mine = await measure({ kind: 'client', url: ready.big, ...creds });
      if (mine.items !== ITEMS) throw new Error(`client paged ${mine.items} items, expected ${ITEMS}`);
      ours.push(mine);
      const twilio = await measure({ kind: 'twilio', url: ready.big, ...creds });
      if (twilio.items !== ITEMS)
        throw new Error(`twilio-node paged ${twilio.items} items, expected ${ITEMS}`);
      theirs.push(twilio.seconds);
      small.push(await measure({ kind: 'client', url: ready.small, ...creds }));
      console.log(
        `run ${run + 1}: floor ${bare.at(-1)?.toFixed(3)} s, client ${mine.seconds.toFixed(3)} s ` +
          `(${mine.peakRssMb.toFixed(0)} MB), twilio-node ${twilio.seconds.toFixed(3)} s, ` +
          `client 10k ${small.at(-1)?.seconds.toFixed(3)} s (${small.at(-1)?.peakRssMb.toFixed(0)} MB)`,
      );
    }

    const plateau = await measure({ kind: 'client', url: ready.big, passes: 3, ...creds });
    if (plateau.items !== 3 * ITEMS) throw new Error(`plateau run paged ${plateau.items} items`);

    const seconds = median(ours.map((o) => o.seconds));
    const limit = median(bare);
    const twilioSeconds = median(theirs);
    const ratio = median(ours.map((o, i) => o.seconds / (bare[i] ?? Number.NaN)));
    const speedup = median(ours.map((o, i) => (theirs[i] ?? Number.NaN) / o.seconds));
    const rss100k = median(ours.map((o) => o.peakRssMb));
    const rss10k = median(small.map((o) => o.peakRssMb));
    const live100k = median(ours.map((o) => o.liveHeapMb ?? Number.NaN));
    const live10k = median(small.map((o) => o.liveHeapMb ?? Number.NaN));
    console.log(
      JSON.stringify({
        bench: 'paging',
        items: ITEMS,
        pages: warm.pages,
        page_size: PAGE_SIZE,
        latency_ms: LATENCY_MS,
        runs: RUNS,
        seconds: round(seconds),
        limit_seconds: round(limit),
        ratio_to_limit: round(ratio),
        twilio_node_seconds: round(twilioSeconds),
        speedup_vs_twilio_node: round(speedup),
        peak_rss_mb: round(rss100k, 1),
        peak_rss_mb_100k: round(rss100k, 1),
        peak_rss_mb_10k: round(rss10k, 1),
        live_heap_mb_100k: round(live100k, 1),
        live_heap_mb_10k: round(live10k, 1),
        peak_rss_mb_300k: round(plateau.peakRssMb, 1),
        runs_seconds: ours.map((o) => round(o.seconds)),
        runs_limit_seconds: bare.map((b) => round(b)),
        runs_twilio_node_seconds: theirs.map((t) => round(t)),
        items_per_second: Math.round(ITEMS / seconds),
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
  const big = await startSimulator({ seed: 11, assessments: ITEMS, latencyMs: LATENCY_MS });
  const small = await startSimulator({ seed: 11, assessments: SMALL, latencyMs: LATENCY_MS });
  const account = big.accounts[0];
  if (!account) throw new Error('simulator has no account');
  const stop = (): void => {
    void Promise.all([big.close(), small.close()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send?.({
    big: big.url,
    small: small.url,
    username: account.accountSid,
    password: account.authToken,
  });
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

/** heapUsed after a full GC; only called once timing has stopped. */
function liveHeapMb(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function run(job: Job): Promise<Outcome> {
  switch (job.kind) {
    case 'client':
      return runClient(job.url, job, job.passes ?? 1);
    case 'twilio':
      return runTwilio(job.url, job);
    case 'bare':
      return runBare(job.urls, job);
  }
}

async function runClient(url: string, creds: Credentials, passes: number): Promise<Outcome> {
  const { createFlexClient } = await import('../src-main/flex/client.ts');
  const client = createFlexClient({
    accountSid: creds.username,
    username: creds.username,
    password: creds.password,
    region: null,
    edge: null,
    baseUrl: url,
  });
  const urls: string[] = [];
  let items = 0;
  let seconds = Number.NaN;
  let live: number | null = null;
  const started = performance.now();
  for (let pass = 1; pass <= passes; pass++) {
    for await (const page of client.assessments({}, { pageSize: PAGE_SIZE })) {
      if (pass === 1) urls.push(page.url);
      for (const item of page.items) if (item.assessment_sid !== null) items++;
      if (pass === passes && page.meta.next_page_url === null) {
        seconds = (performance.now() - started) / 1000;
        live = liveHeapMb();
      }
    }
  }
  const peak = peakRssMb();
  await client.close();
  return { items, pages: urls.length, seconds, peakRssMb: peak, liveHeapMb: live, urls };
}

async function runBare(urls: string[], creds: Credentials): Promise<Outcome> {
  const agent = new Agent({ connections: 1 });
  const authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
  let bytes = 0;
  const started = performance.now();
  for (const url of urls) {
    const response = await agent.request({
      origin: new URL(url).origin,
      path: url.slice(new URL(url).origin.length),
      method: 'GET',
      headers: { authorization, accept: 'application/json' },
    });
    if (response.statusCode !== 200) throw new Error(`bare loop got HTTP ${response.statusCode}`);
    for await (const chunk of response.body) bytes += (chunk as Buffer).byteLength;
  }
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  if (bytes === 0) throw new Error('bare loop read nothing');
  return { items: 0, pages: urls.length, seconds, peakRssMb: peakRssMb(), liveHeapMb: null, urls: [] };
}

async function runTwilio(url: string, creds: Credentials): Promise<Outcome> {
  const { default: twilio } = await import('twilio');
  const client = twilio(creds.username, creds.password);
  client.flexApi.baseUrl = url;
  let items = 0;
  const started = performance.now();
  await client.flexApi.v1.assessments.each({
    pageSize: PAGE_SIZE,
    callback: (item) => {
      if (item.assessmentSid) items++;
    },
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    items,
    pages: Math.ceil(items / PAGE_SIZE),
    seconds,
    peakRssMb: peakRssMb(),
    liveHeapMb: null,
    urls: [],
  };
}
