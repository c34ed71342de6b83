/**
 * Writes encoded chunks to an open stream (stdout for `export --out -`), waiting for `drain`
 * whenever the stream's buffer is full, so memory stays flat however slow the reader is. The
 * stream is left open: stdout belongs to the process.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { CsvChunk } from './csv.ts';

export async function writeChunksToStream(
  chunks: AsyncIterable<CsvChunk>,
  stream: Writable,
  options: { signal?: AbortSignal } = {},
): Promise<{ rows: number; bytes: number }> {
  const { signal } = options;
  let rows = 0;
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      signal?.throwIfAborted();
      if (chunk.part !== 1) {
        throw new AppError('invalid_request', 'An export to a stream cannot be split into several files.');
      }
      const { data } = chunk;
      rows += chunk.rows;
      bytes += data.byteLength;
      if (!stream.write(data)) await once(stream, 'drain', { signal });
    }
  } catch (error) {
    if (signal?.aborted) {
      throw new AppError('cancelled', 'The export was cancelled.', { cause: signal.reason });
    }
    throw error;
  }
  return { rows, bytes };
}
