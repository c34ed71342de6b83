/**
 * Writes encoded chunks to their target file(s) so that a reader never sees half an export:
 * every part goes to a temp file in the target's own folder (same filesystem, so the rename is
 * atomic), is fsynced and closed; only when the whole stream has been written are the temp files
 * renamed over their targets and the folder fsynced. Cancel (the signal) or any failure, of the
 * chunk source or of the disk, deletes every temp file and leaves whatever was at the targets as
 * it was.
 *
 * Parts: chunks name the part they belong to (1, 2, … in order). One part is written to the
 * target itself; several go to numbered siblings, `report.csv` -> `report-1.csv`, `report-2.csv`.
 * The final renames are done one after another; should one of them fail, the parts already
 * renamed are removed again, so an export lands whole or not at all (older files at the numbered
 * names that were already replaced are not brought back, and numbered files beyond this export's
 * last part, from an earlier and longer export, are left alone).
 *
 * Backpressure: a chunk is pulled from the source only once the previous write has completed (one
 * write is in flight while the next chunk is encoded), so memory holds about two chunks whatever
 * the row count.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AppError } from '../errors.ts';
import type { CsvChunk } from './csv.ts';

export interface WrittenFile {
  path: string;
  /** Data rows (the header is not counted). */
  rows: number;
  bytes: number;
}

export interface FileSinkResult {
  /** In part order. */
  files: WrittenFile[];
  rows: number;
  bytes: number;
}

export interface FileSinkOptions {
  signal?: AbortSignal;
  /** Totals so far, after each chunk handed to the disk. */
  onProgress?(written: { rows: number; bytes: number }): void;
}

interface Part {
  part: number;
  temp: string;
  handle: FileHandle | null;
  rows: number;
  bytes: number;
}

/** `report.csv` -> `report-2.csv`; `report` -> `report-2`. */
export function partPath(target: string, part: number): string {
  const ext = extname(target);
  return `${target.slice(0, target.length - ext.length)}-${part}${ext}`;
}

export async function writeChunksToFile(
  target: string,
  chunks: AsyncIterable<CsvChunk>,
  options: FileSinkOptions = {},
): Promise<FileSinkResult> {
  const { signal, onProgress } = options;
  const path = resolve(target);
  const dir = dirname(path);
  await refuseFolder(path);

  const id = randomBytes(6).toString('hex');
  const parts: Part[] = [];
  let current: Part | null = null;
  let inFlight: Promise<void> | null = null;
  let rows = 0;
  let bytes = 0;

  const openPart = async (part: number): Promise<Part> => {
    const temp = join(dir, `.${basename(path)}.${id}.${part}.tmp`);
    const handle = await io(() => open(temp, 'wx'), dir);
    const opened: Part = { part, temp, handle, rows: 0, bytes: 0 };
    parts.push(opened);
    return opened;
  };

  try {
    for await (const chunk of chunks) {
      throwIfCancelled(signal);
      if (current === null || chunk.part !== current.part) {
        if (chunk.part !== (current?.part ?? 0) + 1) {
          throw new TypeError(`Export part ${chunk.part} arrived after part ${current?.part ?? 0}.`);
        }
        await inFlight;
        if (current !== null) await closePart(current, dir);
        current = await openPart(chunk.part);
      }
      await inFlight;
      const { data } = chunk;
      current.rows += chunk.rows;
      current.bytes += data.byteLength;
      rows += chunk.rows;
      bytes += data.byteLength;
      inFlight = writeAll(current.handle as FileHandle, data, dir);
      // Handled here so a failing write cannot go unobserved while the next chunk is produced;
      // the next `await inFlight` still throws it.
      inFlight.catch(() => {});
      onProgress?.({ rows, bytes });
    }
    await inFlight;
    current ??= await openPart(1);
    await closePart(current, dir);
    throwIfCancelled(signal);
    const files = await commit(path, parts);
    return { files, rows, bytes };
  } catch (error) {
    await inFlight?.catch(() => {});
    await discard(parts);
    if (signal?.aborted) throw cancelled(signal);
    throw error;
  }
}

async function refuseFolder(path: string): Promise<void> {
  const found = await stat(path).catch(() => null);
  if (found?.isDirectory()) {
    throw new AppError('export_target_invalid', `${path} is a folder. Choose a file name to export to.`, {
      detail: { path },
    });
  }
}

async function writeAll(handle: FileHandle, data: Buffer, dir: string): Promise<void> {
  let offset = 0;
  while (offset < data.byteLength) {
    const { bytesWritten } = await io(() => handle.write(data, offset, data.byteLength - offset), dir);
    offset += bytesWritten;
  }
}

async function closePart(part: Part, dir: string): Promise<void> {
  const handle = part.handle as FileHandle;
  await io(() => handle.sync(), dir);
  part.handle = null;
  await io(() => handle.close(), dir);
}

/** Best effort: the error that got us here is the one to report. */
async function discard(parts: Part[]): Promise<void> {
  for (const part of parts) {
    await part.handle?.close().catch(() => {});
    part.handle = null;
    await rm(part.temp, { force: true }).catch(() => {});
  }
}

async function commit(path: string, parts: Part[]): Promise<WrittenFile[]> {
  const dir = dirname(path);
  const finals = parts.length === 1 ? [path] : parts.map((p) => partPath(path, p.part));
  const placed: string[] = [];
  try {
    for (const [i, part] of parts.entries()) {
      const final = finals[i] as string;
      await io(() => rename(part.temp, final), dir);
      placed.push(final);
    }
  } catch (error) {
    for (const final of placed) await rm(final, { force: true }).catch(() => {});
    throw error;
  }
  await syncFolder(dir);
  return parts.map((p, i) => ({ path: finals[i] as string, rows: p.rows, bytes: p.bytes }));
}

/**
 * Makes the renames durable (Linux, macOS); Windows cannot open a folder for fsync. A failure
 * here does not fail the export: the complete files are already in place, and some filesystems
 * (network, FUSE) refuse fsync on a folder.
 */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => null);
  await handle?.sync().catch(() => {});
  await handle?.close().catch(() => {});
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled(signal);
}

function cancelled(signal: AbortSignal): AppError {
  return new AppError(
    'cancelled',
    'The export was cancelled. No file was written; a file already at that place was kept.',
    { cause: signal.reason },
  );
}

async function io<T>(op: () => Promise<T>, dir: string): Promise<T> {
  try {
    return await op();
  } catch (error) {
    throw ioError(error, dir);
  }
}

/** A file-system failure as a reviewer reads it: where, why, what to do. */
function ioError(error: unknown, dir: string): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
  const detail = { dir, errno: code };
  const keep = 'No file was written; a file already at that place was kept.';
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new AppError(
        'export_target_invalid',
        `The folder ${dir} does not exist. Choose another folder.`,
        {
          detail,
          cause: error,
        },
      );
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AppError(
        'export_target_invalid',
        `QM Desk may not write in ${dir}. Choose a folder you can write to. ${keep}`,
        { detail, cause: error },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError(
        'export_write_failed',
        `The disk holding ${dir} is full. Free some space or choose another disk. ${keep}`,
        { detail, cause: error },
      );
    default:
      return new AppError(
        'export_write_failed',
        `Writing the export in ${dir} failed (${code}). Try again or choose another folder. ${keep}`,
        { detail, cause: error },
      );
  }
}
