// Every simulator fault ends in exactly the right records or in the right typed error, never a
// hang, a duplicate or a silent truncation; credentials never leave the account's host; calls
// can be cancelled mid-page and mid-backoff.
import { afterEach, describe, expect, it } from 'vitest';
import {
  account,
  cleanup,
  client,
  clientFor,
  collect,
  everythingIn,
  harness,
  recorder,
  settle,
  sim,
} from './helpers.ts';
import { MAX_EMPTY_PAGES } from '../../../src-main/flex/pager.ts';
import type { FaultSpec, Simulator } from '../../simulator/index.ts';

const h = harness();
afterEach(() => cleanup(h));

const N = 230;
const SIZE = 50; // 5 pages
const LIST = 'QualityManagement/Assessments?';

async function pageAll(s: Simulator, options = {}) {
  return settle(collect(clientFor(h, s, options).assessments({}, { pageSize: SIZE })));
}

function expectExact(s: Simulator, result: Awaited<ReturnType<typeof pageAll>>) {
  if (!result.ok) throw result.error;
  const sids = result.value.items.map((x) => x.assessment_sid);
  expect(sids).toEqual(s.data.assessments().map((x) => x.assessment_sid));
}

describe('faults that must end in exactly the right records', () => {
  const recoverable: [string, FaultSpec][] = [
    ['429 without Retry-After', { kind: 'rate_limit', match: LIST, skip: 1, times: 2 }],
    ['500', { kind: 'server_error', match: LIST, skip: 2 }],
    ['502', { kind: 'server_error', status: 502, match: LIST, skip: 1 }],
    ['503 twice', { kind: 'server_error', status: 503, match: LIST, times: 2 }],
    ['504', { kind: 'server_error', status: 504, match: LIST, skip: 4 }],
    ['a reset in the middle of a body', { kind: 'reset_mid_body', match: LIST, skip: 2 }],
    ['two resets in a row', { kind: 'reset_mid_body', match: LIST, skip: 1, times: 2 }],
    [
      'headers slower than the request timeout',
      { kind: 'slow_headers', delayMs: 1500, match: LIST, skip: 1 },
    ],
    ['an empty page that points to the same records', { kind: 'empty_page_with_next', match: LIST, skip: 1 }],
  ];
  it.each(recoverable)('%s', async (_, fault) => {
    const s = await sim(h, { assessments: N });
    s.fault(fault);
    const result = await pageAll(s, { requestTimeoutMs: 300 });
    expectExact(s, result);
    const failures = fault.kind === 'slow_headers' ? 0 : (fault.times ?? 1);
    // 5 pages, one retry per failed attempt (the empty page costs one extra request).
    const expected = 5 + (fault.kind === 'empty_page_with_next' ? 1 : failures);
    // A slow response is logged only once the simulator writes it, which may be after the client gave up.
    expect(s.log.filter((e) => e.status === 200 || e.status >= 400).length).toBeGreaterThanOrEqual(expected);
    expect(s.log.filter((e) => e.status >= 400)).toHaveLength(
      fault.kind === 'rate_limit' || fault.kind === 'server_error' ? failures : 0,
    );
  });

  it('honours Retry-After before retrying a 429', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'rate_limit', retryAfterSeconds: 1, match: LIST, skip: 1 });
    expectExact(s, await pageAll(s));
    const limited = s.log.findIndex((e) => e.status === 429);
    const retried = s.log[limited + 1];
    const limitedEntry = s.log[limited];
    if (!retried || !limitedEntry) throw new Error('no retry logged');
    // A lower bound only: the retry cannot start before the server's second has passed.
    expect(retried.startedAt - (limitedEntry.startedAt + limitedEntry.ms)).toBeGreaterThanOrEqual(950);
  });
});

