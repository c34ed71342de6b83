/**
 * The Store as main sees it: two workers, each with its own connection to the account's file
 * (WAL lets the reader's long queries run while the writer commits sync pages). Main only posts
 * messages, so no SQLite call ever runs on its event loop.
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { ErrorBody } from '../../src-preload/contract.ts';
import { closedError } from './errors.ts';
import { ROLE_OF } from './protocol.ts';
import { encodePage } from './raw-page.ts';
import type { ReaderMethod, Ready, Request, Response, WorkerInit, WriterMethod } from './protocol.ts';
import type { ExportRowOf, ExportStreamOptions, PageOutcome, Store, StoreOpenOptions } from './types.ts';

/** Rows per page of an export stream: big enough to amortise a round trip, small enough to encode young. */
const EXPORT_PAGE = { min: 250, max: 500 };

// Under Node the worker runs from its source (type stripping); in the electron-vite build it is a
// second entry, out/main/store-worker.js, beside the bundle that holds this code (or one level up
// should the bundler ever move this code into out/main/chunks/).
const WORKER_FILE = import.meta.url.endsWith('.ts')
  ? './worker.ts'
  : import.meta.url.includes('/chunks/')
    ? '../store-worker.js'
    : './store-worker.js';

const fromBody = (body: ErrorBody): AppError =>
  new AppError(body.code, body.message, { detail: body.detail });

const stopped = (reason: string): AppError =>
  new AppError(
    'store_failed',
    "This account's local data stopped working unexpectedly. Open the account again.",
    {
      detail: { reason },
    },
  );

interface Channel {
  call(method: Request['method'], args: unknown[]): Promise<unknown>;
  /** Lets queued requests finish, closes the connection and waits for the thread to end. */
  close(): Promise<void>;
}

interface Spawned {
  /** Opens the connection (the worker's first message); the channel once it is ready. */
  open(init: WorkerInit): Promise<Channel>;
  /** Stops a thread that was never opened. */
  dispose(): Promise<void>;
}

/** Starts a worker thread; it loads its modules at once and opens its connection when asked. */
function spawnWorker(): Spawned {
  const worker = new Worker(new URL(WORKER_FILE, import.meta.url));
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let broken: AppError | null = null;
  let closeAsked = false;
  let started = false;
  let settleStart: { resolve: () => void; reject: (error: AppError) => void } | null = null;
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));

  const failAll = (error: AppError): void => {
    broken ??= error;
    settleStart?.reject(error);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  const channel: Channel = {
    call(method, args) {
      if (broken !== null) return Promise.reject(broken);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, method, args } satisfies Request);
      });
    },
    async close() {
      closeAsked = true;
      if (broken === null) await channel.call('close', []);
      await exited;
    },
  };

  worker.on('message', (message: Ready | Response) => {
    if (!started) {
      started = true;
      if ('ready' in message && message.ready) settleStart?.resolve();
      else if ('ready' in message) failAll(fromBody(message.error));
      return;
    }
    const response = message as Response;
    const request = pending.get(response.id);
    if (request === undefined) return;
    pending.delete(response.id);
    if (response.ok) request.resolve(JSON.parse(response.json));
    else request.reject(fromBody(response.error));
  });
  worker.on('error', (error) => failAll(stopped(error.message)));
  worker.on('exit', (code) =>
    failAll(closeAsked ? closedError() : stopped(`the store worker exited with code ${code}`)),
  );

  return {
    open(init) {
      if (broken !== null) return Promise.reject(broken);
      return new Promise<Channel>((resolve, reject) => {
        settleStart = { resolve: () => resolve(channel), reject };
        worker.postMessage(init);
      });
    },
    async dispose() {
      closeAsked = true;
      await worker.terminate();
    },
  };
}

