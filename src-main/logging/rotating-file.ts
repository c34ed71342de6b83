import { chmod, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An append-only file that rotates by size: `<name>.log` → `<name>.1.log` → … → `<name>.<keep>.log`,
 * the oldest dropped. Lines are never split across files. Owner-only permissions (0o600 files in
 * a 0o700 folder). A file or folder removed underneath is recreated on the next append.
 */
export interface RotatingFile {
  readonly file: string;
  /** Appends the lines (each ending in "\n") in order; rejects when the disk says no. */
  append(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export function openRotatingFile(options: {
  dir: string;
  name: string;
  maxBytes: number;
  keep: number;
}): RotatingFile {
  const { dir, name, maxBytes, keep } = options;
  const file = join(dir, `${name}.log`);
  const rotated = (n: number) => join(dir, `${name}.${n}.log`);
  let handle: FileHandle | null = null;
  let size = 0;

  async function ensureOpen(): Promise<FileHandle> {
    // A log whose folder was deleted would keep writing to an unlinked file that nobody can read.
    if (handle && (await handle.stat()).nlink === 0) await drop();
    if (handle) return handle;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing folder's mode alone; the log folder is ours alone either way.
    if (process.platform !== 'win32') await chmod(dir, 0o700).catch(() => undefined);
    const opened = await open(file, 'a', 0o600);
    try {
      const stats = await opened.stat();
      if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) await opened.chmod(0o600);
      size = stats.size;
    } catch (error) {
      await opened.close();
      throw error;
    }
    handle = opened;
    return opened;
  }

  async function drop(): Promise<void> {
    const current = handle;
    handle = null;
    await current?.close().catch(() => undefined);
  }

  async function rotate(): Promise<void> {
    await drop();
    if (keep <= 0) {
      await rm(file, { force: true });
      return;
    }
    for (let n = keep - 1; n >= 1; n--) await renameIfThere(rotated(n), rotated(n + 1));
    await renameIfThere(file, rotated(1));
  }

  async function write(chunk: string, bytes: number): Promise<void> {
    if (bytes === 0) return;
    const target = await ensureOpen();
    try {
      await target.appendFile(chunk, 'utf8');
    } catch (error) {
      await drop(); // the size is unknown now; the next append reopens and measures
      throw error;
    }
    size += bytes;
  }

  return {
    file,
    async append(lines) {
      await ensureOpen();
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        // A line longer than maxBytes goes alone into a fresh file rather than being lost.
        if (size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          await write(chunk, chunkBytes);
          chunk = '';
          chunkBytes = 0;
          await rotate();
          await ensureOpen();
        }
        chunk += line;
        chunkBytes += bytes;
      }
      await write(chunk, chunkBytes);
    },
    close: drop,
  };
}

async function renameIfThere(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
