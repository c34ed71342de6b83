// Data usage and clearing an account's cached data, through the composition root with real
// stores on a temp folder, synced from the simulator over loopback.
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { silentLogger, systemClock, type Ports } from '../../../src-main/ports.ts';
import { createServices, type Services } from '../../../src-main/services.ts';
import { LEASE_FILE } from '../../../src-main/sync/lease.ts';
import { storeFileName } from '../../../src-main/workspaces/index.ts';
import { folderBytes } from '../../../src-main/workspaces/usage.ts';
import {
  ProfileInputSchema,
  SyncTargetSchema,
  type EventName,
  type Events,
  type JobSnapshot,
} from '../../../src-preload/contract.ts';
import { startSimulator, type Simulator } from '../../simulator/index.ts';

let userData: string;
let services: Services;
let events: Array<{ name: EventName; payload: Events[EventName] }>;
let sims: Simulator[];

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'qm-usage-'));
  events = [];
  sims = [];
  const ports: Ports = {
    secrets: createMemorySecrets(),
    paths: { userData },
    shell: { openPath: async () => undefined },
    clock: systemClock,
    events: { emit: (name, payload) => void events.push({ name, payload }) },
    runtime: { appVersion: '0.0.0-test', electronVersion: null },
    logger: silentLogger,
    env: {},
  };
  services = await createServices(ports);
});
afterEach(async () => {
  await services.close();
  await Promise.all(sims.map((s) => s.close()));
  await rm(userData, { recursive: true, force: true });
});

/** An independent measure: every file's size, by a plain recursive listing. */
async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await lstat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** An account on its own simulator; `latencyMs` keeps a sync running long enough to clear under it. */
async function simAccount(options: { assessments?: number; latencyMs?: number } = {}): Promise<string> {
  const sim = await startSimulator({ seed: sims.length + 3, assessments: 40, ...options });
  sims.push(sim);
  const account = sim.accounts[0]!;
  const { id } = await services.accounts.add({
    profile: ProfileInputSchema.parse({
      label: `Simulated ${sims.length}`,
      accountSid: account.accountSid,
      credential: { kind: 'authToken' },
      region: null,
      edge: null,
      baseUrl: sim.url,
    }),
    secret: account.authToken,
    sessionOnly: false,
  });
  return id;
}

const syncAll = (profileId: string, options = { concurrency: 2, pageSize: 1000 }) =>
  services.sync.start({ profileId, target: SyncTargetSchema.parse({ all: true }), options });

