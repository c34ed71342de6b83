/**
 * A store worker: owns one node:sqlite connection (the writer's or the reader's) and answers the
 * facade's requests one at a time, in order. SQLite's synchronous calls block only this thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.ts';
import { storeErrorBody } from './errors.ts';
import type { Ready, Request, Response, WorkerInit } from './protocol.ts';
import { createReader } from './reader.ts';
import { createWriter } from './writer.ts';

const port = parentPort;
if (port === null) throw new Error('the store worker must run in a worker thread');
const init = workerData as WorkerInit;

type Handlers = Record<string, (...args: unknown[]) => unknown>;

let start: { close: () => void; handlers: Handlers } | null = null;
try {
  const db = openDatabase(init.file, init.accountSid, init.role);
  const api = init.role === 'writer' ? createWriter(db) : createReader(db);
  start = { close: () => db.close(), handlers: api as unknown as Handlers };
  port.postMessage({ ready: true } satisfies Ready);
} catch (error) {
  port.postMessage({ ready: false, error: storeErrorBody(error) } satisfies Ready);
  port.close();
}

const store = start;
if (store !== null) {
  port.on('message', (request: Request) => {
    let response: Response;
    try {
      if (request.method === 'close') {
        store.close();
        response = { id: request.id, ok: true, value: null };
      } else {
        const handler = store.handlers[request.method];
        if (handler === undefined) throw new Error(`the store has no method ${request.method}`);
        response = { id: request.id, ok: true, value: handler(...request.args) };
      }
    } catch (error) {
      response = { id: request.id, ok: false, error: storeErrorBody(error) };
    }
    port.postMessage(response);
    if (request.method === 'close') port.close();
  });
}
