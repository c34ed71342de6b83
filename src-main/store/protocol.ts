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
  commitRawPage: 'writer',
  upsertSegments: 'writer',
  putReference: 'writer',
  markSegmentsSynced: 'writer',
  beginRun: 'writer',
  endRun: 'writer',
  saveView: 'writer',
  removeView: 'writer',
  overview: 'reader',
  segments: 'reader',
  agents: 'reader',
  assessments: 'reader',
  comments: 'reader',
  distinct: 'reader',
  segmentIds: 'reader',
  segmentIdsOfAgent: 'reader',
  scores: 'reader',
  scoreGroups: 'reader',
  answerDistribution: 'reader',
  agentScorecards: 'reader',
  agentDetail: 'reader',
  calibration: 'reader',
  rowDetail: 'reader',
  views: 'reader',
  openExport: 'reader',
  readExport: 'reader',
  closeExport: 'reader',
};

export interface Request {
  id: number;
  method: WriterMethod | ReaderMethod | 'close';
  args: unknown[];
}

/**
 * A value travels as its JSON text (every answer is JSON-safe data, as the contract requires):
 * main copies one string and parses it, where cloning a big result object by object (a calibration
 * report of thousands of segments) would hold main's event loop for tens of milliseconds.
 */
export type Response = { id: number; ok: true; json: string } | { id: number; ok: false; error: ErrorBody };

/** The answer to WorkerInit: the connection is open (migrated, account checked), or why not. */
export type Ready = { ready: true } | { ready: false; error: ErrorBody };
