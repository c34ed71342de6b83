// The adaptive limiter on its own (slot arithmetic), then gating a real client over loopback:
// never more requests in flight than its limit, and a server that refuses beyond its own limit
// teaches it that limit without losing a request.
import { afterEach, describe, expect, it } from 'vitest';
import { createAdaptiveLimiter, PROBE_ROUNDS, type RequestSlot } from '../../../src-main/flex/limiter.ts';
import { cleanup, client, harness, recorder } from './helpers.ts';

const h = harness();
afterEach(() => cleanup(h));

/** Acquires n slots at once (they must all be granted without waiting). */
async function take(limiter: ReturnType<typeof createAdaptiveLimiter>, n: number): Promise<RequestSlot[]> {
  return Promise.all(Array.from({ length: n }, () => limiter.acquire()));
}

describe('createAdaptiveLimiter', () => {
  it('starts at min(max, 4), queues beyond the limit and grows one slot per success up to max', async () => {
    const limiter = createAdaptiveLimiter({ max: 6 });
    expect(limiter.stats()).toMatchObject({ limit: 4, max: 6, active: 0 });
    const slots = await take(limiter, 4);
    let fifth = false;
    const waiting = limiter.acquire().then((slot) => {
      fifth = true;
      return slot;
    });
    await new Promise((r) => setImmediate(r));
    expect(fifth).toBe(false);
    expect(limiter.stats()).toMatchObject({ active: 4, queued: 1 });
    slots[0]?.release('ok'); // limit 5: the waiter and one more may run
    expect(await waiting).toBeDefined();
    expect(limiter.stats()).toMatchObject({ limit: 5, active: 4, queued: 0 });
    for (let i = 0; i < 10; i++) (await limiter.acquire()).release('ok');
    expect(limiter.stats().limit).toBe(6);
  });

  it('halves once per congestion event, however many 429s that event drew, and counts them all', async () => {
    const limiter = createAdaptiveLimiter({ max: 8, initial: 8 });
    const slots = await take(limiter, 8);
    for (const slot of slots.slice(0, 3)) slot.release('rate_limited');
    expect(limiter.stats()).toMatchObject({ limit: 4, rateLimited: 3 });
    // A 429 of a request admitted after the cut is a new event.
    for (const slot of slots.slice(3)) slot.release('failed');
    const late = await limiter.acquire();
    late.release('rate_limited');
    expect(limiter.stats()).toMatchObject({ limit: 2, rateLimited: 4 });
  });

  it('regrows fast to just below the level that drew a 429, then probes slowly', async () => {
    const limiter = createAdaptiveLimiter({ max: 16, initial: 6 });
    const slots = await take(limiter, 6);
    slots[5]?.release('rate_limited'); // the 6th in flight drew it: the account's limit is about 5
    for (const slot of slots.slice(0, 5)) slot.release('failed');
    expect(limiter.stats().limit).toBe(3);
    for (let i = 0; i < 2; i++) (await limiter.acquire()).release('ok');
    expect(limiter.stats().limit).toBe(5);
    for (let i = 0; i < 5 * PROBE_ROUNDS - 1; i++) (await limiter.acquire()).release('ok');
    expect(limiter.stats().limit).toBe(5);
    (await limiter.acquire()).release('ok');
    expect(limiter.stats().limit).toBe(6);
  });

  it('never goes below one slot, and failures other than 429 leave the limit alone', async () => {
    const limiter = createAdaptiveLimiter({ max: 4, initial: 1 });
    for (let i = 0; i < 5; i++) (await limiter.acquire()).release('rate_limited');
    expect(limiter.stats()).toMatchObject({ limit: 1, rateLimited: 5 });
    (await limiter.acquire()).release('failed');
    expect(limiter.stats().limit).toBe(1);
  });

  it('setMax cuts the limit at once and caps later growth', async () => {
    const limiter = createAdaptiveLimiter({ max: 8, initial: 8 });
    limiter.setMax(2);
    expect(limiter.stats()).toMatchObject({ limit: 2, max: 2 });
    for (let i = 0; i < 10; i++) (await limiter.acquire()).release('ok');
    expect(limiter.stats().limit).toBe(2);
    expect(() => limiter.setMax(0)).toThrow(RangeError);
  });

  it('a waiter whose signal aborts leaves the queue with a cancelled error', async () => {
    const limiter = createAdaptiveLimiter({ max: 1, initial: 1 });
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'cancelled' });
    expect(limiter.stats()).toMatchObject({ queued: 0, active: 1 });
    held.release('ok');
    held.release('ok'); // a second release is ignored
    expect(limiter.stats().active).toBe(0);
    await expect(limiter.acquire(AbortSignal.abort())).rejects.toMatchObject({ code: 'cancelled' });
  });
});

describe('a client with a limiter', () => {
  it('never has more requests in flight than the limit', async () => {
    let open = 0;
    let peak = 0;
    const server = await recorder(h, () => {
      open++;
      peak = Math.max(peak, open);
      setTimeout(() => open--, 25);
      return { status: 200, body: { roles: ['wfo.full_access'] }, delayMs: 25 };
    });
    const limiter = createAdaptiveLimiter({ max: 3, initial: 3 });
    const c = client(h, server.url, { username: 'ACx', password: 'pw' }, { limiter });
    expect(c.limiter).toBe(limiter);
    await Promise.all(Array.from({ length: 20 }, () => c.userRoles()));
    expect(server.requests).toHaveLength(20);
    expect(peak).toBe(3);
  });

  it('learns a server’s concurrency limit from its 429s and loses no request', async () => {
    const LIMIT = 2;
    let open = 0;
    let refused = 0;
    const server = await recorder(h, () => {
      if (open >= LIMIT) {
        refused++;
        return { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } };
      }
      open++;
      setTimeout(() => open--, 20);
      return { status: 200, body: { roles: ['wfo.full_access'] }, delayMs: 20 };
    });
    const limiter = createAdaptiveLimiter({ max: 8, initial: 8 });
    const c = client(h, server.url, { username: 'ACx', password: 'pw' }, { limiter });
    const answers = await Promise.all(Array.from({ length: 40 }, () => c.userRoles()));
    expect(answers).toHaveLength(40);
    expect(refused).toBeGreaterThan(0);
    expect(limiter.stats().rateLimited).toBe(refused);
    expect(limiter.stats().limit).toBeLessThanOrEqual(LIMIT + 1);
  });

  it('is on by default, one per client; null turns it off', () => {
    const a = client(h, 'http://127.0.0.1:9', { username: 'ACx', password: 'pw' });
    const b = client(h, 'http://127.0.0.1:9', { username: 'ACx', password: 'pw' });
    expect(a.limiter).not.toBeNull();
    expect(a.limiter).not.toBe(b.limiter);
    expect(
      client(h, 'http://127.0.0.1:9', { username: 'ACx', password: 'pw' }, { limiter: null }).limiter,
    ).toBe(null);
  });
});
