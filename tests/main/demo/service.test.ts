// The demo workspace with real parts: accounts on a temp folder, the job runner, workspaces over
// the real SQLite store, the sync service and the real Flex client over the demo dispatcher. The
// keychain port only counts calls: the demo must never make one. Sockets are watched: none may open.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountsService, type AccountsService } from '../../../src-main/accounts/service.ts';
import { createDemoDispatcher } from '../../../src-main/demo/dispatcher.ts';
import { createDemoService, type DemoService } from '../../../src-main/demo/service.ts';
import { createFlexClient } from '../../../src-main/flex/client.ts';
import { createJobRunner } from '../../../src-main/jobs/runner.ts';
import type { JobRunner } from '../../../src-main/jobs/types.ts';
import { silentLogger, systemClock, type Ports, type SecretsPort } from '../../../src-main/ports.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { createSyncService, type SyncService } from '../../../src-main/sync/index.ts';
import { createWorkspaces, storeFileName } from '../../../src-main/workspaces/index.ts';
import type { Workspaces } from '../../../src-main/workspaces/types.ts';
import {
  AssessmentQuerySchema,
  type EventName,
  type Events,
  type JobSnapshot,
  type SyncResult,
} from '../../../src-preload/contract.ts';

/** The dataset the demo serves, as the dispatcher builds it: the expectations come from here. */
const dataset = createDemoDispatcher().dataset;

interface App {
  accounts: AccountsService;
  jobs: JobRunner;
  workspaces: Workspaces;
  sync: SyncService;
  demo: DemoService;
  close(): Promise<void>;
}

let userData: string;
let keychainCalls: string[];
let events: Array<{ name: EventName; payload: Events[EventName] }>;
const apps: App[] = [];

/** A keychain that records every call (and would work, so a call is a bug, not a failure). */
function countingSecrets(): SecretsPort {
  const map = new Map<string, string>();
  return {
    async get(id) {
      keychainCalls.push(`get ${id}`);
      return map.get(id) ?? null;
    },
    async set(id, secret) {
      keychainCalls.push(`set ${id}`);
      map.set(id, secret);
    },
    async delete(id) {
      keychainCalls.push(`delete ${id}`);
      return map.delete(id);
    },
  };
}

/** The services as the composition root wires them (services.ts), plus the demo service on top. */
async function startApp(): Promise<App> {
  const ports: Ports = {
    secrets: countingSecrets(),
    paths: { userData },
    shell: { openPath: async () => undefined },
    clock: systemClock,
    events: { emit: (name, payload) => void events.push({ name, payload: structuredClone(payload) }) },
    runtime: { appVersion: '0.0.0-test', electronVersion: null },
    logger: silentLogger,
    env: {},
  };
  const jobs = createJobRunner({ events: ports.events, clock: ports.clock, logger: ports.logger });
  const workspaces = createWorkspaces({
    accounts: { resolve: (id) => accounts.resolve(id), target: (id) => accounts.target(id) },
    jobs,
    paths: ports.paths,
    logger: ports.logger,
    openStore,
  });
  const accounts = await createAccountsService({
    ...ports,
    testConnection: () => Promise.reject(new Error('no connection test in these tests')),
    releaseData: (profileId) => workspaces.release(profileId),
  });
  const sync = createSyncService({ jobs, workspaces, clock: ports.clock, logger: ports.logger });
  const demo = createDemoService({ accounts, sync, jobs, workspaces });
  const app: App = {
    accounts,
    jobs,
    workspaces,
    sync,
    demo,
    async close() {
      await jobs.drain(5_000);
      await workspaces.close();
      await accounts.close();
    },
  };
  apps.push(app);
  return app;
}

async function ended(app: App, job: JobSnapshot | null): Promise<JobSnapshot> {
  expect(job).not.toBeNull();
  return app.jobs.wait(job!.jobId);
}

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'qm-demo-'));
  keychainCalls = [];
  events = [];
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const app of apps.splice(0)) await app.close();
  await rm(userData, { recursive: true, force: true });
});

