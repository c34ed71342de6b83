import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import type { FlexClient } from '../../../src-main/flex/client.ts';
import type { FlexTarget } from '../../../src-main/flex/types.ts';
import { silentLogger } from '../../../src-main/ports.ts';
import type { Store, StoreOpenOptions } from '../../../src-main/store/types.ts';
import { createWorkspaces, storeFileName, type WorkspacesDeps } from '../../../src-main/workspaces/index.ts';
import { createReviewQueries } from '../../../src-main/workspaces/queries.ts';
import type { ProfileView } from '../../../src-preload/contract.ts';

const SID_A = 'AC0123456789ABCDEF0123456789abcdef';
const SID_B = 'ACfedcba9876543210fedcba9876543210';

let userData: string;
beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'qm-workspaces-'));
});
afterEach(async () => {
  await rm(userData, { recursive: true, force: true });
});

/** The store's contract as far as workspaces use it; the real one is tested in tests/main/store. */
function fakeStore(options: StoreOpenOptions, order: string[]): Store {
  const fail = () => Promise.reject(new Error('not used here'));
  const used: Partial<Store> = {
    file: options.file,
    accountSid: options.accountSid,
    overview: async () => ({
      accountSid: options.accountSid,
      assessments: 3,
      comments: 1,
      segments: 1,
      agents: 1,
      lastSync: null,
    }),
    segments: async (q) => ({ total: 0, offset: q.offset, rows: [] }),
    agents: async () => [{ agentId: 'a1', name: 'Ada', team: null, segments: 2 }],
    assessments: async (q) => ({ total: 7, offset: q.offset, rows: [] }),
    comments: async (q) => ({ total: 0, offset: q.offset, rows: [] }),
    distinct: async (q) => ({ column: q.column, values: [] }),
    close: vi.fn(async () => {
      // The folder must still be there while the store closes (its WAL is flushed into it).
      order.push(`store closed ${existsSync(options.file) ? 'with' : 'without'} its file`);
    }),
  };
  // Every other method of the store is not used by workspaces: calling one fails the test. (Not
  // `then`: the store must not look like a promise.)
  return new Proxy(used, {
    get: (target, key) =>
      key in target || typeof key !== 'string' || key === 'then' ? Reflect.get(target, key) : fail,
  }) as Store;
}

function setup(overrides: Partial<WorkspacesDeps> = {}) {
  const order: string[] = [];
  const profiles = new Map<string, { accountSid: string; secret: string | null }>([
    ['p1', { accountSid: SID_A, secret: 'token-1' }],
  ]);
  const dataDirOf = (id: string) => join(userData, 'accounts', id);
  const view = (id: string): ProfileView => ({
    id,
    label: id,
    accountSid: profiles.get(id)!.accountSid,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: 'http://127.0.0.1:1',
    color: '#3b82f6',
    hasSecret: profiles.get(id)!.secret !== null,
    source: 'file',
    sessionOnly: false,
  });
  const accounts = {
    resolve: vi.fn(async (id: string) => {
      if (!profiles.has(id)) throw new AppError('profile_not_found', 'That account no longer exists.');
      return { profile: view(id), dataDir: dataDirOf(id) };
    }),
    target: vi.fn(async (id: string): Promise<FlexTarget> => {
      const p = profiles.get(id)!;
      if (p.secret === null) throw new AppError('secret_missing', 'No Auth Token is stored.');
      return {
        accountSid: p.accountSid,
        username: p.accountSid,
        password: p.secret,
        region: null,
        edge: null,
        baseUrl: 'http://127.0.0.1:1',
      };
    }),
  };
  const stores: Store[] = [];
  const openStore = vi.fn(async (options: StoreOpenOptions) => {
    // The real store creates its file (and folder) on open.
    await mkdir(join(options.file, '..'), { recursive: true });
    await writeFile(options.file, '');
    const store = fakeStore(options, order);
    stores.push(store);
    return store;
  });
  const clients: Array<{ target: FlexTarget; close: ReturnType<typeof vi.fn> }> = [];
  const createClient = vi.fn((target: FlexTarget) => {
    const client = { target, close: vi.fn(async () => void order.push('client closed')) };
    clients.push(client);
    return client as unknown as FlexClient;
  });
  const jobs = { cancelProfile: vi.fn(async (id: string) => void order.push(`jobs of ${id} cancelled`)) };
  const workspaces = createWorkspaces({
    accounts,
    jobs,
    paths: { userData },
    logger: silentLogger,
    openStore,
    createClient,
    ...overrides,
  });
  return { workspaces, accounts, profiles, openStore, stores, createClient, clients, jobs, order, dataDirOf };
}

