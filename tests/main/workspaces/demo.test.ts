// The demo account's workspace: the real Flex client over its own in-process demo dispatcher
// (no socket), one per workspace, ended when the workspace is let go of.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountsService, type AccountsService } from '../../../src-main/accounts/service.ts';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { DEMO_ACCOUNT } from '../../../src-main/demo/account.ts';
import type { FlexClient } from '../../../src-main/flex/client.ts';
import { silentLogger, systemClock } from '../../../src-main/ports.ts';
import { openStore } from '../../../src-main/store/index.ts';
import { createWorkspaces, storeFileName } from '../../../src-main/workspaces/index.ts';
import type { Workspaces } from '../../../src-main/workspaces/types.ts';

let userData: string;
let accounts: AccountsService;
let workspaces: Workspaces;
let created: string[];

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'qm-demo-workspace-'));
  created = [];
  accounts = await createAccountsService({
    secrets: createMemorySecrets(),
    paths: { userData },
    shell: { openPath: async () => undefined },
    clock: systemClock,
    events: { emit: () => undefined },
    runtime: { appVersion: '0.0.0-test', electronVersion: null },
    logger: silentLogger,
    env: {},
    testConnection: () => Promise.reject(new Error('not used')),
    releaseData: (id) => workspaces.release(id),
  });
  workspaces = createWorkspaces({
    accounts,
    jobs: { cancelProfile: async () => undefined },
    paths: { userData },
    logger: silentLogger,
    openStore,
    // Only accounts other than the demo get this one.
    createClient: (target) => {
      created.push(target.accountSid);
      return { close: async () => undefined } as unknown as FlexClient;
    },
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await workspaces.close();
  await accounts.close();
  await rm(userData, { recursive: true, force: true });
});

describe('the demo workspace', () => {
  it('opens its store in accounts/demo and talks to the demo data in-process, with no socket', async () => {
    const socket = vi.spyOn(net.Socket.prototype, 'connect');
    await accounts.openDemo();
    const workspace = await workspaces.open('demo');
    expect(workspace.store.file).toBe(
      join(userData, 'accounts', 'demo', storeFileName(DEMO_ACCOUNT.accountSid)),
    );
    const client = await workspace.client();
    expect(await workspace.client()).toBe(client); // one client, one dispatcher, shared
    expect((await client.testConnection()).status).toBe('ok');
    const first = await client.assessments({}, { pageSize: 5 })[Symbol.asyncIterator]().next();
    expect(first.value?.items).toHaveLength(5);
    expect(first.value?.items[0]?.account_sid).toBe(DEMO_ACCOUNT.accountSid);
    expect(created).toEqual([]);
    expect(socket).not.toHaveBeenCalled();
  });

  it('ends its dispatcher on release, and a new open gets a fresh one', async () => {
    await accounts.openDemo();
    const client = await (await workspaces.open('demo')).client();
    await workspaces.release('demo');
    // The client of a released workspace has no API behind it any more.
    expect((await client.testConnection()).status).not.toBe('ok');
    const again = await (await workspaces.open('demo')).client();
    expect(again).not.toBe(client);
    expect((await again.testConnection()).status).toBe('ok');
  });

  it('ends its dispatcher when the workspaces close', async () => {
    await accounts.openDemo();
    const client = await (await workspaces.open('demo')).client();
    await workspaces.close();
    expect((await client.testConnection()).status).not.toBe('ok');
  });

  it('does not bring back the folder of an account removed while a request was opening it', async () => {
    await accounts.openDemo();
    const dir = accounts.dataDirOf('demo');
    // A request (the renderer's overview) has looked the profile up; the removal runs before it goes on.
    let lookedUp!: () => void;
    const found = new Promise<void>((resolve) => (lookedUp = resolve));
    let proceed!: () => void;
    const gate = new Promise<void>((resolve) => (proceed = resolve));
    const racing = createWorkspaces({
      accounts: {
        resolve: async (id) => {
          const resolved = await accounts.resolve(id);
          lookedUp();
          await gate;
          return resolved;
        },
        target: (id) => accounts.target(id),
      },
      jobs: { cancelProfile: async () => undefined },
      paths: { userData },
      logger: silentLogger,
      openStore,
    });
    const opening = racing.open('demo');
    await found;
    await racing.release('demo'); // what accounts.remove does before deleting the folder
    await accounts.remove({ id: 'demo', deleteData: true });
    proceed();
    await expect(opening).rejects.toMatchObject({ code: 'profile_not_found' });
    expect(existsSync(dir)).toBe(false);
    await racing.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves other accounts on their own client', async () => {
    const own = await accounts.add({
      profile: {
        label: 'Support EU',
        accountSid: `AC${'2'.repeat(32)}`,
        credential: { kind: 'authToken' },
        region: null,
        edge: null,
        baseUrl: 'http://127.0.0.1:9',
        color: '#3b82f6',
      },
      secret: 'token',
      sessionOnly: false,
    });
    await (await workspaces.open(own.id)).client();
    expect(created).toEqual([`AC${'2'.repeat(32)}`]);
  });
});
