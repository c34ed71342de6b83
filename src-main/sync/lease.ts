/**
 * The per-account sync lease: at most one sync writes an account's store, whether it runs in the
 * app or in the CLI (another process). It is a lock file in the account's data folder, created
 * with O_EXCL, holding the owner's pid, start time and a random token:
 *
 * - a lock whose pid is alive (this process included) is held: the caller gets `busy`;
 * - a lock whose pid is dead (a killed sync) is stale and taken over. The take-over itself runs
 *   under a second O_EXCL file and re-reads the lock first, so two processes that find the same
 *   stale lock cannot both end up holding it;
 * - release deletes the lock only while it still holds our token.
 *
 * A pid reused by an unrelated process after a crash looks alive; that lock stays until the
 * process ends (or the file is deleted), which errs on the side of never writing a store twice.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.ts';

export const LEASE_FILE = 'sync.lock';
const TAKEOVER_FILE = 'sync.lock.takeover';
/** A lock file without readable content is left alone this long (its owner may be writing it). */
const UNREADABLE_GRACE_MS = 10_000;

const LeaseFileSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.number(),
  token: z.string().min(1),
  label: z.string().optional(),
});
export type LeaseInfo = z.infer<typeof LeaseFileSchema>;

export interface Lease {
  readonly file: string;
  readonly token: string;
  /** Deletes the lock if it is still ours. Idempotent; never throws. */
  release(): Promise<void>;
}

export interface LeaseOptions {
  /** Who is asking, for the busy message ("Acme Support"); default "this account". */
  accountLabel?: string;
  /** Stored in the lock for whoever finds it (what the sync is doing). */
  label?: string;
  now?: () => number;
}

/** Is a process with this pid running (or at least present: EPERM means it exists)? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function busyError(accountLabel: string | undefined, holder?: LeaseInfo): AppError<'busy'> {
  return new AppError(
    'busy',
    `A sync of ${accountLabel ?? 'this account'} is already running (in this window or from the command line). Wait for it to finish or cancel it.`,
    { detail: holder ? { pid: holder.pid, since: holder.startedAt } : {} },
  );
}

function leaseFailed(dir: string, error: unknown): AppError<'data_folder_failed'> {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new AppError(
    'data_folder_failed',
    `QM Desk could not take the sync lock in this account's data folder (${code}). Check that ${dir} exists and is writable.`,
    { detail: { path: dir, reason: code } },
  );
}

async function readLease(file: string): Promise<LeaseInfo | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = LeaseFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Creates the file only if it does not exist, with the content in one write. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function ageMs(file: string, now: number): Promise<number> {
  try {
    return now - (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Takes the account's sync lease in `dir` (the account's data folder, which must exist), or
 * throws `busy` while another live sync holds it.
 */
export async function acquireLease(dir: string, options: LeaseOptions = {}): Promise<Lease> {
  const now = options.now ?? Date.now;
  const file = join(dir, LEASE_FILE);
  const info: LeaseInfo = {
    pid: process.pid,
    startedAt: now(),
    token: randomBytes(16).toString('hex'),
    ...(options.label === undefined ? {} : { label: options.label }),
  };
  const content = JSON.stringify(info);
  try {
    // More than one round: the lock may vanish (its owner released it) between our attempt and our read.
    for (let round = 0; round < 3; round++) {
      if (await createExclusive(file, content)) return lease(file, info.token);
      const holder = await readLease(file);
      if (holder === 'missing') continue;
      if (holder === 'unreadable') {
        if ((await ageMs(file, now())) < UNREADABLE_GRACE_MS) throw busyError(options.accountLabel);
      } else if (isAlive(holder.pid)) {
        throw busyError(options.accountLabel, holder);
      }
      if (await takeOver(dir, file, holder, content)) return lease(file, info.token);
    }
    throw busyError(options.accountLabel);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw leaseFailed(dir, error);
  }
}

/** Replaces a stale lock with ours, unless someone else got there first. */
async function takeOver(
  dir: string,
  file: string,
  stale: LeaseInfo | 'unreadable',
  content: string,
): Promise<boolean> {
  const guard = join(dir, TAKEOVER_FILE);
  const guardContent = JSON.stringify({ pid: process.pid, startedAt: Date.now(), token: 'takeover' });
  if (!(await createExclusive(guard, guardContent))) {
    // A take-over by a process that died half-way leaves its guard behind.
    const other = await readLease(guard);
    if (other !== 'missing' && other !== 'unreadable' && isAlive(other.pid)) return false;
    await unlink(guard).catch(() => undefined);
    if (!(await createExclusive(guard, guardContent))) return false;
  }
  try {
    const current = await readLease(file);
    const same =
      current === 'missing' ||
      (current === 'unreadable' && stale === 'unreadable') ||
      (typeof current === 'object' && typeof stale === 'object' && current.token === stale.token);
    if (!same) return false;
    // Under the guard nobody else replaces a lock, and its dead owner cannot release it.
    if (current !== 'missing') await unlink(file).catch(() => undefined);
    return await createExclusive(file, content);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

function lease(file: string, token: string): Lease {
  let released: Promise<void> | null = null;
  return {
    file,
    token,
    release() {
      released ??= (async () => {
        const current = await readLease(file).catch(() => 'unreadable' as const);
        if (typeof current === 'object' && current.token === token) {
          await unlink(file).catch(() => undefined);
        }
      })();
      return released;
    },
  };
}
