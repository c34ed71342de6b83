// An undici Dispatcher that answers the demo account's Flex Insights requests in-process, from the
// generator, with the same routes, paging and error bodies as the test simulator (./api/). The demo
// workspace hands it to the real Flex client, so the demo runs through the real pager, sync and
// store with no server, no socket and no network: a request for any other origin fails like an
// unknown host. Answers come on a later turn (setImmediate), bodies in chunks that honour
// pause/resume, and an abort (the caller's signal, a timeout, destroy) stops the exchange at once.

import { STATUS_CODES } from 'node:http';
import { Dispatcher, errors as undiciErrors } from 'undici';
import { defaultAccount, DEMO_ACCOUNT, DEMO_ASSESSMENTS, DEMO_ORIGIN, DEMO_SEED } from './account.ts';
import { errors } from './api/errors.ts';
import { Paging } from './api/paging.ts';
import { isKnownPath, serve } from './api/routes.ts';
import type { Outcome } from './api/routes.ts';
import { createDataset } from './dataset.ts';
import type { SimDataset } from './dataset.ts';

export { DEMO_ACCOUNT, DEMO_ASSESSMENTS, DEMO_ORIGIN, DEMO_SEED };

export interface DemoDispatcherOptions {
  /** Default DEMO_SEED; the account (DEMO_ACCOUNT for the default) is the one the seed yields. */
  seed?: number;
  /** Records of the Assessments list; default DEMO_ASSESSMENTS. */
  assessments?: number;
  /** Default: the dataset's ratio (a quarter of the assessments). */
  comments?: number;
  /** The only origin answered, and the one records' `url`s are on; default DEMO_ORIGIN. */
  origin?: string;
}

type Controller = Dispatcher.DispatchController;
type Handler = Dispatcher.DispatchHandler;

/** A large page is handed over in slices, so a paused reader really stops the flow. */
const CHUNK_BYTES = 64 * 1024;

/** The credentials as sent in a Basic Authorization header, or null when there is no usable one. */
function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const basic = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic?.[1] === undefined) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** One header of a request, whichever of undici's three header shapes it came in. */
function headerOf(headers: Dispatcher.DispatchOptions['headers'], name: string): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  const first = (value: unknown): string | undefined =>
    Array.isArray(value) ? first(value[0]) : value === undefined ? undefined : String(value);
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return first(headers[i + 1]);
    }
    return undefined;
  }
  const entries: Iterable<[string, unknown]> =
    Symbol.iterator in headers
      ? (headers as Iterable<[string, unknown]>)
      : Object.entries(headers as Record<string, unknown>);
  for (const [key, value] of entries) if (key.toLowerCase() === name) return first(value);
  return undefined;
}