export async function openStore(options: StoreOpenOptions): Promise<Store> {
  const file = resolve(options.file);
  const { accountSid } = options;
  // Both threads load their modules at once; the writer migrates and checks the Account SID, and
  // only then does the reader open the file.
  const spawned = { writer: spawnWorker(), reader: spawnWorker() };
  let writer: Channel;
  try {
    writer = await spawned.writer.open({ file, accountSid, role: 'writer' });
  } catch (error) {
    await spawned.reader.dispose();
    throw error;
  }
  let reader: Channel;
  try {
    reader = await spawned.reader.open({ file, accountSid, role: 'reader' });
  } catch (error) {
    await writer.close();
    throw error;
  }
  const channels = { writer, reader };
  let closing: Promise<void> | null = null;

  const call = (name: WriterMethod | ReaderMethod, args: unknown[]): Promise<unknown> =>
    closing !== null ? Promise.reject(closedError()) : channels[ROLE_OF[name]].call(name, args);
  const method =
    <M extends (WriterMethod | ReaderMethod) & keyof Store>(name: M) =>
    (...args: Parameters<Store[M]>): ReturnType<Store[M]> =>
      call(name, args) as ReturnType<Store[M]>;

  async function* exportRows<K extends keyof ExportRowOf>(
    kind: K,
    query: { filters: unknown; sort: unknown },
    options: ExportStreamOptions = {},
  ): AsyncGenerator<Array<ExportRowOf[K]>> {
    const pageSize = options.pageSize ?? EXPORT_PAGE.max;
    if (!Number.isInteger(pageSize) || pageSize < EXPORT_PAGE.min || pageSize > EXPORT_PAGE.max) {
      throw new AppError(
        'invalid_request',
        `An export reads ${EXPORT_PAGE.min} to ${EXPORT_PAGE.max} rows at a time, not ${pageSize}.`,
      );
    }
    const stopIfCancelled = (): void => {
      if (options.signal?.aborted === true)
        throw new AppError('cancelled', 'The export was cancelled before it finished.');
    };
    stopIfCancelled();
    const { handle, total } = (await call('openExport', [
      kind,
      { filters: query.filters, sort: query.sort },
    ])) as {
      handle: string;
      total: number;
    };
    try {
      for (let offset = 0; offset < total; offset += pageSize) {
        stopIfCancelled();
        const rows = (await call('readExport', [handle, offset, pageSize])) as Array<ExportRowOf[K]>;
        if (rows.length > 0) yield rows;
      }
    } finally {
      // A store closed meanwhile took the order with it.
      if (closing === null) await call('closeExport', [handle]).catch(() => undefined);
    }
  }

  return {
    file,
    accountSid,
    openPass: method('openPass'),
    // The page's records travel as their raw JSON (see raw-page.ts).
    commitPage: async (page) => (await call('commitRawPage', [await encodePage(page)])) as PageOutcome,
    upsertSegments: method('upsertSegments'),
    putReference: method('putReference'),
    markSegmentsSynced: method('markSegmentsSynced'),
    beginRun: method('beginRun'),
    endRun: method('endRun'),
    segmentIds: method('segmentIds'),
    segmentIdsOfAgent: method('segmentIdsOfAgent'),
    overview: method('overview'),
    segments: method('segments'),
    agents: method('agents'),
    assessments: method('assessments'),
    comments: method('comments'),
    distinct: method('distinct'),
    scores: method('scores'),
    scoreGroups: method('scoreGroups'),
    answerDistribution: method('answerDistribution'),
    agentScorecards: method('agentScorecards'),
    agentDetail: method('agentDetail'),
    calibration: method('calibration'),
    rowDetail: method('rowDetail'),
    exportRows: exportRows as Store['exportRows'],
    views: method('views'),
    saveView: method('saveView'),
    removeView: method('removeView'),
    close() {
      // The writer closes last, alone: as the last connection SQLite checkpoints and removes the
      // WAL, leaving one whole file. Two closing at once can each leave that to the other.
      closing ??= reader.close().finally(() => writer.close());
      return closing;
    },
  };
}
