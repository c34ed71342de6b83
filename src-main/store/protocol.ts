/** Messages between the Store facade (main) and its workers. */
import type { ErrorBody } from '../../src-preload/contract.ts';
import type { Role } from './database.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

/** The first message to a worker: which connection to open. */
export interface WorkerInit {
  file: string;
  accountSid: string;
  role: Role;
}

export type WriterMethod = keyof Writer;
export type ReaderMethod = keyof Reader;

/** Which worker answers which Store method: the sync's writes, and everything else on the reader. */
export const ROLE_OF: Record<WriterMethod | ReaderMethod, Role> = {
  openPass: 'writer',
  commitPage: 'writer',
  upsertSegments: 'writer',
  putReference: 'writer',
  markSegmentSynced: 'writer',
  beginRun: 'writer',
  endRun: 'writer',
  overview: 'reader',
  segments: 'reader',
  agents: 'reader',
  assessments: 'reader',
  comments: 'reader',
  distinct: 'reader',
  segmentIds: 'reader',
  segmentIdsOfAgent: 'reader',
};

export interface Request {
  id: number;
  method: WriterMethod | ReaderMethod | 'close';
  args: unknown[];
}

export type Response = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorBody };

/** The answer to WorkerInit: the connection is open (migrated, account checked), or why not. */
export type Ready = { ready: true } | { ready: false; error: ErrorBody };
