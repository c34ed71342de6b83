/**
 * One scope per account: its store and its Flex client, opened on first use and shared by every
 * request and job of that account. The store file is named after the Account SID, so a profile
 * edited to point at another Twilio account gets a fresh store instead of mixing the two.
 */
import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { createDemoDispatcher } from '../demo/dispatcher.ts';
import { AppError } from '../errors.ts';
import { createFlexClient, type FlexClient } from '../flex/client.ts';
import { createAdaptiveLimiter } from '../flex/limiter.ts';
import type { FlexTarget } from '../flex/types.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { LoggerPort, PathsPort } from '../ports.ts';
import type { Store, StoreOpenOptions } from '../store/types.ts';
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
        const before = releases.get(profileId) ?? 0;
        ({ profile, dataDir } = await accounts.resolve(profileId));
        if (shut) throw closedError();
        // Released while it was being looked up (the account is being removed): what was found may
        // be gone, and opening its store now would bring back the folder just deleted. Look again.
        if ((releases.get(profileId) ?? 0) === before) break;
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

    async close() {
      shut = true;
      const open = [...entries.values()];
      entries.clear();
      await Promise.all([...open.map(closeLater), ...closing]);
    },
  };
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
