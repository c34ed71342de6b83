import type { Dispatcher } from 'undici';
import type { RequestLimiter } from './limiter.ts';

/** Who to talk to and as whom. One client (and one connection pool) per target account. */
export interface FlexTarget {
  accountSid: string;
  /** The Account SID (AC…) with an Auth Token, or an API Key SID (SK…) with its secret. */
  username: string;
  password: string;
  region: string | null;
  edge: string | null;
  /** Overrides the Twilio host: https anywhere, or http on loopback (the simulator). */
  baseUrl: string | null;
}

export interface RetryPolicy {
  /** Attempts in all, the first one included. 1 disables retries. */
  maxAttempts: number;
  /** Backoff before retry n (0-based) is random in [0, min(maxDelayMs, baseDelayMs * 2^n)). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry starts (and no backoff is begun) past this much time since the first attempt. */
  maxTotalMs: number;
  /** A longer Retry-After than this is cut down to it. */
  retryAfterCapMs: number;
}

export type Sleep = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

export interface FlexClientOptions {
  /** Sockets per origin in the client's keep-alive pool. Default 32 (the limiter decides how many are busy). */
  connections?: number;
  /**
   * Sends every request through this undici Dispatcher instead of the client's own keep-alive pool
   * (the demo workspace's in-process API). The caller owns it: close() leaves it open.
   */
  dispatcher?: Dispatcher;
  /**
   * Gates every HTTP attempt: the account's limit on concurrent requests. Default: a fresh
   * `createAdaptiveLimiter()` for this client (one client per account); null: no gate.
   */
  limiter?: RequestLimiter | null;
  connectTimeoutMs?: number;
  /** Time from sending the request to the end of the response headers. */
  headersTimeoutMs?: number;
  /** Longest silence while the body streams in. */
  bodyTimeoutMs?: number;
  /** Whole-attempt limit (headers and body), combined with the caller's signal. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injectable for unit tests of the backoff math; the real ones are the defaults. */
  random?: () => number;
  sleep?: Sleep;
  now?: () => number;
  /** Fetch the next page while the caller handles the current one. Default true. */
  prefetch?: boolean;
  userAgent?: string;
}

export interface PageMeta {
  key: string;
  page: number | null;
  page_size: number | null;
  url: string | null;
  first_page_url: string | null;
  previous_page_url: string | null;
  next_page_url: string | null;
}

export interface Page<T> {
  items: T[];
  meta: PageMeta;
  /** The URL this page was fetched from (a stored cursor can resume from a `meta.next_page_url`). */
  url: string;
}

export interface PageOptions {
  /** 1..1000; Twilio's default is 50. */
  pageSize?: number;
  signal?: AbortSignal;
  /** Resume from a `meta.next_page_url` saved earlier; it must belong to this client's host. */
  from?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** An async iterable of pages, plus a flat view of the records. */
export interface Pager<T> extends AsyncIterable<Page<T>> {
  items(): AsyncIterable<T>;
}
