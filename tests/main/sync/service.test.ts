// The sync service with the real job runner, real workspaces (real store files, real client to
// the simulator) and the real lease: start, busy, cancel, failures, and the lease held elsewhere.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { account, busySegments, cleanup, kit, sim, tempDir } from './helpers.ts';
import { ENV_PROFILE_ID } from '../../../src-main/accounts/env-profile.ts';
import { createJobRunner } from '../../../src-main/jobs/runner.ts';
import { silentLogger, type EventsPort } from '../../../src-main/ports.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { createSyncService, LEASE_FILE } from '../../../src-main/sync/index.ts';
import { createWorkspaces } from '../../../src-main/workspaces/index.ts';
import type { Workspaces } from '../../../src-main/workspaces/types.ts';
import {
  SyncOptionsSchema,
  SyncTargetSchema,
  type JobSnapshot,
  type ProfileView,
  type SyncTargetInput,
} from '../../../src-preload/contract.ts';
import type { Simulator } from '../../simulator/index.ts';

const k = kit();
const open: Workspaces[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((w) => w.close()));
  await cleanup(k);
});

const PROFILE = 'acme';
const LABEL = 'Acme Support';

async function setup(s: Simulator, password?: string, id = PROFILE) {
  const userData = await tempDir(k);
  const dataDir = join(userData, 'accounts', id);
  await mkdir(dataDir, { recursive: true });
  const a = account(s);
  const profile: ProfileView = {
    id,
    label: LABEL,
    accountSid: a.accountSid,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: s.url,
    color: '#3b82f6',
    hasSecret: true,
    source: 'file',
    sessionOnly: false,
  };
  const done: JobSnapshot[] = [];
  const events: EventsPort = {
    emit(name, payload) {
      if (name === 'jobs.done') done.push(payload as JobSnapshot);
    },
  };
  const jobs = createJobRunner({ events, clock: { now: () => Date.now() }, logger: silentLogger });
  const workspaces = createWorkspaces({
    accounts: {
      resolve: async () => ({ profile, dataDir }),
      target: async () => ({
        accountSid: a.accountSid,
        username: a.accountSid,
        password: password ?? a.authToken,
        region: null,
        edge: null,
        baseUrl: s.url,
      }),
    },
    jobs,
    paths: { userData },
    logger: silentLogger,
    openStore,
  });
  open.push(workspaces);
  const service = createSyncService({
    jobs,
    workspaces,
    clock: { now: () => Date.now() },
    logger: silentLogger,
  });
  const start = (target: SyncTargetInput, options = {}) =>
    service.start({
      profileId: id,
      target: SyncTargetSchema.parse(target),
      options: SyncOptionsSchema.parse(options),
    });
  return { service, jobs, workspaces, dataDir, start, done };
}

describe('sync.start', () => {
  it('answers a running snapshot at once; the job ends done with its result and frees the lease', async () => {
    const s = await sim(k);
    const { start, jobs, dataDir, done } = await setup(s);
    const ids = busySegments(s, 5);
    const snapshot = await start({ segments: ids });
    expect(snapshot).toMatchObject({
      kind: 'sync',
      profileId: PROFILE,
      label: 'Sync 5 segments',
      state: 'running',
    });
    expect(existsSync(join(dataDir, LEASE_FILE))).toBe(true);
    const final = await jobs.wait(snapshot.jobId);
    expect(final).toMatchObject({ state: 'done', result: { segments: 5, segmentsSynced: 5, failures: [] } });
    expect(final.phase).toMatch(/^Synced 5 segments: /);
    expect(done.map((d) => d.jobId)).toEqual([snapshot.jobId]);
    expect(existsSync(join(dataDir, LEASE_FILE))).toBe(false);
  });

  it('a second sync of the account while one runs is busy, and starts nothing', async () => {
    const s = await sim(k, { latencyMs: 30 });
    const { start, jobs, workspaces } = await setup(s);
    const first = await start({ segments: busySegments(s, 10) });
    await expect(start({ all: true })).rejects.toMatchObject({
      code: 'busy',
      message: `A sync of ${LABEL} is already running (in this window or from the command line). Wait for it to finish or cancel it.`,
    });
    expect(jobs.list().map((j) => j.jobId)).toEqual([first.jobId]);
    await jobs.wait(first.jobId);
    // Free again once it ended.
    const again = await start({ stored: true });
    expect(await jobs.wait(again.jobId)).toMatchObject({ state: 'done', result: { segments: 10 } });
    const overview = await (await workspaces.open(PROFILE)).store.overview();
    expect(overview.lastSync?.label).toBe('Sync the stored segments again');
  });

  it('a sync held by another process (the CLI) is busy here, and nothing is written', async () => {
    const s = await sim(k);
    const { start, jobs, workspaces, dataDir } = await setup(s);
    const child = fork(new URL('./lease-child.ts', import.meta.url), [dataDir], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const held = await new Promise<{ ok: boolean }>((resolve) =>
        child.once('message', (m) => resolve(m as { ok: boolean })),
      );
      expect(held.ok).toBe(true);
      await expect(start({ segments: busySegments(s, 3) })).rejects.toMatchObject({ code: 'busy' });
      expect(jobs.list()).toEqual([]);
      const overview = await (await workspaces.open(PROFILE)).store.overview();
      expect(overview).toMatchObject({ assessments: 0, comments: 0, segments: 0, lastSync: null });
      expect(s.log.filter((e) => e.path.includes('/QualityManagement/'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('cancel ends the job as cancelled and frees the lease', async () => {
    const s = await sim(k, { latencyMs: 40 });
    const { start, jobs, dataDir } = await setup(s);
    const snapshot = await start({ segments: busySegments(s, 30) }, { pageSize: 2 });
    await new Promise((r) => setTimeout(r, 300));
    jobs.cancel(snapshot.jobId);
    const final = await jobs.wait(snapshot.jobId);
    expect(final.state).toBe('cancelled');
    expect(existsSync(join(dataDir, LEASE_FILE))).toBe(false);
  });

  it('bad credentials fail the job with the auth error and free the lease', async () => {
    const s = await sim(k);
    const { start, jobs, dataDir } = await setup(s, 'wrong-token');
    const snapshot = await start({ segments: busySegments(s, 3) });
    const final = await jobs.wait(snapshot.jobId);
    expect(final).toMatchObject({ state: 'failed', error: { code: 'auth' } });
    expect(JSON.stringify(final)).not.toContain('wrong-token');
    expect(final.error?.message).toMatch(/Edit the account/);
    expect(existsSync(join(dataDir, LEASE_FILE))).toBe(false);
  });

  it('bad credentials of the Environment account point at its variables, not at editing it', async () => {
    const s = await sim(k);
    const { start, jobs } = await setup(s, 'wrong-token', ENV_PROFILE_ID);
    const final = await jobs.wait((await start({ segments: busySegments(s, 3) })).jobId);
    expect(final).toMatchObject({ state: 'failed', error: { code: 'auth' } });
    expect(final.error?.message).toMatch(/Environment account.*TWILIO_AUTH_TOKEN.*check those variables/);
    expect(final.error?.message).not.toMatch(/Edit the account/);
  });

  it('“sync again” with an empty store says there is nothing to sync', async () => {
    const s = await sim(k);
    const { start, jobs } = await setup(s);
    await expect(start({ stored: true })).rejects.toMatchObject({ code: 'nothing_to_sync' });
    expect(jobs.list()).toEqual([]);
  });
});
