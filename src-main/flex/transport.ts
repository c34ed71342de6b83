import { Agent } from 'undici';
import {
  cancelledError,
  FlexError,
  httpError,
  networkError,
  parseTwilioErrorBody,
  protocolError,
  reasonOf,
  scrubCause,
  timeoutError,
} from './errors.ts';
import type { RequestLimiter, RequestOutcome } from './limiter.ts';
import { DEFAULT_RETRY, parseRetryAfter, realSleep, withRetry } from './retry.ts';
import type { FlexClientOptions, RetryPolicy } from './types.ts';

export interface GetOptions {
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt limit. */
  timeoutMs?: number;
  /** Overrides parts of the client's retry policy (testConnection uses a single attempt). */
  retry?: Partial<RetryPolicy>;
}

export interface TextResponse {
  /** The 2xx body, not yet parsed (the pager looks for the next-page link before parsing). */
  text: string;
  /** Round trip of the successful attempt. */
  ms: number;
}

export interface Transport {
  getText(url: URL, options?: GetOptions): Promise<TextResponse>;
  close(): Promise<void>;
}

/** JSON.parse with a `protocol` error for a body that is not JSON. */
export function parseJson(text: string, url: URL): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw protocolError('the body is not valid JSON', pathOf(url), scrubCause(error));
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Error bodies are only read for Twilio's code and message; a huge one is not worth holding. */
const MAX_PAGE_BYTES = 64 << 20;
const MAX_ERROR_BODY = 64 * 1024;

function pathOf(url: URL): string {
  return url.pathname + url.search;
}

/** Enough sockets for the sync's highest concurrency setting (SYNC_CONCURRENCY_MAX). */
export const DEFAULT_CONNECTIONS = 32;

/**
 * One keep-alive undici pool per client, GET with Basic auth, a per-attempt timeout combined with
 * the caller's signal, and retries on 429, 5xx, network errors and timeouts. With a limiter, every
 * attempt holds one of its slots while it is on the wire (not while it backs off).
 */
export function createTransport(
  credentials: { username: string; password: string },
  options: FlexClientOptions = {},
  limiter: RequestLimiter | null = null,
): Transport {
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const agent =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      headersTimeout: options.headersTimeoutMs ?? 30_000,
      bodyTimeout: options.bodyTimeoutMs ?? 30_000,
    });
  // Built once and kept in this closure only: never copied into an error, a log or a detail.
  const headers = {
    authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`,
    accept: 'application/json',
    'user-agent': options.userAgent ?? 'qm-desk',
  };
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;

  function classify(
    error: unknown,
    url: URL,
    caller: AbortSignal | undefined,
    timedOut: boolean,
    ms: number,
  ) {
    if (caller?.aborted) return cancelledError();
    if (error instanceof FlexError) return error;
    if (timedOut) return timeoutError(pathOf(url), 'request_timeout', ms);
    const reason = reasonOf(error);
    const cause = scrubCause(error);
    const typed = TIMEOUT_CODES.has(reason)
      ? timeoutError(pathOf(url), reason, null)
      : networkError(pathOf(url), reason);
    return cause ? new FlexError(typed.code, typed.message, { detail: typed.detail, cause }) : typed;
  }

  async function attempt(
    url: URL,
    caller: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<TextResponse> {
    if (limiter === null) return send(url, caller, timeoutMs);
    const slot = await limiter.acquire(caller);
    let outcome: RequestOutcome = 'failed';
    try {
      const response = await send(url, caller, timeoutMs);
      outcome = 'ok';
      return response;
    } catch (error) {
      if (error instanceof FlexError && error.code === 'rate_limited') outcome = 'rate_limited';
      throw error;
    } finally {
      slot.release(outcome);
    }
  }

  async function send(url: URL, caller: AbortSignal | undefined, timeoutMs: number): Promise<TextResponse> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    const started = performance.now();
    try {
      const response = await agent.request({
        origin: url.origin,
        path: pathOf(url),
        method: 'GET',
        headers,
        signal: controller.signal,
      });
      const { statusCode } = response;
      if (statusCode >= 200 && statusCode < 300) {
        const text = await readPage(response.body, url);
        return { text, ms: performance.now() - started };
      }
      const text = await readBounded(response.body);
      if (statusCode >= 300 && statusCode < 400) {
        // Never followed: a redirect could carry the credentials to another host.
        throw protocolError(`an unexpected redirect, HTTP ${statusCode}`, pathOf(url));
      }
      const retryAfter = header(response.headers['retry-after']);
      throw httpError(
        statusCode,
        parseTwilioErrorBody(text),
        pathOf(url),
        parseRetryAfter(retryAfter, now()),
      );
    } catch (error) {
      throw classify(error, url, caller, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    getText(url, getOptions = {}) {
      const timeoutMs = getOptions.timeoutMs ?? requestTimeoutMs;
      const { signal } = getOptions;
      return withRetry(() => attempt(url, signal, timeoutMs), {
        policy: { ...policy, ...getOptions.retry },
        random,
        sleep,
        now,
        signal,
      });
    },
    async close() {
      // destroy, not close: a hung request must not hold the app's shutdown.
      if (options.dispatcher === undefined) await agent.destroy();
    },
  };
}

function header(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** A full page of 1000 records is a few MB; a body far beyond that is not Twilio and must not fill memory. */
async function readPage(body: AsyncIterable<Uint8Array>, url: URL): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > MAX_PAGE_BYTES)
      throw protocolError(`a response larger than ${MAX_PAGE_BYTES >> 20} MB`, pathOf(url));
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

async function readBounded(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < MAX_ERROR_BODY) chunks.push(Buffer.from(chunk));
    size += chunk.byteLength;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY).toString('utf8');
}
