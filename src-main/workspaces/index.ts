/**
 * One scope per account: its store and its Flex client, opened on first use and shared by every
 * request and job of that account. The store file is named after the Account SID, so a profile
 * edited to point at another Twilio account gets a fresh store instead of mixing the two.
 */
import { readdir, rm } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { createDemoDispatcher } from '../demo/dispatcher.ts';
import { AppError } from '../errors.ts';
import { createFlexClient, type FlexClient } from '../flex/client.ts';
import { createAdaptiveLimiter } from '../flex/limiter.ts';
import type { FlexTarget } from '../flex/types.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { LoggerPort, PathsPort } from '../ports.ts';
import type { Store, StoreOpenOptions } from '../store/types.ts';
import { LEASE_FILE, acquireLease } from '../sync/lease.ts';
import type { Workspace, Workspaces } from './types.ts';
import type { ProfileView } from '../../src-preload/contract.ts';

/** What workspaces need from the accounts service (AccountsService has both). */
export interface WorkspaceAccounts {
  /** The profile and its data folder; no secret involved, so cached data opens without the keychain. */
  resolve(profileId: string): Promise<{ profile: ProfileView; dataDir: string }>;
  /** Where and as whom to connect (reads the secret; `secret_missing` when there is none). */
  target(profileId: string): Promise<FlexTarget>;
}

export interface WorkspacesDeps {
  accounts: WorkspaceAccounts;
  jobs: Pick<JobRunner, 'cancelProfile'>;
  paths: PathsPort;
  logger: LoggerPort;
  openStore: (options: StoreOpenOptions) => Promise<Store>;
  /** Default: a Flex client with the account's own adaptive concurrency limiter. */
  createClient?: (target: FlexTarget) => FlexClient;
}

/** `store-ac0123….sqlite`: the Account SID in the name keeps two accounts' data apart. */
export function storeFileName(accountSid: string): string {
  return `store-${accountSid.toLowerCase()}.sqlite`;
}

/** A client and what it alone uses: the demo's in-process API goes when its client goes. */
interface OpenClient {
  target: FlexTarget;
  client: FlexClient;
  close(): Promise<void>;
}

interface Entry {
  profileId: string;
  accountSid: string;
  /** The built-in demo account: its client answers from the generator, in this process. */
  demo: boolean;
  dataDir: string;
  file: string;
  /** The workspace once its store opened; shared by concurrent opens. */
  ready: Promise<Workspace>;
  client: OpenClient | null;
  closed: boolean;
}

const defaultClient = (target: FlexTarget): FlexClient =>
  createFlexClient(target, { limiter: createAdaptiveLimiter() });

/** The real Flex client over the demo's own dispatcher: no socket, no network, one per workspace. */
function demoClient(target: FlexTarget): OpenClient {
  const dispatcher = createDemoDispatcher();
  const client = createFlexClient(target, { dispatcher, limiter: createAdaptiveLimiter() });
  return {
    target,
    client,
    async close() {
      // The client leaves a dispatcher it was given open: it is ours to end.
      try {
        await client.close();
      } finally {
        await dispatcher.destroy();
      }
    },
  };
}