/** An account with a complete sync in its store. */
async function synced(): Promise<string> {
  const id = await simAccount();
  expect((await services.jobs.wait((await syncAll(id)).jobId)).state).toBe('done');
  return id;
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('data usage', () => {
  it('reports each account’s bytes: its store with -wal/-shm, and the folders', async () => {
    const first = await synced();
    const other = await simAccount();
    const dir = services.accounts.dataDirOf(first);
    const files = await readdir(dir);
    expect(files).toContain(storeFileName(sims[0]!.accounts[0]!.accountSid));
    const usage = await services.data.usage();
    expect(usage.dataDir).toBe(userData);
    expect(usage.logsDir).toBe(join(userData, 'logs'));
    const byId = new Map(usage.accounts.map((a) => [a.profileId, a.bytes]));
    expect([...byId.keys()].sort()).toEqual([first, other].sort());
    // Compared with a second measure right away: an idle store's files do not change size.
    expect(byId.get(first)).toBe(await sizeOf(dir));
    expect(byId.get(first)).toBeGreaterThan(0);
    expect(byId.get(other)).toBe(await sizeOf(services.accounts.dataDirOf(other)));
  });

  it('counts a missing folder as nothing', async () => {
    expect(await folderBytes(join(userData, 'no', 'such'))).toBe(0);
  });
});

describe('clearing an account’s data', () => {
  it('deletes its store files, keeps the account and its secret, and the next open is empty', async () => {
    const first = await synced();
    const other = await simAccount();
    await services.review.store.overview({ profileId: other });
    const otherBytes = await sizeOf(services.accounts.dataDirOf(other));
    const before = await services.review.store.overview({ profileId: first });
    expect(before.assessments).toBeGreaterThan(0);
    const workspace = await services.workspaces.open(first);

    const usage = await services.data.clear({ profileId: first });

    const dir = services.accounts.dataDirOf(first);
    expect(await readdir(dir)).toEqual([]);
    expect(usage.accounts.find((a) => a.profileId === first)?.bytes).toBe(0);
    expect(usage.accounts.find((a) => a.profileId === other)?.bytes).toBe(otherBytes);
    expect(events.filter((e) => e.name === 'data.cleared').map((e) => e.payload)).toEqual([
      { profileId: first },
    ]);
    await expect(workspace.store.overview()).rejects.toMatchObject({ code: 'store_closed' });
    // The accounts stay, secrets included; the other account's store is untouched.
    expect((await services.accounts.list()).profiles.map((p) => p.id).sort()).toEqual([first, other].sort());
    expect((await services.accounts.target(other)).password).toBe(sims[1]!.accounts[0]!.authToken);
    expect((await services.accounts.target(first)).password).toBe(sims[0]!.accounts[0]!.authToken);
    const after = await services.review.store.overview({ profileId: first });
    expect(after).toMatchObject({
      profileId: first,
      assessments: 0,
      comments: 0,
      segments: 0,
      lastSync: null,
    });
    expect(await readdir(dir)).toContain(storeFileName(after.accountSid));
  });

  it('makes a query that arrives during the clear wait for it, then open a fresh store', async () => {
    const first = await synced();
    const clearing = services.data.clear({ profileId: first });
    const overview = services.review.store.overview({ profileId: first });
    await clearing;
    expect(await overview).toMatchObject({ assessments: 0, comments: 0, lastSync: null });
  });

  it('cancels a running sync first, then deletes the files it was writing', async () => {
    const id = await simAccount({ assessments: 600, latencyMs: 40 });
    const job: JobSnapshot = await syncAll(id, { concurrency: 2, pageSize: 10 });
    const dir = services.accounts.dataDirOf(id);
    // Some pages landed: the store has rows and the sync holds its lease.
    await until(
      async () => (await services.review.store.overview({ profileId: id })).assessments > 0,
      'the first pages',
    );
    expect(existsSync(join(dir, LEASE_FILE))).toBe(true);

    await services.data.clear({ profileId: id });

    const ended = await services.jobs.wait(job.jobId);
    expect(ended.state).toBe('cancelled');
    expect(await readdir(dir)).toEqual([]);
    const after = await services.review.store.overview({ profileId: id });
    expect(after).toMatchObject({ assessments: 0, comments: 0, segments: 0, lastSync: null });
  });

  it('refuses while a sync from another process holds the account, deleting nothing', async () => {
    const first = await synced();
    const dir = services.accounts.dataDirOf(first);
    // What the CLI leaves while it syncs: a lock held by a live process.
    const lock = { pid: process.pid, startedAt: Date.now(), token: 'cli-sync' };
    await writeFile(join(dir, LEASE_FILE), JSON.stringify(lock));
    await expect(services.data.clear({ profileId: first })).rejects.toMatchObject({ code: 'busy' });
    // Closed cleanly (SQLite folds its -wal back in), but neither the store nor the lock went.
    expect((await readdir(dir)).sort()).toEqual([
      storeFileName(sims[0]!.accounts[0]!.accountSid),
      LEASE_FILE,
    ]);
    expect(events.some((e) => e.name === 'data.cleared')).toBe(false);
    // Reopens on the next query, data intact.
    expect((await services.review.store.overview({ profileId: first })).assessments).toBeGreaterThan(0);
  });

  it('refuses an unknown account with profile_not_found, touching no folder', async () => {
    const first = await synced();
    const files = await readdir(services.accounts.dataDirOf(first));
    await expect(services.data.clear({ profileId: 'no-such-account' })).rejects.toMatchObject({
      code: 'profile_not_found',
    });
    expect(await readdir(services.accounts.dataDirOf(first))).toEqual(files);
  });

  it('clears an account whose store was never opened without creating anything', async () => {
    const id = await simAccount();
    const usage = await services.data.clear({ profileId: id });
    expect(usage.accounts).toEqual([{ profileId: id, bytes: 0 }]);
    expect(await readdir(services.accounts.dataDirOf(id))).toEqual([]);
  });
});
