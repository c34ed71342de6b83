import { describe, expect, it } from 'vitest';
import { FlexError } from '../../../src-main/flex/errors.ts';
import {
  backoffMs,
  DEFAULT_RETRY,
  parseRetryAfter,
  realSleep,
  retryDelayMs,
  withRetry,
} from '../../../src-main/flex/retry.ts';
import type { RetryPolicy } from '../../../src-main/flex/types.ts';

const policy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxTotalMs: 10_000,
  retryAfterCapMs: 2000,
};

const retryable = (code: 'server' | 'rate_limited' = 'server', retryAfterMs?: number) =>
  new FlexError(code, 'x', {
    detail: retryAfterMs === undefined ? { status: 503 } : { status: 429, retryAfterMs },
  });

/** A fake clock whose sleep only advances time and records the delays asked for. */
function fakeTime() {
  let t = 0;
  const delays: number[] = [];
  return {
    delays,
    now: () => t,
    sleep: async (ms: number) => {
      delays.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('backoff math', () => {
  it('is full jitter over an exponentially growing, capped ceiling', () => {
    const top = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, top))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffMs(3, policy, () => 0)).toBe(0);
    expect(backoffMs(2, policy, () => 0.5)).toBe(200);
  });

  it('uses Retry-After instead of jitter, capped', () => {
    expect(retryDelayMs(0, 1500, policy, () => 0)).toBe(1500);
    expect(retryDelayMs(0, 60_000, policy, () => 0)).toBe(2000);
    expect(retryDelayMs(1, null, policy, () => 0.5)).toBe(100);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
  });
});

describe('withRetry', () => {
  it('retries retryable errors with the computed delays, then succeeds', async () => {
    const time = fakeTime();
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw retryable();
        return 'done';
      },
      { policy, random: () => 0.5, sleep: time.sleep, now: time.now, signal: undefined },
    );
    expect(value).toBe('done');
    expect(calls).toBe(4);
    expect(time.delays).toEqual([50, 100, 200]);
  });

  it('gives up after maxAttempts with the last error and the attempt count', async () => {
    const time = fakeTime();
    let calls = 0;
    const failure = withRetry(
      async () => {
        calls++;
        throw retryable('rate_limited', 10);
      },
      { policy, random: () => 0.5, sleep: time.sleep, now: time.now, signal: undefined },
    );
    await expect(failure).rejects.toMatchObject({ code: 'rate_limited', detail: { attempts: 5 } });
    expect(calls).toBe(5);
    expect(time.delays).toEqual([10, 10, 10, 10]);
  });

  it('stops before a wait that would pass the total time budget', async () => {
    const time = fakeTime();
    let calls = 0;
    const failure = withRetry(
      async () => {
        calls++;
        time.advance(1500);
        throw retryable('rate_limited', 2000);
      },
      {
        policy: { ...policy, maxTotalMs: 6000 },
        random: () => 0,
        sleep: time.sleep,
        now: time.now,
        signal: undefined,
      },
    );
    await expect(failure).rejects.toMatchObject({ code: 'rate_limited' });
    // 1500 + 2000 = 3500 ok; 3500 + 1500 + 2000 = 7000 > 6000: stop after the second attempt.
    expect(calls).toBe(2);
    expect(time.delays).toEqual([2000]);
  });

  it('does not retry errors that are not retryable', async () => {
    let calls = 0;
    const failure = withRetry(
      async () => {
        calls++;
        throw new FlexError('auth', 'no');
      },
      { policy, random: () => 0, sleep: async () => undefined, now: () => 0, signal: undefined },
    );
    await expect(failure).rejects.toMatchObject({ code: 'auth' });
    expect(calls).toBe(1);
  });

  it('ends promptly with cancelled when aborted during the real backoff sleep', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    const failure = withRetry(
      async () => {
        calls++;
        setTimeout(() => controller.abort(), 20);
        throw retryable('rate_limited', 60_000);
      },
      {
        policy: { ...DEFAULT_RETRY, retryAfterCapMs: 60_000, maxTotalMs: 120_000 },
        random: Math.random,
        sleep: realSleep,
        now: Date.now,
        signal: controller.signal,
      },
    );
    await expect(failure).rejects.toMatchObject({ code: 'cancelled' });
    expect(calls).toBe(1);
    // Generous bound: only detects waiting out the 60 s Retry-After.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('realSleep rejects at once for an already aborted signal', async () => {
    await expect(realSleep(60_000, AbortSignal.abort())).rejects.toMatchObject({ code: 'cancelled' });
  });
});
