import { randomUUID } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Who holds a lock, as its file records it. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When it was taken (ms since the epoch, real time: the lock is shared between processes). */
  time: number;
  token: string;
}

export interface FileLockOptions {
  /** Give up waiting for another holder after this long. */
  waitMs: number;
  /** A lock older than this is stale even when its process seems alive (hung, or its pid reused). */
  staleMs: number;
  /** Pause between attempts (a little jitter is added so two waiters do not move in step). */
  retryMs: number;
}

export const DEFAULT_LOCK_OPTIONS: FileLockOptions = { waitMs: 10_000, staleMs: 60_000, retryMs: 40 };

// A lock file with no readable holder is being written right now, or its writer died mid-write.
const UNREADABLE_STALE_MS = 2_000;
// The takeover guard is held for one read and one unlink; older than this, its holder died.
const GUARD_STALE_MS = 5_000;

// Tokens of the locks this process holds: a lock with our pid and another token was left by an
// earlier process that had our pid (a restarted container is pid 1 every time).
const heldHere = new Set<string>();

/**
 * Runs `work` holding `path` as a lock file: created with O_EXCL, holding pid, host and time.
 * Waits (bounded, with retries) while another live process holds it; takes over a stale one.
 * `timeout` builds the error thrown when the wait runs out, from the holder seen last.
 */
export async function withFileLock<T>(
  path: string,
  work: () => Promise<T>,
  options: FileLockOptions & { timeout: (holder: LockHolder | null) => Error },
): Promise<T> {
  const release = await acquire(path, options);
  try {
    return await work();
  } finally {
    await release();
  }
}

async function acquire(
  path: string,
  options: FileLockOptions & { timeout: (holder: LockHolder | null) => Error },
): Promise<() => Promise<void>> {
  const deadline = Date.now() + options.waitMs;
  let last: LockHolder | null = null;
  for (;;) {
    const mine = await tryCreate(path);
    if (mine) return mine;
    const seen = await readLock(path);
    if (seen) last = seen.holder;
    // Released between our attempt and our look, or stale and now removed: try again at once.
    const freed = seen === null || (isStale(seen, options.staleMs) && (await removeStale(path, seen.raw)));
    if (Date.now() >= deadline) throw options.timeout(last);
    if (!freed) await sleep(options.retryMs + Math.random() * options.retryMs);
  }
}

async function tryCreate(path: string): Promise<(() => Promise<void>) | null> {
  const holder: LockHolder = { pid: process.pid, host: hostname(), time: Date.now(), token: randomUUID() };
  const raw = JSON.stringify(holder);
  heldHere.add(holder.token);
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    heldHere.delete(holder.token);
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw error;
  }
  try {
    await handle.writeFile(raw, 'utf8');
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    heldHere.delete(holder.token);
    throw error;
  }
  await handle.close();
  return async () => {
    // Only our own lock: if we were judged stale and taken over, the file is someone else's now.
    // A lock that cannot be deleted is not worth failing a finished change for: it goes stale.
    if ((await readFile(path, 'utf8').catch(() => null)) === raw)
      await rm(path, { force: true }).catch(() => {});
    heldHere.delete(holder.token);
  };
}

interface SeenLock {
  raw: string;
  holder: LockHolder | null;
  mtimeMs: number;
}

async function readLock(path: string): Promise<SeenLock | null> {
  try {
    const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { raw, holder: parseHolder(raw), mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    return Number.isInteger(value.pid) &&
      typeof value.host === 'string' &&
      Number.isFinite(value.time) &&
      typeof value.token === 'string'
      ? (value as LockHolder)
      : null;
  } catch {
    return null;
  }
}

function isStale({ holder, mtimeMs }: SeenLock, staleMs: number): boolean {
  const now = Date.now();
  if (holder === null) return now - mtimeMs > UNREADABLE_STALE_MS;
  if (now - holder.time > staleMs) return true;
  // A pid means something only on the machine that wrote it (the folder may be on a share).
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return !heldHere.has(holder.token);
  return !isAlive(holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

/**
 * Deletes a stale lock if it is still the one we judged stale. Two waiters may judge it stale at
 * once: a guard file makes check-and-delete one step, so neither deletes the lock the other just took.
 */
async function removeStale(path: string, raw: string): Promise<boolean> {
  const guard = `${path}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const info = await stat(guard).catch(() => null);
    if (info && Date.now() - info.mtimeMs > GUARD_STALE_MS) await rm(guard, { force: true });
    return false;
  }
  try {
    if ((await readFile(path, 'utf8').catch(() => null)) !== raw) return false;
    await rm(path, { force: true });
    return true;
  } finally {
    await handle.close();
    await rm(guard, { force: true });
  }
}
