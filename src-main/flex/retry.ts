import { cancelledError, FlexError } from './errors.ts';
import type { RetryPolicy, Sleep } from './types.ts';

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxTotalMs: 90_000,
  retryAfterCapMs: 30_000,
};

/** Full jitter: uniform in [0, min(max, base * 2^retry)). `retry` counts from 0. */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. Never negative. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/**
 * How long to wait before the next attempt: the server's Retry-After (capped) when it gave one,
 * otherwise full-jitter backoff.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | null,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.retryAfterCapMs);
  return backoffMs(retry, policy, random);
}

/** A timer that an abort ends at once, rejecting with `cancelled`. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryDeps {
  policy: RetryPolicy;
  random: () => number;
  sleep: Sleep;
  now: () => number;
  signal: AbortSignal | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the policy's attempt or
 * time budget is spent; then the last error is thrown with the attempt count in its detail.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, deps: RetryDeps): Promise<T> {
  const started = deps.now();
  for (let n = 0; ; n++) {
    if (deps.signal?.aborted) throw cancelledError();
    try {
      return await attempt(n);
    } catch (error) {
      if (!(error instanceof FlexError) || !error.retryable) throw error;
      const last = n + 1 >= deps.policy.maxAttempts;
      const retryAfter = error.detail?.retryAfterMs ?? null;
      const delay = retryDelayMs(n, retryAfter, deps.policy, deps.random);
      const overBudget = deps.now() - started + delay > deps.policy.maxTotalMs;
      if (last || overBudget) {
        if (error.detail) error.detail.attempts = n + 1;
        throw error;
      }
      await deps.sleep(delay, deps.signal);
    }
  }
}
