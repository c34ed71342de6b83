/**
 * One export, from a store to a file or a stream, with no dialog and no job: the app's export job
 * and the command line both run this.
 *
 *   const result = await exportToFile(store, spec, '/home/me/report.csv', { signal, onProgress });
 *
 * The spec is checked before anything is read (columns and sort keys of the kind), the view's
 * first window gives the total, then pages of rows stream through the encoder into the sink:
 * memory holds a page or two and a chunk or two, whatever the row count.
 */
import type { Writable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { Store } from '../store/types.ts';
import type { ExportRequest, ExportResult } from '../../src-preload/contract.ts';
import { csvLayout, exportColumns, type ExportColumn, type ExportKind, type ExportRows } from './columns.ts';
import { encodeCsv, type CsvChunk } from './csv.ts';
import { writeChunksToFile } from './file-sink.ts';
import { checkSort, openView, type ViewPages } from './rows.ts';
import { writeChunksToStream } from './stream-sink.ts';

/** What to export: the request without its profile (the store is the profile's). */
export type ExportSpec = Omit<ExportRequest, 'profileId'>;

export interface ExportProgress {
  /** Data rows handed to the disk (or the stream) so far. */
  rows: number;
  bytes: number;
  /** Rows the view had when the export started. */
  total: number;
}

export interface ExportRunOptions {
  signal?: AbortSignal;
  onProgress?(progress: ExportProgress): void;
  /** Store window size; default PAGE_ROWS. */
  pageRows?: number;
}

/** The columns of the spec, checked (unknown or repeated ids, a bad sort key: invalid_request). */
export function checkSpec(spec: ExportSpec): ExportColumn<ExportRows[ExportKind]>[] {
  checkSort(spec.kind, spec.sort);
  return exportColumns(spec.kind, spec.columns) as ExportColumn<ExportRows[ExportKind]>[];
}

/** A stop by the signal, wherever it hit (store read, encoder, sink), as the one `cancelled` error. */
async function cancellable<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!signal?.aborted || (error instanceof AppError && error.code === 'cancelled')) throw error;
    throw new AppError('cancelled', 'The export was cancelled. No file was written.', {
      cause: signal.reason,
    });
  }
}

async function encoded(
  store: Store,
  spec: ExportSpec,
  options: ExportRunOptions,
): Promise<{ total: number; chunks: AsyncIterable<CsvChunk> }> {
  const columns = checkSpec(spec);
  const { signal, pageRows } = options;
  const view: ViewPages<ExportRows[ExportKind]> = await openView(store, spec, { signal, pageRows });
  const layout = csvLayout(columns);
  const chunks = encodeCsv(view.pages, {
    header: spec.options.header ? layout.header : null,
    cells: layout.cells,
    bom: spec.options.bom,
    formulaGuard: spec.options.formulaGuard,
    rowsPerPart: spec.options.splitRows,
    signal,
  });
  return { total: view.total, chunks };
}

/**
 * Writes the export to `target` (numbered parts beside it when split): temp file in the same
 * folder, fsync, rename; cancel or failure leaves no file and keeps what was at the target.
 */
export async function exportToFile(
  store: Store,
  spec: ExportSpec,
  target: string,
  options: ExportRunOptions = {},
): Promise<ExportResult> {
  const { signal, onProgress } = options;
  return cancellable(signal, async () => {
    const { total, chunks } = await encoded(store, spec, options);
    onProgress?.({ rows: 0, bytes: 0, total });
    const written = await writeChunksToFile(target, chunks, {
      signal,
      onProgress: (p) => onProgress?.({ ...p, total }),
    });
    return { kind: 'export', rows: written.rows, bytes: written.bytes, files: written.files };
  });
}

/** Writes the export to an open stream (stdout); one part only, the stream stays open. */
export async function exportToStream(
  store: Store,
  spec: ExportSpec,
  stream: Writable,
  options: ExportRunOptions = {},
): Promise<{ rows: number; bytes: number }> {
  const { signal, onProgress } = options;
  return cancellable(signal, async () => {
    const { total, chunks } = await encoded(store, spec, options);
    onProgress?.({ rows: 0, bytes: 0, total });
    let rows = 0;
    let bytes = 0;
    // Progress per chunk, once the stream has taken it.
    async function* counted(): AsyncGenerator<CsvChunk> {
      for await (const chunk of chunks) {
        yield chunk;
        rows += chunk.rows;
        bytes += chunk.data.byteLength;
        onProgress?.({ rows, bytes, total });
      }
    }
    return writeChunksToStream(counted(), stream, { signal });
  });
}