describe('faults that must end in the right typed error', () => {
  it('429 every time: rate_limited after the bounded attempts', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'rate_limit', match: LIST, times: 100 });
    const result = await pageAll(s, { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 } });
    expect(result.ok ? null : result.error).toMatchObject({
      code: 'rate_limited',
      detail: { status: 429, twilioCode: 20429, attempts: 3 },
    });
    expect(s.log).toHaveLength(3);
  });

  it('5xx every time: server error with Twilio’s code and status', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'server_error', status: 503, match: LIST, times: 100, skip: 2 });
    const result = await pageAll(s, { retry: { maxAttempts: 2, baseDelayMs: 5 } });
    expect(result.ok ? null : result.error).toMatchObject({
      code: 'server',
      detail: { status: 503, twilioCode: 20503, attempts: 2 },
    });
    expect(s.log).toHaveLength(4);
  });

  it('resets every time: network error, bounded', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'reset_mid_body', match: LIST, times: 100 });
    const result = await pageAll(s, { retry: { maxAttempts: 3, baseDelayMs: 5 } });
    expect(result.ok ? null : result.error).toMatchObject({ code: 'network' });
    expect(s.log).toHaveLength(3);
  });

  it('slow every time: timeout, bounded', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'slow_headers', delayMs: 5000, match: LIST, times: 100 });
    const result = await pageAll(s, { requestTimeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 5 } });
    expect(result.ok ? null : result.error).toMatchObject({ code: 'timeout', detail: { attempts: 2 } });
  });

  it.each([
    ['malformed JSON', { kind: 'malformed_json', match: LIST, skip: 2 }, /not valid JSON/],
    ['a wrong meta.key', { kind: 'wrong_meta_key', match: LIST, skip: 1 }, /meta\.key/],
    [
      'a next-page link repeating the current page',
      { kind: 'repeat_next_url', match: LIST, skip: 1 },
      /repeats/,
    ],
  ] as [string, FaultSpec, RegExp][])(
    '%s: protocol error, not retried, nothing duplicated',
    async (_, fault, message) => {
      const s = await sim(h, { assessments: N });
      s.fault(fault);
      const c = clientFor(h, s);
      const seen: string[] = [];
      const result = await settle(
        (async () => {
          for await (const item of c.assessments({}, { pageSize: SIZE }).items())
            seen.push(item.assessment_sid ?? '');
        })(),
      );
      expect(result.ok ? null : result.error).toMatchObject({ code: 'protocol', message });
      expect(new Set(seen).size).toBe(seen.length);
      const skip = fault.skip ?? 0;
      // What came before the bad page is exactly the first records, in order.
      expect(seen).toEqual(s.data.assessments({}, { limit: skip * SIZE }).map((x) => x.assessment_sid));
      expect(s.log.length).toBeLessThanOrEqual(skip + 2);
    },
  );

  it('the same page again under a fresh token: protocol error instead of a loop, nothing duplicated', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'stuck_page', match: LIST, skip: 1, times: 1000 });
    const seen: string[] = [];
    const result = await settle(
      (async () => {
        for await (const item of clientFor(h, s).assessments({}, { pageSize: SIZE }).items())
          seen.push(item.assessment_sid ?? '');
      })(),
    );
    expect(result.ok ? null : result.error).toMatchObject({ code: 'protocol', message: /do not advance/ });
    expect(seen).toEqual(s.data.assessments({}, { limit: 2 * SIZE }).map((x) => x.assessment_sid));
    expect(s.log.length).toBeLessThanOrEqual(4);
  });

  it(`more than ${MAX_EMPTY_PAGES} empty pages in a row: protocol error instead of a loop`, async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'empty_page_with_next', match: LIST, times: 1000 });
    const result = await pageAll(s);
    expect(result.ok ? null : result.error).toMatchObject({ code: 'protocol', message: /empty pages/ });
    expect(s.log).toHaveLength(MAX_EMPTY_PAGES + 1);
  });
});

