import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { accountsError } from './errors.ts';
import { withFileLock, type FileLockOptions, type LockHolder } from './file-lock.ts';
import {
  loadProfilesFile,
  moveAside,
  tooNewError,
  writeProfilesFile,
  type ProfilesFile,
  type Recovered,
} from './profiles-file.ts';
import { AppError } from '../errors.ts';

/**
 * profiles.json shared by every process on one data folder (the app and the CLI may run at once).
 * Changes happen under a cross-process lock on what is on disk, never on a copy kept in memory.
 */
export interface ProfilesRegistry {
  /** The profiles as on disk now; re-read only when the file's identity, size or times changed. */
  read(): Promise<ProfilesFile>;
  /**
   * One change: take the lock, re-read, apply `change` to what is on disk, write atomically when it
   * returns a new file (null: nothing to write), release. Its errors leave the file as it was.
   */
  update(
    change: (file: ProfilesFile) => Promise<ProfilesFile | null>,
  ): Promise<{ file: ProfilesFile; written: boolean }>;
  /** The last unreadable file this process moved aside, for the reviewer to know. */
  recovered(): Recovered | null;
}

export interface ProfilesRegistryOptions {
  path: string;
  /** For the moved-aside file's name. */
  now: () => number;
  lock: FileLockOptions;
  /** The file turned out different from this process's last copy: another process changed it. */
  onExternalChange: (file: ProfilesFile, previous: ProfilesFile) => void;
}

const EMPTY: ProfilesFile = { activeId: null, profiles: [] };

export function createProfilesRegistry(options: ProfilesRegistryOptions): ProfilesRegistry {
  const { path, now, onExternalChange } = options;
  const lockPath = `${path}.lock`;
  /** The last copy and the stat it was read under; text null: no file. */
  let cached: { stamp: string | null; file: ProfilesFile; text: string | null } | null = null;
  let recovered: Recovered | null = null;

  /** Identity, size and times: an atomic write is a new inode, so any write changes it. */
  async function stampOf(): Promise<string | null> {
    try {
      const s = await stat(path, { bigint: true });
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : null; // null: never cached
    }
  }

  function keep(stamp: string | null, file: ProfilesFile, text: string | null): ProfilesFile {
    if (cached && cached.text !== text) onExternalChange(file, cached.file);
    cached = { stamp, file, text };
    return file;
  }

  /** Reads the file as it is; a corrupt one is returned as such, for the caller to handle. */
  async function load(): Promise<ProfilesFile | { corrupt: string }> {
    const stamp = await stampOf(); // before reading: a change in between only costs a re-read later
    const loaded = await loadProfilesFile(path);
    switch (loaded.status) {
      case 'ok':
        return keep(stamp, loaded.file, loaded.text);
      case 'missing':
        return keep(stamp, EMPTY, null);
      case 'too_new':
        throw tooNewError(path, loaded.version);
      case 'corrupt':
        return { corrupt: loaded.reason };
    }
  }

  /** Under the lock: the file on disk, a corrupt one moved aside first (and reported). */
  async function settle(): Promise<ProfilesFile> {
    const loaded = await load();
    if (!('corrupt' in loaded)) return loaded;
    const movedTo = await moveAside(path, now(), loaded.corrupt);
    recovered = { movedTo, reason: loaded.corrupt };
    return keep('missing', EMPTY, null);
  }

  async function locked<T>(work: () => Promise<T>): Promise<T> {
    let acquired = false;
    try {
      return await withFileLock(
        lockPath,
        () => {
          acquired = true;
          return work();
        },
        { ...options.lock, timeout: (holder) => lockedError(lockPath, options.lock.waitMs, holder) },
      );
    } catch (error) {
      if (acquired || error instanceof AppError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      throw accountsError(
        'profiles_write_failed',
        `QM Desk could not lock your accounts for a change (${code}). Check that ${lockPath} can be created, then try again.`,
        { path: lockPath, error: code },
        error,
      );
    }
  }

  return {
    async read() {
      const stamp = await stampOf();
      if (cached && stamp !== null && cached.stamp === stamp) return cached.file;
      const loaded = await load();
      // Moving a file aside is a change too: another process may be replacing it right now.
      return 'corrupt' in loaded ? locked(settle) : loaded;
    },

    update: (change) =>
      locked(async () => {
        const file = await settle();
        const next = await change(file);
        if (next === null) return { file, written: false };
        const text = await writeProfilesFile(path, next);
        cached = { stamp: await stampOf(), file: next, text };
        return { file: next, written: true };
      }),

    recovered: () => recovered,
  };
}

function lockedError(lockPath: string, waitMs: number, holder: LockHolder | null): AppError {
  const who = holder
    ? `, process ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}`
    : '';
  return accountsError(
    'profiles_locked',
    `Another QM Desk (the app or a command line${who}) is changing your accounts and did not finish within ${waitMs / 1000} s. Try again in a moment. If no other QM Desk is running, delete ${lockPath}.`,
    { path: lockPath, pid: holder?.pid ?? null },
  );
}
