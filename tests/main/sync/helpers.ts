// Shared parts of the sync tests: a simulator, a real store on a temp file, a client, a job
// context that records progress, and the store's whole contents for comparisons.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFlexClient, type FlexClient } from '../../../src-main/flex/client.ts';
import type { FlexClientOptions } from '../../../src-main/flex/types.ts';
import type { JobContext, ProgressUpdate } from '../../../src-main/jobs/types.ts';
import { silentLogger } from '../../../src-main/ports.ts';
import { openStore, type Store } from '../../../src-main/store/index.ts';
import { runSync, type SyncOptions } from '../../../src-main/sync/job.ts';
import {
  SyncOptionsSchema,
  SyncTargetSchema,
  type SyncResult,
  type SyncTargetInput,
} from '../../../src-preload/contract.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/index.ts';

/** Small real delays so retries stay quick but really sleep. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 40, maxTotalMs: 20_000, retryAfterCapMs: 1000 };

export interface Kit {
  sims: Simulator[];
  stores: Store[];
  clients: FlexClient[];
  dirs: string[];
}

export const kit = (): Kit => ({ sims: [], stores: [], clients: [], dirs: [] });

export async function cleanup(k: Kit): Promise<void> {
  await Promise.all(k.stores.splice(0).map((s) => s.close()));
  await Promise.all(k.clients.splice(0).map((c) => c.close()));
  await Promise.all(k.sims.splice(0).map((s) => s.close()));
  await Promise.all(k.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function sim(k: Kit, options: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ seed: 5, assessments: 600, ...options });
  k.sims.push(s);
  return s;
}

export async function tempDir(k: Kit): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qm-sync-'));
  k.dirs.push(dir);
  return dir;
}

export function account(s: Simulator): { accountSid: string; authToken: string } {
  const a = s.accounts[0];
  if (!a) throw new Error('simulator has no account');
  return a;
}

export async function store(k: Kit, s: Simulator, file?: string): Promise<Store> {
  const opened = await openStore({
    file: file ?? join(await tempDir(k), 'store.sqlite'),
    accountSid: account(s).accountSid,
  });
  k.stores.push(opened);
  return opened;
}

export function client(
  k: Kit,
  s: Simulator,
  options: FlexClientOptions & { password?: string } = {},
): FlexClient {
  const a = account(s);
  const { password, ...rest } = options;
  const c = createFlexClient(
    {
      accountSid: a.accountSid,
      username: a.accountSid,
      password: password ?? a.authToken,
      region: null,
      edge: null,
      baseUrl: s.url,
    },
    { retry: FAST_RETRY, ...rest },
  );
  k.clients.push(c);
  return c;
}

export interface Recorded {
  ctx: JobContext;
  updates: ProgressUpdate[];
  controller: AbortController;
}

/** A job context like the runner's (without its throttling), recording every update. */
export function context(onProgress?: (update: ProgressUpdate, all: ProgressUpdate[]) => void): Recorded {
  const controller = new AbortController();
  const updates: ProgressUpdate[] = [];
  return {
    controller,
    updates,
    ctx: {
      signal: controller.signal,
      progress(update) {
        updates.push(update);
        onProgress?.(update, updates);
      },
      clock: { now: () => Date.now() },
      log: silentLogger,
    },
  };
}

export function options(input: Partial<SyncOptions> = {}): SyncOptions {
  return SyncOptionsSchema.parse(input);
}

export async function sync(
  st: Store,
  c: FlexClient,
  target: SyncTargetInput,
  opts: Partial<SyncOptions> = {},
  rec: Recorded = context(),
): Promise<SyncResult> {
  return runSync(
    { store: st, client: c, target: SyncTargetSchema.parse(target), options: options(opts), label: 'test' },
    rec.ctx,
  );
}

/** Everything a reviewer can see in the store, in a stable order (times of syncing left out). */
export async function contents(st: Store) {
  const assessments = [];
  const comments = [];
  const segments = [];
  const sort = [{ column: 'sid', dir: 'asc' }] as const;
  for (let offset = 0; ; offset += 1000) {
    const w = await st.assessments({ filters: {}, sort: [...sort], offset, limit: 1000 });
    assessments.push(...w.rows);
    if (offset + 1000 >= w.total) break;
  }
  for (let offset = 0; ; offset += 1000) {
    const w = await st.comments({ filters: {}, sort: [...sort], offset, limit: 1000 });
    comments.push(...w.rows);
    if (offset + 1000 >= w.total) break;
  }
  for (let offset = 0; ; offset += 1000) {
    const w = await st.segments({ sort: { column: 'segmentId', dir: 'asc' }, offset, limit: 1000 });
    segments.push(...w.rows.map(({ lastSyncedAt, ...rest }) => ({ ...rest, synced: lastSyncedAt !== null })));
    if (offset + 1000 >= w.total) break;
  }
  return { assessments, comments, segments };
}

/** The records the simulator holds for these segments: sids of assessments and of comments. */
export function expectedOf(s: Simulator, segmentIds: Iterable<string>) {
  const assessments: string[] = [];
  const comments: string[] = [];
  for (const segmentId of new Set(segmentIds)) {
    assessments.push(...s.data.assessments({ segmentId }).map((a) => a.assessment_sid));
    comments.push(...s.data.comments({ segmentId }).map((c) => c.assessment_sid));
  }
  return { assessments: assessments.sort(), comments: comments.sort() };
}

export const sids = (rows: { sid: string }[]): string[] => rows.map((r) => r.sid).sort();

/** Segment ids with at least `min` assessments and comments, from the start of the list. */
export function busySegments(s: Simulator, count: number, min = 1): string[] {
  const out = s.data
    .segmentIds()
    .filter(
      (id) =>
        s.data.countAssessments({ segmentId: id }) >= min && s.data.countComments({ segmentId: id }) >= 1,
    )
    .slice(0, count);
  if (out.length < count) throw new Error(`the dataset has only ${out.length} segments with records`);
  return out;
}