describe('credentials never reach another host', () => {
  it('a next page on a foreign origin is refused and never requested', async () => {
    const foreign = await recorder(h, () => ({
      status: 200,
      body: { assessments: [], meta: { key: 'assessments' } },
    }));
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'foreign_next_url', origin: foreign.url, match: LIST, skip: 1 });
    const result = await pageAll(s);
    expect(result.ok ? null : result.error).toMatchObject({ code: 'protocol', message: /another host/ });
    expect(foreign.requests).toEqual([]);
    expect(s.log).toHaveLength(2);
    expect(s.log.every((e) => e.authOk)).toBe(true);
  });

  it('the default foreign origin (another loopback address, same port) is refused too', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'foreign_next_url', match: LIST });
    const result = await pageAll(s);
    expect(result.ok ? null : result.error).toMatchObject({ code: 'protocol' });
    expect(s.log).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    const target = await recorder(h, () => ({ status: 200, body: { roles: ['x'] } }));
    const redirecting = await recorder(h, () => ({ status: 302, body: {} }));
    const c = client(h, redirecting.url, { username: 'ACx', password: 'pw' });
    // node:http answers 302 without Location here; the client must not go anywhere else either way.
    const result = await settle(c.userRoles());
    expect(result.ok ? null : result.error).toMatchObject({ code: 'protocol', message: /redirect/ });
    expect(target.requests).toEqual([]);
  });

  it('no error reachable from a failure holds the secret or the Authorization header', async () => {
    const s = await sim(h, { assessments: N });
    const a = account(s);
    const secret = a.authToken;
    const basic = Buffer.from(`${a.accountSid}:${secret}`).toString('base64');
    const wrong = 'wrong-token-0123456789abcdef';
    const errors: unknown[] = [];

    const bad = client(h, s.url, { username: a.accountSid, password: wrong });
    errors.push((await settle(bad.userRoles())) as unknown);
    s.fault({ kind: 'malformed_json', match: LIST });
    errors.push(await pageAll(s));
    s.fault({ kind: 'foreign_next_url', match: LIST });
    errors.push(await pageAll(s));
    s.fault({ kind: 'reset_mid_body', match: LIST, times: 10 });
    errors.push(await pageAll(s, { retry: { maxAttempts: 2 } }));
    s.clearFaults();
    const closed = await recorder(h, () => ({ status: 200, body: {} }));
    const gone = client(h, closed.url, { username: a.accountSid, password: secret });
    await cleanup({ sims: [], clients: [], servers: h.servers.splice(-1) });
    errors.push(await settle(gone.userRoles()));

    const failures = errors.map((r) => (r as { ok: boolean; error?: unknown }).error);
    expect(failures.every((e) => e instanceof Error)).toBe(true);
    expect(failures.map((e) => (e as { code: string }).code)).toEqual([
      'auth',
      'protocol',
      'protocol',
      'network',
      'network',
    ]);
    for (const error of failures) {
      const text = everythingIn(error);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(wrong);
      expect(text).not.toContain(basic);
      expect(text.toLowerCase()).not.toContain('basic ');
    }
  });
});

describe('cancellation', () => {
  it('mid-page: an abort while a page is in flight ends promptly with cancelled', async () => {
    const s = await sim(h, { assessments: N, latencyMs: 5000 });
    const c = clientFor(h, s);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const result = await settle(collect(c.assessments({}, { pageSize: SIZE, signal: controller.signal })));
    expect(result.ok ? null : result.error).toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('between pages: after the first page, the abort stops the prefetch and nothing more is yielded', async () => {
    const s = await sim(h, { assessments: N });
    const c = clientFor(h, s);
    const controller = new AbortController();
    s.setLatency(3000);
    let pages = 0;
    const result = await settle(
      (async () => {
        s.setLatency(0);
        for await (const page of c.assessments({}, { pageSize: SIZE, signal: controller.signal })) {
          pages++;
          expect(page.items).toHaveLength(SIZE);
          s.setLatency(3000);
          controller.abort();
        }
      })(),
    );
    expect(result.ok ? null : result.error).toMatchObject({ code: 'cancelled' });
    expect(pages).toBe(1);
  });

  it('mid-backoff: an abort while waiting out Retry-After ends promptly with cancelled', async () => {
    const s = await sim(h, { assessments: N });
    s.fault({ kind: 'rate_limit', retryAfterSeconds: 30, match: LIST, skip: 1 });
    const c = clientFor(h, s, { retry: { retryAfterCapMs: 60_000, maxTotalMs: 120_000 } });
    const controller = new AbortController();
    const started = Date.now();
    const run = settle(collect(c.assessments({}, { pageSize: SIZE, signal: controller.signal })));
    for (let i = 0; i < 200 && !s.log.some((e) => e.status === 429); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(s.log.some((e) => e.status === 429)).toBe(true);
    controller.abort();
    const result = await run;
    expect(result.ok ? null : result.error).toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(s.log.filter((e) => e.status === 429)).toHaveLength(1);
  });

  it('breaking out of the loop sends no further requests', async () => {
    const s = await sim(h, { assessments: N });
    const c = clientFor(h, s);
    for await (const page of c.assessments({}, { pageSize: SIZE })) {
      expect(page.items).toHaveLength(SIZE);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
    // The first page and at most the one prefetched page.
    expect(s.log.length).toBeLessThanOrEqual(2);
  });
});
