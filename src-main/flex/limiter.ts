/**
 * An adaptive cap on one account's concurrent HTTP requests. Twilio answers 429 when an account
 * has more requests in flight than its (undocumented) limit, so the client learns that limit:
 *
 * - every attempt waits for a slot (`acquire`) and gives it back with its outcome (`release`);
 * - a 429 halves the limit, once per congestion event: 429s of requests admitted before the last
 *   cut say nothing new and are only counted;
 * - successes grow it: one slot per success back up to just below the level that last drew a
 *   429 (where the account's limit evidently is), then slowly (one slot per PROBE_ROUNDS rounds of
 *   successes) to find out whether the limit has risen. A plain additive increase would spend a
 *   third of the time well below the limit after each cut.
 *
 * The limit stays within 1..max. One limiter per account: the limit is the account's, whatever
 * stream or window a request comes from.
 */
import { cancelledError } from './errors.ts';

export type RequestOutcome = 'ok' | 'rate_limited' | 'failed';

/** A held slot; release it exactly once (later calls are ignored). */
export interface RequestSlot {
  release(outcome: RequestOutcome): void;
}

export interface LimiterStats {
  /** Slots the limiter currently grants. */
  limit: number;
  max: number;
  active: number;
  queued: number;
  /** Every 429 seen since the limiter was made (the sync reports its own share as a difference). */
  rateLimited: number;
}

export interface RequestLimiter {
  /** Waits for a slot; rejects with a `cancelled` FlexError when the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<RequestSlot>;
  /** Changes the cap (the reviewer's concurrency setting); the limit is cut to it at once. */
  setMax(max: number): void;
  stats(): LimiterStats;
}

export interface AdaptiveLimiterOptions {
  /** The cap. Default 8, the sync's default concurrency. */
  max?: number;
  /** The limit to start from. Default min(max, 4): a few requests are safe; the rest is learnt. */
  initial?: number;
}

export const DEFAULT_LIMITER_MAX = 8;
/** Above the last level that drew a 429, grow one slot per this many rounds of successes. */
export const PROBE_ROUNDS = 16;

interface Waiter {
  grant(slot: RequestSlot): void;
}

export function createAdaptiveLimiter(options: AdaptiveLimiterOptions = {}): RequestLimiter {
  let max = checkMax(options.max ?? DEFAULT_LIMITER_MAX);
  let limit = Math.min(max, Math.max(1, Math.floor(options.initial ?? Math.min(max, 4))));
  /** Successes counted towards the next slow step. */
  let credit = 0;
  /** In flight when the last 429 came: the account's limit is below this. Infinity: none yet. */
  let ceiling = Number.POSITIVE_INFINITY;
  /** Bumped by every cut; a slot remembers the epoch it was admitted in. */
  let epoch = 0;
  let active = 0;
  let rateLimited = 0;
  const queue: Waiter[] = [];

  function grow(): void {
    if (limit >= max) return;
    if (limit < ceiling - 1) {
      limit++;
      return;
    }
    credit++;
    if (credit >= limit * PROBE_ROUNDS) {
      credit = 0;
      limit++;
    }
  }

  function cut(inFlight: number): void {
    ceiling = inFlight;
    limit = Math.max(1, Math.floor(limit / 2));
    credit = 0;
    epoch++;
  }

  function slot(): RequestSlot {
    active++;
    const admitted = epoch;
    const inFlight = active;
    let released = false;
    return {
      release(outcome) {
        if (released) return;
        released = true;
        active--;
        if (outcome === 'rate_limited') {
          rateLimited++;
          if (admitted === epoch) cut(inFlight);
          // Another 429 of the event just reacted to: it may show a lower level drew refusals.
          else if (admitted === epoch - 1) ceiling = Math.min(ceiling, inFlight);
        } else if (outcome === 'ok') {
          grow();
        }
        drain();
      },
    };
  }

  function drain(): void {
    while (active < limit && queue.length > 0) queue.shift()?.grant(slot());
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(cancelledError());
      if (active < limit && queue.length === 0) return Promise.resolve(slot());
      return new Promise<RequestSlot>((resolve, reject) => {
        const onAbort = (): void => {
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          reject(cancelledError());
        };
        const waiter: Waiter = {
          grant(granted) {
            signal?.removeEventListener('abort', onAbort);
            resolve(granted);
          },
        };
        queue.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    setMax(next) {
      max = checkMax(next);
      limit = Math.min(limit, max);
      drain();
    },
    stats: () => ({ limit, max, active, queued: queue.length, rateLimited }),
  };
}

function checkMax(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`limiter max must be a whole number ≥ 1`);
  return max;
}