function unreachable(origin: string): Error {
  // Shaped like a DNS failure, so the Flex client reports it as an unreachable host.
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${origin} (the demo data answers one host only)`), {
    code: 'ENOTFOUND',
  });
}

/** One request and its response (and its own controller): waits a turn, answers, streams the body, or stops on abort. */
class Exchange implements Controller {
  readonly #handler: Handler;
  readonly #finished: (exchange: Exchange) => void;
  #aborted = false;
  #paused = false;
  #reason: Error | null = null;
  #done = false;
  #body: Buffer | null = null;
  #sent = 0;
  #immediate: NodeJS.Immediate | null = null;
  rawHeaders: Buffer[] | null = null;
  rawTrailers: Buffer[] | null = null;

  constructor(handler: Handler, finished: (exchange: Exchange) => void) {
    this.#handler = handler;
    this.#finished = finished;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#body !== null) this.#later(() => this.#pump());
  }

  abort(reason: Error): void {
    if (this.#aborted || this.#done) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#fail(reason);
  }

  /** Hands the controller over, then produces the answer on a later turn. */
  start(answer: () => Outcome | Error): void {
    this.#guard(() => this.#handler.onRequestStart?.(this, {}));
    this.#later(() => {
      const outcome = answer();
      if (outcome instanceof Error) {
        this.#fail(outcome);
        return;
      }
      const body = Buffer.from(JSON.stringify(outcome.body), 'utf8');
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(body.length),
      };
      this.rawHeaders = Object.entries(headers).flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]);
      this.#guard(() =>
        this.#handler.onResponseStart?.(this, outcome.status, headers, STATUS_CODES[outcome.status]),
      );
      this.#body = body;
      this.#pump();
    });
  }

  #pump(): void {
    const body = this.#body;
    if (body === null) return;
    while (!this.#aborted && !this.#done && !this.#paused && this.#sent < body.length) {
      const chunk = body.subarray(this.#sent, this.#sent + CHUNK_BYTES);
      this.#sent += chunk.length;
      this.#guard(() => this.#handler.onResponseData?.(this, chunk));
    }
    if (this.#aborted || this.#done || this.#sent < body.length) return;
    this.#finish();
    this.#guard(() => this.#handler.onResponseEnd?.(this, {}));
  }

  #fail(error: Error): void {
    if (this.#done) return;
    this.#finish();
    this.#handler.onResponseError?.(this, error);
  }

  #finish(): void {
    this.#done = true;
    this.#body = null;
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#immediate = null;
    this.#finished(this);
  }

  #later(step: () => void): void {
    if (this.#done || this.#immediate !== null) return;
    this.#immediate = setImmediate(() => {
      this.#immediate = null;
      if (!this.#done) this.#guard(step);
    });
  }

  /** A handler that throws ends its own exchange, as a socket error would. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** The demo account's API as a Dispatcher: pass it as `dispatcher` to undici or the Flex client. */
export class DemoDispatcher extends Dispatcher {
  readonly origin: string;
  readonly account: Readonly<{ accountSid: string; username: string; password: string }>;
  readonly dataset: SimDataset;
  readonly #paging: Paging;
  readonly #inFlight = new Set<Exchange>();
  #closed = false;
  #destroyed = false;
  #idle: (() => void)[] = [];

  constructor(options: DemoDispatcherOptions = {}) {
    super();
    const seed = options.seed ?? DEMO_SEED;
    const origin = new URL(options.origin ?? DEMO_ORIGIN).origin;
    const seeded = defaultAccount(seed);
    this.origin = origin;
    this.account = Object.freeze({
      accountSid: seeded.accountSid,
      username: seeded.accountSid,
      password: seeded.authToken,
    });
    this.dataset = createDataset({
      seed,
      accountSid: seeded.accountSid,
      assessments: options.assessments ?? DEMO_ASSESSMENTS,
      comments: options.comments,
      origin,
    });
    this.#paging = new Paging(seed);
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    if (this.#closed || this.#destroyed) {
      const error = this.#destroyed
        ? new undiciErrors.ClientDestroyedError()
        : new undiciErrors.ClientClosedError();
      handler.onResponseError?.(null as unknown as Controller, error);
      return false;
    }
    const exchange = new Exchange(handler, (done) => this.#settle(done));
    this.#inFlight.add(exchange);
    exchange.start(() => this.#answer(options));
    return true;
  }

  /** The simulator's order of checks: origin, credentials, path, method, then the endpoint itself. */
  #answer(options: Dispatcher.DispatchOptions): Outcome | Error {
    const origin = options.origin === undefined ? null : new URL(String(options.origin)).origin;
    if (origin !== this.origin) return unreachable(origin ?? '(no origin)');
    const url = new URL(this.origin + options.path);
    const credentials = basicCredentials(headerOf(options.headers, 'authorization'));
    if (credentials?.user !== this.account.username || credentials.password !== this.account.password) {
      return { status: 401, body: errors.unauthorized() };
    }
    if (!isKnownPath(url.pathname)) return { status: 404, body: errors.notFound(url.pathname) };
    if (options.method !== 'GET') return { status: 405, body: errors.methodNotAllowed(options.method) };
    return serve({
      dataset: this.dataset,
      accountSid: this.account.accountSid,
      origin: this.origin,
      path: url.pathname,
      query: url.searchParams,
      paging: this.#paging,
    });
  }

  #settle(exchange: Exchange): void {
    this.#inFlight.delete(exchange);
    if (this.#inFlight.size > 0) return;
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }

  #whenIdle(): Promise<void> {
    return this.#inFlight.size === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Refuses new requests and resolves once those in flight have finished. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#closed = true;
    const idle = this.#whenIdle();
    if (callback === undefined) return idle;
    void idle.then(callback);
  }

  /** Ends every request in flight with `error` (default ClientDestroyedError) and refuses new ones. */
  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(first?: Error | null | (() => void), second?: () => void): Promise<void> | void {
    const callback = typeof first === 'function' ? first : second;
    const error = (typeof first === 'function' ? null : first) ?? new undiciErrors.ClientDestroyedError();
    this.#destroyed = true;
    for (const exchange of [...this.#inFlight]) exchange.abort(error);
    const idle = this.#whenIdle();
    if (callback === undefined) return idle;
    void idle.then(callback);
  }
}

export function createDemoDispatcher(options: DemoDispatcherOptions = {}): DemoDispatcher {
  return new DemoDispatcher(options);
}
