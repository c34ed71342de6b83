/**
 * A store worker: owns one node:sqlite connection (the writer's or the reader's) and answers the
 * facade's requests one at a time, in order. SQLite's synchronous calls block only this thread.
 */
import { parentPort } from 'node:worker_threads';
import { closeDatabase, openDatabase } from './database.ts';
import { storeErrorBody } from './errors.ts';
import type { Ready, Request, Response, WorkerInit } from './protocol.ts';
import { createReader } from './reader.ts';
import { createWriter } from './writer.ts';

const port = parentPort;
if (port === null) throw new Error('the store worker must run in a worker thread');

type Handlers = Record<string, (...args: unknown[]) => unknown>;

/** The first message opens the connection; every later one is a request. */
port.once('message', (init: WorkerInit) => {
  let store: { close: () => void; handlers: Handlers };
  try {
    const db = openDatabase(init.file, init.accountSid, init.role);
    const api = init.role === 'writer' ? createWriter(db) : createReader(db);
    store = { close: () => closeDatabase(db, init.role), handlers: api as unknown as Handlers };
  } catch (error) {
    port.postMessage({ ready: false, error: storeErrorBody(error) } satisfies Ready);
    port.close();
    return;
  }
  port.on('message', (request: Request) => {
    let response: Response;
    try {
      if (request.method === 'close') {
        store.close();
        response = { id: request.id, ok: true, json: 'null' };
      } else {
        const handler = store.handlers[request.method];
        if (handler === undefined) throw new Error(`the store has no method ${request.method}`);
        response = { id: request.id, ok: true, json: JSON.stringify(handler(...request.args) ?? null) };
      }
    } catch (error) {
      response = { id: request.id, ok: false, error: storeErrorBody(error) };
    }
    port.postMessage(response);
    if (request.method === 'close') port.close();
  });
  port.postMessage({ ready: true } satisfies Ready);
});
