/**
 * The Settings view's "Data" section: how much local data each account holds, and clearing it.
 * An account's data is everything in its data folder (its stores with their -wal/-shm files, sync
 * state); the account itself, its profile and its secret are not data and stay.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventsPort, PathsPort } from '../ports.ts';
import type { Workspaces } from './types.ts';
import type { AccountsState, DataUsage } from '../../src-preload/contract.ts';

export interface DataUsageDeps {
  accounts: {
    list(): Promise<Pick<AccountsState, 'profiles'>>;
    dataDirOf(profileId: string): string;
  };
  workspaces: Pick<Workspaces, 'clear'>;
  paths: PathsPort;
  logsDir: string;
  events: EventsPort;
}

export interface DataUsageService {
  usage(): Promise<DataUsage>;
  /** Cancels the account's jobs, closes its store and deletes its cached data, then answers the new usage. */
  clear(request: { profileId: string }): Promise<DataUsage>;
}

/** Bytes of every file under `dir` (symlinks counted as themselves, never followed); 0 when it is missing. */
export async function folderBytes(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let total = 0;
  for (const name of names) {
    const path = join(dir, name);
    // A file may go between the listing and its stat (a sync's -wal being checkpointed away).
    const stats = await lstat(path).catch(() => null);
    if (!stats) continue;
    total += stats.isDirectory() ? await folderBytes(path) : stats.size;
  }
  return total;
}

export function createDataUsage(deps: DataUsageDeps): DataUsageService {
  const { accounts, workspaces, paths, logsDir, events } = deps;

  async function usage(): Promise<DataUsage> {
    const { profiles } = await accounts.list();
    const measured = [];
    for (const { id } of profiles) {
      measured.push({ profileId: id, bytes: await folderBytes(accounts.dataDirOf(id)) });
    }
    return { dataDir: paths.userData, logsDir, accounts: measured };
  }

  return {
    usage,
    async clear({ profileId }) {
      // An unknown account fails here with `profile_not_found`, before anything is touched.
      await workspaces.clear(profileId);
      events.emit('data.cleared', { profileId });
      return usage();
    },
  };
}