/** A whole demo sync is tens of thousands of records: on a busy machine it takes a while. */
const FULL_SYNC = { timeout: 240_000 };

describe('demo.open', () => {
  it(
    'adds the demo account, makes it active and syncs exactly the demo dataset, with no socket and no keychain',
    FULL_SYNC,
    async () => {
      const connects = [
        vi.spyOn(net, 'connect'),
        vi.spyOn(net, 'createConnection'),
        vi.spyOn(tls, 'connect'),
        vi.spyOn(net.Socket.prototype, 'connect'),
      ];
      const app = await startApp();

      // Two quick clicks: one sync, answered to both.
      const [opened, twice] = await Promise.all([app.demo.open(), app.demo.open()]);
      expect(opened.profileId).toBe('demo');
      expect(opened.job).toMatchObject({ kind: 'sync', profileId: 'demo', label: 'Sync everything' });
      expect(twice.job?.jobId).toBe(opened.job?.jobId);
      const state = await app.accounts.list();
      expect(state.activeId).toBe('demo');
      expect(state.profiles).toEqual([
        expect.objectContaining({ id: 'demo', label: 'Demo data', source: 'demo', hasSecret: true }),
      ]);
      expect(events.map((e) => e.name)).toContain('accounts.switched');

      const final = await ended(app, opened.job);
      expect(final.state).toBe('done');
      expect(final.result as SyncResult).toMatchObject({
        assessments: dataset.assessmentCount,
        comments: dataset.commentCount,
        segments: dataset.segmentCount,
        segmentsSynced: dataset.segmentCount,
        failures: [],
        skippedNoSid: 0,
      });
      // Progress was reported on the way, as for a real account.
      const progress = events.filter((e) => e.name === 'jobs.progress').map((e) => e.payload as JobSnapshot);
      const records = dataset.assessmentCount + dataset.commentCount;
      expect(progress.some((p) => p.done > 0 && p.done < records)).toBe(true);

      const workspace = await app.workspaces.open('demo');
      expect(workspace.dataDir).toBe(join(userData, 'accounts', 'demo'));
      expect(existsSync(join(workspace.dataDir, storeFileName(dataset.accountSid)))).toBe(true);
      expect(await workspace.store.overview()).toEqual({
        accountSid: dataset.accountSid,
        assessments: dataset.assessmentCount,
        comments: dataset.commentCount,
        segments: dataset.segmentCount,
        agents: dataset.agentIds().length,
        lastSync: expect.objectContaining({ status: 'done', label: 'Sync everything' }),
      });
      // A segment assessed by several reviewers arrived whole.
      const shared = dataset.multiAssessorSegmentIds()[0]!;
      const { profileId: _, ...query } = AssessmentQuerySchema.parse({
        profileId: 'demo',
        filters: { segmentIds: [shared] },
        limit: 1,
      });
      expect((await workspace.store.assessments(query)).total).toBe(
        dataset.countAssessments({ segmentId: shared }),
      );

      // Complete: opening again has nothing to do, and adds no second demo profile.
      expect(await app.demo.open()).toEqual({ profileId: 'demo', job: null });
      const file = JSON.parse(await readFile(join(userData, 'profiles.json'), 'utf8'));
      expect(file.version).toBe(1);
      expect(file.profiles.map((p: { id: string }) => p.id)).toEqual(['demo']);
      expect(app.jobs.list()).toHaveLength(1);

      for (const spy of connects) expect(spy).not.toHaveBeenCalled();
      expect(keychainCalls).toEqual([]);
      // The watch is real: a request over the network is seen by it.
      await request('http://127.0.0.1:9/', { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
      expect(connects.some((spy) => spy.mock.calls.length > 0)).toBe(true);
    },
  );

  it(
    'answers a sync already running instead of failing as busy, and resumes a stopped one after a restart',
    FULL_SYNC,
    async () => {
      const before = await startApp();
      await before.accounts.openDemo();
      const started = await before.sync.start({
        profileId: 'demo',
        target: { segments: [], agents: [], reservations: [], conversations: [], all: true, stored: false },
        options: { concurrency: 4, pageSize: 500 },
      });
      const opened = await before.demo.open();
      expect(opened.job?.jobId).toBe(started.jobId);

      // Stopped once some pages are in: the next open must go on, not call it complete.
      await vi.waitFor(
        async () => {
          const overview = await (await before.workspaces.open('demo')).store.overview();
          expect(overview.assessments).toBeGreaterThan(0);
        },
        { timeout: 60_000, interval: 20 },
      );
      before.jobs.cancel(started.jobId);
      expect((await before.jobs.wait(started.jobId)).state).toBe('cancelled');
      await before.close();
      apps.splice(apps.indexOf(before), 1);

      const after = await startApp();
      expect((await after.accounts.list()).profiles).toEqual([
        expect.objectContaining({ id: 'demo', source: 'demo' }),
      ]);
      const resumed = await after.demo.open();
      expect((await ended(after, resumed.job)).state).toBe('done');
      expect(await (await after.workspaces.open('demo')).store.overview()).toMatchObject({
        assessments: dataset.assessmentCount,
        comments: dataset.commentCount,
        segments: dataset.segmentCount,
      });
      expect(await after.demo.open()).toEqual({ profileId: 'demo', job: null });
      expect(keychainCalls).toEqual([]);
    },
  );
});

describe('demo.remove', () => {
  it('cancels the running sync, removes the profile and its folder, and leaves the reviewer’s own account alone', async () => {
    const app = await startApp();
    const own = await app.accounts.add({
      profile: {
        label: 'Support EU',
        accountSid: `AC${'1'.repeat(32)}`,
        credential: { kind: 'authToken' },
        region: null,
        edge: null,
        baseUrl: 'http://127.0.0.1:9',
        color: '#3b82f6',
      },
      secret: 'token-of-a-real-account',
      sessionOnly: false,
    });
    const { job } = await app.demo.open();
    expect((await app.accounts.list()).activeId).toBe('demo');
    const dataDir = app.accounts.dataDirOf('demo');
    expect(existsSync(dataDir)).toBe(true);

    expect(await app.demo.remove()).toBeNull();
    expect((await app.jobs.wait(job!.jobId)).state).toBe('cancelled');
    const state = await app.accounts.list();
    expect(state.profiles.map((p) => p.id)).toEqual([own.id]);
    expect(state.activeId).toBeNull();
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(app.accounts.dataDirOf(own.id))).toBe(true);
    const file = JSON.parse(await readFile(join(userData, 'profiles.json'), 'utf8'));
    expect(file).toMatchObject({ version: 1, activeId: null, profiles: [{ id: own.id }] });
    // Only the reviewer's own account went near the keychain.
    expect(keychainCalls.length).toBeGreaterThan(0);
    expect(keychainCalls.every((call) => call.endsWith(` ${own.id}`))).toBe(true);

    // Removing what is not there is no error.
    expect(await app.demo.remove()).toBeNull();
  });
});

describe('the demo client', () => {
  it('is the real Flex client over the demo dispatcher: it signs in with the public demo account', async () => {
    const dispatcher = createDemoDispatcher();
    const app = await startApp();
    await app.accounts.openDemo();
    const target = await app.accounts.target('demo');
    expect(target).toEqual({
      accountSid: dispatcher.account.accountSid,
      username: dispatcher.account.username,
      password: dispatcher.account.password,
      region: null,
      edge: null,
      baseUrl: dispatcher.origin,
    });
    const client = createFlexClient(target, { dispatcher });
    try {
      expect((await client.testConnection()).status).toBe('ok');
    } finally {
      await client.close();
      await dispatcher.destroy();
    }
  });
});