export function createWorkspaces(deps: WorkspacesDeps): Workspaces {
  const { accounts, jobs, paths, logger, openStore } = deps;
  const createClient = deps.createClient ?? defaultClient;
  const entries = new Map<string, Entry>();
  /** Closes still running for workspaces already taken out of the map. */
  const closing = new Set<Promise<void>>();
  let shut = false;
  /** How often each profile was released: an open that overlapped a release looks its profile up again. */
  const releases = new Map<string, number>();
  /** Clears under way per profile: opens wait for them, so no store file is created while files go. */
  const clearing = new Map<string, Promise<void>>();

  function ownClient(target: FlexTarget): OpenClient {
    const client = createClient(target);
    return { target, client, close: () => client.close() };
  }

  function closeLater(entry: Entry): Promise<void> {
    const done = closeEntry(entry).finally(() => closing.delete(done));
    closing.add(done);
    return done;
  }

  async function closeEntry(entry: Entry): Promise<void> {
    entry.closed = true;
    const workspace = await entry.ready.catch(() => null);
    const { profileId } = entry;
    await workspace?.store
      .close()
      .catch((error: unknown) =>
        logger.warn('An account store did not close cleanly', { profileId, reason: reason(error) }),
      );
    const client = entry.client;
    entry.client = null;
    await client
      ?.close()
      .catch((error: unknown) =>
        logger.warn('An account client did not close cleanly', { profileId, reason: reason(error) }),
      );
  }

  function createEntry(profile: ProfileView, dataDir: string, file: string): Entry {
    const client = async (): Promise<FlexClient> => {
      if (entry.closed) throw closedError();
      const target = await accounts.target(entry.profileId);
      if (entry.closed) throw closedError();
      if (target.accountSid.toLowerCase() !== entry.accountSid.toLowerCase()) {
        // The profile was edited to another account after this workspace opened: never mix the two.
        throw new AppError(
          'store_account_mismatch',
          'This account now points at another Account SID. Start again so QM Desk opens the right store.',
          { detail: { profileId: entry.profileId } },
        );
      }
      if (entry.client && sameTarget(entry.client.target, target)) return entry.client.client;
      // New credentials or address (the reviewer edited the account): the old client is stale.
      const stale = entry.client;
      entry.client = entry.demo ? demoClient(target) : ownClient(target);
      void stale?.close().catch(() => undefined);
      return entry.client.client;
    };
    const entry: Entry = {
      profileId: profile.id,
      accountSid: profile.accountSid,
      demo: profile.source === 'demo',
      dataDir,
      file,
      ready: openStore({ file, accountSid: profile.accountSid }).then((store): Workspace => ({
        profileId: profile.id,
        label: profile.label,
        accountSid: profile.accountSid,
        dataDir,
        store,
        client,
      })),
      client: null,
      closed: false,
    };
    entry.ready.catch(() => {
      // A failed open is not cached: the next open tries again (the reviewer may have fixed the cause).
      if (entries.get(profile.id) === entry) entries.delete(profile.id);
    });
    return entry;
  }

  async function release(profileId: string): Promise<void> {
    releases.set(profileId, (releases.get(profileId) ?? 0) + 1);
    await jobs.cancelProfile(profileId);
    const entry = entries.get(profileId);
    if (!entry) return;
    entries.delete(profileId);
    await closeLater(entry);
  }

  /** Only ever a folder under userData/accounts/: a wrong path must never become a recursive delete. */
  function checkedDataDir(dir: string): string {
    const path = relative(join(paths.userData, 'accounts'), dir);
    if (path === '' || path.startsWith('..') || isAbsolute(path)) {
      throw new AppError(
        'data_folder_failed',
        `QM Desk refused to delete ${dir}: it is not an account's data folder.`,
        {
          detail: { path: dir },
        },
      );
    }
    return dir;
  }

  return {
    async open(profileId) {
      if (shut) throw closedError();
      let profile: ProfileView;
      let dataDir: string;
      for (;;) {
        await clearing.get(profileId)?.catch(() => undefined);
        const before = releases.get(profileId) ?? 0;
        ({ profile, dataDir } = await accounts.resolve(profileId));
        if (shut) throw closedError();
        // Released while it was being looked up (the account is being removed, or its data
        // cleared): what was found may be gone, and opening its store now would bring back the
        // folder or the files just deleted. Look again.
        if ((releases.get(profileId) ?? 0) === before && !clearing.has(profileId)) break;
      }
      const file = join(dataDir, storeFileName(profile.accountSid));
      // Checked and set with no await in between, so concurrent opens share one entry.
      const current = entries.get(profileId);
      if (current && current.file === file) return current.ready;
      if (current) {
        // The Account SID changed: the old store belongs to the other account.
        entries.delete(profileId);
        void closeLater(current);
      }
      const entry = createEntry(profile, dataDir, file);
      entries.set(profileId, entry);
      return entry.ready;
    },

    release,

    async destroy(profileId) {
      const dataDir = entries.get(profileId)?.dataDir ?? (await accounts.resolve(profileId)).dataDir;
      const dir = checkedDataDir(dataDir);
      await release(profileId);
      await rm(dir, { recursive: true, force: true });
    },

    clear(profileId) {
      // Set before the first await, so an open arriving now already waits for it.
      const previous = clearing.get(profileId);
      const run = (async () => {
        await previous?.catch(() => undefined);
        const { profile, dataDir } = await accounts.resolve(profileId);
        const dir = checkedDataDir(dataDir);
        await release(profileId);
        await deleteContents(dir, profile.label);
      })();
      const done = run.finally(() => {
        if (clearing.get(profileId) === done) clearing.delete(profileId);
      });
      clearing.set(profileId, done);
      return done;
    },

    async close() {
      shut = true;
      const open = [...entries.values()];
      entries.clear();
      await Promise.all([...open.map(closeLater), ...closing]);
    },
  };
}

/**
 * Deletes everything in an account's data folder (its stores, their -wal/-shm, sync state) but
 * the folder itself. Under the account's sync lease: a sync from the command line keeps its files
 * (the reviewer gets `busy`), and none can start while they go.
 */
async function deleteContents(dir: string, accountLabel: string): Promise<void> {
  const list = () =>
    readdir(dir).catch((error: unknown) => {
      throw clearFailed(dir, error);
    });
  try {
    if ((await readdir(dir)).length === 0) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // never opened: nothing cached
    throw clearFailed(dir, error);
  }
  const lease = await acquireLease(dir, { accountLabel, label: 'Clearing cached data' });
  try {
    // Listed again under the lease: from here on nothing adds a file.
    for (const name of await list()) {
      if (name.startsWith(LEASE_FILE)) continue; // ours (released below), or a take-over guard
      await rm(join(dir, name), { recursive: true, force: true }).catch((error: unknown) => {
        throw clearFailed(dir, error);
      });
    }
  } finally {
    await lease.release();
  }
}

function clearFailed(dir: string, error: unknown): AppError<'data_folder_failed'> {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new AppError(
    'data_folder_failed',
    `QM Desk could not delete this account's cached data (${code}). Close other programs using ${dir} and try again.`,
    { detail: { path: dir, reason: code } },
  );
}

function sameTarget(a: FlexTarget, b: FlexTarget): boolean {
  return (
    a.accountSid === b.accountSid &&
    a.username === b.username &&
    a.password === b.password &&
    a.region === b.region &&
    a.edge === b.edge &&
    a.baseUrl === b.baseUrl
  );
}

function closedError(): AppError<'store_closed'> {
  return new AppError(
    'store_closed',
    'This account was closed (removed, or QM Desk is quitting). Open it again.',
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
