// The composition root with real parts: accounts on a temp folder, the job runner, workspaces
// over the real SQLite store. Only the keychain is the in-memory one.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { silentLogger, systemClock, type Ports } from '../../../src-main/ports.ts';
import { createServices, type Services } from '../../../src-main/services.ts';
import { storeFileName } from '../../../src-main/workspaces/index.ts';
import { ProfileInputSchema, type EventName, type SyncResult } from '../../../src-preload/contract.ts';

const SID_A = 'AC0123456789abcdef0123456789abcdef';
const SID_B = 'ACfedcba9876543210fedcba9876543210';
const profileInput = (accountSid: string) =>
  ProfileInputSchema.parse({
    label: 'Support EU',
    accountSid,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: 'http://127.0.0.1:9',
  });

let userData: string;
let services: Services;
let events: EventName[];
beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'qm-services-'));
  events = [];
  const ports: Ports = {
    secrets: createMemorySecrets(),
    paths: { userData },
    shell: { openPath: async () => undefined },
    clock: systemClock,
    events: { emit: (name) => void events.push(name) },
    runtime: { appVersion: '0.0.0-test', electronVersion: null },
    logger: silentLogger,
    env: {},
  };
  services = await createServices(ports);
});
afterEach(async () => {
  await services.close();
  await rm(userData, { recursive: true, force: true });
});

const emptyResult: SyncResult = {
  kind: 'sync',
  segments: 0,
  segmentsSynced: 0,
  assessments: 0,
  comments: 0,
  removed: 0,
  skippedNoSid: 0,
  failures: [],
  rateLimited: 0,
};

describe('services with real stores', () => {
  it('opens the account store named after its SID, and answers queries with the profile id', async () => {
    const { id } = await services.accounts.add({
      profile: profileInput(SID_A),
      secret: 'tok',
      sessionOnly: false,
    });
    const overview = await services.review.store.overview({ profileId: id });
    expect(overview).toMatchObject({ profileId: id, accountSid: SID_A, assessments: 0, comments: 0 });
    const dataDir = services.accounts.dataDirOf(id);
    expect(await readdir(dataDir)).toContain(storeFileName(SID_A));
    const window = await services.review.store.assessments({
      profileId: id,
      filters: {},
      sort: [],
      offset: 0,
      limit: 10,
    });
    expect(window).toEqual({ profileId: id, total: 0, offset: 0, rows: [] });
  });

  it('gives an account edited to another Account SID a fresh store', async () => {
    const { id } = await services.accounts.add({
      profile: profileInput(SID_A),
      secret: 'tok',
      sessionOnly: false,
    });
    expect((await services.review.store.overview({ profileId: id })).accountSid).toBe(SID_A);
    await services.accounts.update({ id, profile: profileInput(SID_B), secret: 'tok-b' });
    expect((await services.review.store.overview({ profileId: id })).accountSid).toBe(SID_B);
    const files = await readdir(services.accounts.dataDirOf(id));
    expect(files).toEqual(expect.arrayContaining([storeFileName(SID_A), storeFileName(SID_B)]));
  });

  it('removing an account with its data cancels its jobs and closes its store before the folder goes', async () => {
    const { id } = await services.accounts.add({
      profile: profileInput(SID_A),
      secret: 'tok',
      sessionOnly: false,
    });
    const workspace = await services.workspaces.open(id);
    const dataDir = workspace.dataDir;
    const seen: boolean[] = [];
    const job = services.jobs.start({
      kind: 'sync',
      profileId: id,
      label: 'Sync everything',
      run: (ctx) =>
        new Promise<never>((_done, fail) =>
          ctx.signal.addEventListener('abort', () => {
            // Still there when the job is told to stop: nothing is deleted under a running job.
            seen.push(existsSync(dataDir));
            fail(ctx.signal.reason);
          }),
        ),
    });
    await services.accounts.remove({ id, deleteData: true });
    expect(seen).toEqual([true]);
    expect(await services.jobs.wait(job.jobId)).toMatchObject({ state: 'cancelled' });
    expect(existsSync(dataDir)).toBe(false);
    await expect(workspace.store.overview()).rejects.toMatchObject({ code: 'store_closed' });
    expect(events).toContain('jobs.done');
  });

  it('lists jobs across calls and closes with running jobs cancelled', async () => {
    const { id } = await services.accounts.add({
      profile: profileInput(SID_A),
      secret: 'tok',
      sessionOnly: false,
    });
    const done = services.jobs.start({
      kind: 'sync',
      profileId: id,
      label: 'Quick',
      run: async () => emptyResult,
    });
    await services.jobs.wait(done.jobId);
    const running = services.jobs.start({
      kind: 'sync',
      profileId: id,
      label: 'Long',
      run: (ctx) =>
        new Promise<never>((_done, fail) =>
          ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)),
        ),
    });
    expect(services.jobs.list().map((j) => [j.label, j.state])).toEqual([
      ['Quick', 'done'],
      ['Long', 'running'],
    ]);
    await services.close();
    expect(services.jobs.list().find((j) => j.jobId === running.jobId)?.state).toBe('cancelled');
  });
});