describe('workspaces', () => {
  it('opens an account lazily, once, and shares it between concurrent callers', async () => {
    const { workspaces, openStore, dataDirOf } = setup();
    expect(openStore).not.toHaveBeenCalled();
    const [a, b] = await Promise.all([workspaces.open('p1'), workspaces.open('p1')]);
    const c = await workspaces.open('p1');
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(openStore).toHaveBeenCalledTimes(1);
    expect(openStore).toHaveBeenCalledWith({
      file: join(dataDirOf('p1'), `store-${SID_A.toLowerCase()}.sqlite`),
      accountSid: SID_A,
    });
    expect(a).toMatchObject({ profileId: 'p1', label: 'p1', accountSid: SID_A, dataDir: dataDirOf('p1') });
  });

  it('names the store after the Account SID, in lower case', () => {
    expect(storeFileName(SID_A)).toBe('store-ac0123456789abcdef0123456789abcdef.sqlite');
  });

  it('gives a profile whose Account SID changed a fresh store and closes the old one', async () => {
    const { workspaces, profiles, openStore, stores, order } = setup();
    const before = await workspaces.open('p1');
    profiles.set('p1', { accountSid: SID_B, secret: 'token-b' });
    const after = await workspaces.open('p1');
    expect(after).not.toBe(before);
    expect(after.accountSid).toBe(SID_B);
    expect(openStore).toHaveBeenLastCalledWith(expect.objectContaining({ accountSid: SID_B }));
    expect(after.store.file).not.toBe(before.store.file);
    await vi.waitFor(() => expect(stores[0]!.close).toHaveBeenCalled());
    expect(stores[1]!.close).not.toHaveBeenCalled();
    expect(order).toEqual(['store closed with its file']);
  });

  it('does not cache a store that failed to open', async () => {
    const { workspaces, openStore } = setup();
    const refuse = new AppError('store_account_mismatch', 'This store belongs to another account.');
    openStore.mockRejectedValueOnce(refuse);
    await expect(workspaces.open('p1')).rejects.toBe(refuse);
    await expect(workspaces.open('p1')).resolves.toMatchObject({ profileId: 'p1' });
    expect(openStore).toHaveBeenCalledTimes(2);
  });

  it('opens the store without the secret, and creates the client on first use only', async () => {
    const { workspaces, profiles, accounts, createClient } = setup();
    profiles.set('p1', { accountSid: SID_A, secret: null });
    const workspace = await workspaces.open('p1');
    expect(accounts.target).not.toHaveBeenCalled();
    await expect(workspace.client()).rejects.toMatchObject({ code: 'secret_missing' });
    expect(createClient).not.toHaveBeenCalled();
    // The reviewer pastes the secret: the next call works, and later calls share the client.
    profiles.set('p1', { accountSid: SID_A, secret: 'token-1' });
    const [one, two] = await Promise.all([workspace.client(), workspace.client()]);
    expect(one).toBe(two);
    expect(createClient).toHaveBeenCalledTimes(1);
    expect(createClient).toHaveBeenCalledWith(
      expect.objectContaining({ accountSid: SID_A, password: 'token-1' }),
    );
  });

  it('replaces the client when the credentials change, closing the stale one', async () => {
    const { workspaces, profiles, clients } = setup();
    const workspace = await workspaces.open('p1');
    const first = await workspace.client();
    profiles.set('p1', { accountSid: SID_A, secret: 'token-2' });
    const second = await workspace.client();
    expect(second).not.toBe(first);
    expect(clients.map((c) => c.target.password)).toEqual(['token-1', 'token-2']);
    await vi.waitFor(() => expect(clients[0]!.close).toHaveBeenCalled());
  });

  it('refuses a client for another Account SID than the open store', async () => {
    const { workspaces, profiles, createClient } = setup();
    const workspace = await workspaces.open('p1');
    profiles.set('p1', { accountSid: SID_B, secret: 'token-b' });
    await expect(workspace.client()).rejects.toMatchObject({ code: 'store_account_mismatch' });
    expect(createClient).not.toHaveBeenCalled();
  });

  it('destroys in order: jobs cancelled, store and client closed, then the folder deleted', async () => {
    const { workspaces, order, dataDirOf } = setup();
    const workspace = await workspaces.open('p1');
    await workspace.client();
    expect(existsSync(dataDirOf('p1'))).toBe(true);
    await workspaces.destroy('p1');
    expect(order).toEqual(['jobs of p1 cancelled', 'store closed with its file', 'client closed']);
    expect(existsSync(dataDirOf('p1'))).toBe(false);
    await expect(workspace.client()).rejects.toMatchObject({ code: 'store_closed' });
  });

  it('destroys the folder of an account that was never opened', async () => {
    const { workspaces, openStore, dataDirOf } = setup();
    await mkdir(dataDirOf('p1'), { recursive: true });
    await workspaces.destroy('p1');
    expect(openStore).not.toHaveBeenCalled();
    expect(existsSync(dataDirOf('p1'))).toBe(false);
  });

  it('never deletes a folder outside userData/accounts', async () => {
    const outside = join(userData, 'elsewhere');
    await mkdir(outside);
    const { workspaces, jobs } = setup({
      accounts: {
        resolve: async () => ({ profile: {} as ProfileView, dataDir: outside }),
        target: () => Promise.reject(new Error('unused')),
      },
    });
    await expect(workspaces.destroy('p1')).rejects.toMatchObject({ code: 'data_folder_failed' });
    expect(existsSync(outside)).toBe(true);
    expect(jobs.cancelProfile).not.toHaveBeenCalled();
  });

  it('releases an account (for the accounts service) without deleting its folder', async () => {
    const { workspaces, stores, jobs, dataDirOf } = setup();
    await workspaces.open('p1');
    await workspaces.release('p1');
    expect(jobs.cancelProfile).toHaveBeenCalledWith('p1');
    expect(stores[0]!.close).toHaveBeenCalled();
    expect(existsSync(dataDirOf('p1'))).toBe(true);
    // Opened again afterwards, it is a new workspace over the same file.
    const again = await workspaces.open('p1');
    expect(again.store).toBe(stores[1]);
    expect(stores[1]!.file).toBe(stores[0]!.file);
  });

  it('closes every workspace on quit and opens none afterwards', async () => {
    const { workspaces, profiles, stores } = setup();
    profiles.set('p2', { accountSid: SID_B, secret: 'x' });
    await Promise.all([workspaces.open('p1'), workspaces.open('p2')]);
    await workspaces.close();
    expect(stores.map((s) => vi.mocked(s.close).mock.calls.length)).toEqual([1, 1]);
    await expect(workspaces.open('p1')).rejects.toMatchObject({ code: 'store_closed' });
  });
});

describe('store queries', () => {
  it('answer from the named account and echo its profile id', async () => {
    const { workspaces } = setup();
    const queries = createReviewQueries(workspaces).store;
    expect(await queries.overview({ profileId: 'p1' })).toEqual({
      profileId: 'p1',
      accountSid: SID_A,
      assessments: 3,
      comments: 1,
      segments: 1,
      agents: 1,
      lastSync: null,
    });
    expect(
      await queries.assessments({ profileId: 'p1', filters: {}, sort: [], offset: 40, limit: 20 }),
    ).toEqual({ profileId: 'p1', total: 7, offset: 40, rows: [] });
    expect(await queries.agents({ profileId: 'p1', search: 'a', limit: 5 })).toEqual({
      profileId: 'p1',
      agents: [{ agentId: 'a1', name: 'Ada', team: null, segments: 2 }],
    });
    expect(
      await queries.distinct({
        profileId: 'p1',
        kind: 'assessments',
        column: 'team',
        filters: {},
        limit: 10,
      }),
    ).toEqual({ profileId: 'p1', column: 'team', values: [] });
    await expect(queries.overview({ profileId: 'gone' })).rejects.toMatchObject({
      code: 'profile_not_found',
    });
  });
});
