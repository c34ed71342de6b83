// Each fault kind, observable as documented in index.ts; plus times / match / skip semantics.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator } from './index.ts';
import type { FaultSpec, Simulator } from './index.ts';
import { accountAuth, get, rawGet } from './testkit.ts';
import type { ListBody } from './testkit.ts';

const ASSESSMENTS = '/v1/Insights/QualityManagement/Assessments';
const COMMENTS = '/v1/Insights/QualityManagement/Assessments/Comments';
let sim: Simulator;
let auth: string;

beforeAll(async () => {
  sim = await startSimulator({ assessments: 400 });
  auth = accountAuth(sim.accounts[0]!);
});
beforeEach(() => sim.reset());
afterAll(async () => {
  await sim.close();
});

const meta = (reply: { body: unknown }) => (reply.body as ListBody).meta;
const items = (reply: { body: unknown }) =>
  (reply.body as { assessments: { assessment_sid: string }[] }).assessments;

describe('transport faults', () => {
  it('rate_limit answers 429 / 20429 with Retry-After only when asked, then recovers', async () => {
    sim.fault({ kind: 'rate_limit', retryAfterSeconds: 3 });
    sim.fault({ kind: 'rate_limit' });
    const withHeader = await get(sim, ASSESSMENTS);
    const without = await get(sim, ASSESSMENTS);
    const ok = await get(sim, ASSESSMENTS);
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers.get('retry-after')).toBe('3');
    expect(withHeader.body).toEqual({
      code: 20429,
      message: 'Too Many Requests',
      more_info: 'https://www.twilio.com/docs/errors/20429',
      status: 429,
    });
    expect(without.status).toBe(429);
    expect(without.headers.get('retry-after')).toBeNull();
    expect(ok.status).toBe(200);
    expect(sim.log.map((e) => e.status)).toEqual([429, 429, 200]);
  });

  it.each([
    [undefined, 500, 20500],
    [500, 500, 20500],
    [502, 502, 20500],
    [503, 503, 20503],
    [504, 504, 20500],
  ] as const)('server_error %s answers %s with a Twilio body', async (status, expected, code) => {
    sim.fault(status === undefined ? { kind: 'server_error' } : { kind: 'server_error', status });
    const reply = await get(sim, '/v1/Insights/UserRoles');
    expect(reply.status).toBe(expected);
    expect(reply.body).toEqual({
      code,
      message: expect.any(String),
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status: expected,
    });
  });

  it('reset_mid_body sends the status, the full Content-Length and part of the body, then drops the socket', async () => {
    const intact = await rawGet(sim, `${ASSESSMENTS}?PageSize=100`, auth);
    sim.fault({ kind: 'reset_mid_body' });
    const broken = await rawGet(sim, `${ASSESSMENTS}?PageSize=100`, auth);
    expect(broken.status).toBe(200);
    expect(Number(broken.headers['content-length'])).toBe(intact.body.length);
    expect(broken.complete).toBe(false);
    expect(broken.error).not.toBeNull();
    expect(broken.body.length).toBeGreaterThan(0);
    expect(broken.body.length).toBeLessThan(intact.body.length);
    expect(intact.body.subarray(0, broken.body.length).equals(broken.body)).toBe(true);
    expect(sim.log.at(-1)?.status).toBe(200);
    // A fetch client sees the body fail.
    sim.fault({ kind: 'reset_mid_body' });
    const response = await fetch(sim.url + ASSESSMENTS, {
      headers: { authorization: auth },
      signal: AbortSignal.timeout(10_000),
    });
    await expect(response.text()).rejects.toThrow();
  });

  it('slow_headers holds the response back (a client timeout fires), then answers normally', async () => {
    sim.fault({ kind: 'slow_headers', delayMs: 300 });
    const startedAt = performance.now();
    const slow = await get(sim, '/v1/Insights/UserRoles');
    expect(slow.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250); // lower bound only
    sim.fault({ kind: 'slow_headers', delayMs: 1000 });
    await expect(
      fetch(`${sim.url}/v1/Insights/UserRoles`, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    // The request is logged once the delay is over, with status 0: the client had gone.
    for (let i = 0; i < 100 && sim.log.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sim.log.map((e) => e.status)).toEqual([200, 0]);
  });
});

describe('body faults', () => {
  it('malformed_json answers 200 with the real body cut short', async () => {
    const real = await get(sim, `${ASSESSMENTS}?PageSize=5`);
    sim.fault({ kind: 'malformed_json' });
    const bad = await get(sim, `${ASSESSMENTS}?PageSize=5`);
    expect(bad.status).toBe(200);
    expect(bad.body).toBeUndefined();
    expect(() => JSON.parse(bad.text) as unknown).toThrow();
    expect(bad.text.length).toBeGreaterThan(0);
    expect(real.text.startsWith(bad.text)).toBe(true);
    expect(Number(bad.headers.get('content-length'))).toBe(Buffer.byteLength(bad.text));
  });

  it('wrong_meta_key names another list while the records stay under the right key', async () => {
    sim.fault({ kind: 'wrong_meta_key' });
    sim.fault({ kind: 'wrong_meta_key' });
    const assessments = await get(sim, ASSESSMENTS);
    const comments = await get(sim, COMMENTS);
    expect(meta(assessments).key).toBe('comments');
    expect(items(assessments).length).toBe(50);
    expect(meta(comments).key).toBe('assessments');
  });

  it('empty_page_with_next returns [] with a next URL that resumes at the same offset', async () => {
    sim.fault({ kind: 'empty_page_with_next' });
    const empty = await get(sim, `${ASSESSMENTS}?PageSize=10`);
    expect(items(empty)).toEqual([]);
    const next = meta(empty).next_page_url;
    expect(next).not.toBeNull();
    expect(new URL(next ?? '').searchParams.get('Page')).toBe('1');
    const resumed = await get(sim, next ?? '');
    expect(items(resumed)).toEqual(sim.data.assessments({}, { limit: 10 }));
  });

  it('empty_page_with_next still gives a next URL on the last page', async () => {
    sim.fault({ kind: 'empty_page_with_next' });
    const reply = await get(sim, `${ASSESSMENTS}?PageSize=1000`);
    expect(items(reply)).toEqual([]);
    expect(meta(reply).next_page_url).not.toBeNull();
  });

  it('repeat_next_url points next_page_url at the very URL requested', async () => {
    const target = `${ASSESSMENTS}?PageSize=7&Page=0`;
    sim.fault({ kind: 'repeat_next_url' });
    const reply = await get(sim, target);
    expect(meta(reply).next_page_url).toBe(sim.url + target);
    expect(items(reply)).toHaveLength(7);
  });

  it('foreign_next_url moves next_page_url to 127.0.0.2 by default, or to the given origin', async () => {
    const port = new URL(sim.url).port;
    const normal = meta(await get(sim, `${ASSESSMENTS}?PageSize=10`)).next_page_url ?? '';
    sim.fault({ kind: 'foreign_next_url' });
    const moved = meta(await get(sim, `${ASSESSMENTS}?PageSize=10`)).next_page_url ?? '';
    expect(moved).toBe(normal.replace(sim.url, `http://127.0.0.2:${port}`));
    sim.fault({ kind: 'foreign_next_url', origin: 'http://evil.example' });
    const evil = meta(await get(sim, `${ASSESSMENTS}?PageSize=1000`)).next_page_url ?? '';
    expect(evil).toMatch(
      /^http:\/\/evil\.example\/v1\/Insights\/QualityManagement\/Assessments\?PageSize=1000&Page=1/,
    );
  });

  it('list faults skip single-object endpoints and error responses, and wait for a list', async () => {
    sim.fault({ kind: 'wrong_meta_key' });
    sim.fault({ kind: 'malformed_json' });
    const answerSets = await get(sim, '/v1/Insights/QualityManagement/Settings/AnswerSets');
    expect(answerSets.status).toBe(200);
    expect(answerSets.body).toBeUndefined(); // malformed_json applies to any 200…
    const denied = await get(sim, ASSESSMENTS, null);
    expect(denied.body).toMatchObject({ code: 20003 }); // …but not to a 401
    const list = await get(sim, ASSESSMENTS);
    expect(meta(list).key).toBe('comments'); // wrong_meta_key waited for a list
    expect(meta(await get(sim, ASSESSMENTS)).key).toBe('assessments');
  });
});

describe('times, match, skip', () => {
  it('fires `times` times, then lets requests through', async () => {
    sim.fault({ kind: 'server_error', status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(sim, '/v1/Insights/UserRoles')).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it('resets the 3rd page of assessments, leaving comments alone', async () => {
    sim.fault({ kind: 'reset_mid_body', match: 'Assessments?', skip: 2 });
    const statuses: string[] = [];
    let next: string | null = `${ASSESSMENTS}?PageSize=50`;
    for (let page = 0; page < 4 && next !== null; page++) {
      const comments = await get(sim, COMMENTS);
      statuses.push(`comments:${comments.status}`);
      const reply = await rawGet(sim, next.replace(sim.url, ''), auth);
      statuses.push(`page${page}:${reply.complete ? 'ok' : 'reset'}`);
      next = reply.complete ? (JSON.parse(reply.body.toString('utf8')) as ListBody).meta.next_page_url : null;
    }
    expect(statuses).toEqual([
      'comments:200',
      'page0:ok',
      'comments:200',
      'page1:ok',
      'comments:200',
      'page2:reset',
    ]);
  });

  it('match on SegmentId= fails every request about one segment, every page, until cleared', async () => {
    const [target = '', other = ''] = sim.data
      .segmentIds()
      .filter((id) => sim.data.countAssessments({ segmentId: id }) > 2);
    sim.fault({ kind: 'server_error', status: 503, match: `SegmentId=${target}`, times: Infinity });
    const paths = (id: string) => [
      `${ASSESSMENTS}?SegmentId=${id}&PageSize=1`,
      `${ASSESSMENTS}?PageSize=1&SegmentId=${id}`,
      `${COMMENTS}?SegmentId=${id}`,
      `/v1/Insights/Segments?SegmentId=${id}`,
      `/v1/Insights/Conversations?SegmentId=${id}`,
    ];
    for (const path of paths(other)) expect((await get(sim, path)).status, path).toBe(200);
    for (let round = 0; round < 3; round++) {
      for (const path of paths(target)) expect((await get(sim, path)).status, path).toBe(503);
    }
    // A next page of the segment (its URL keeps the filter) fails as well.
    sim.clearFaults();
    const firstPage = await get(sim, `${ASSESSMENTS}?SegmentId=${target}&PageSize=1`);
    const next = meta(firstPage).next_page_url ?? '';
    sim.fault({ kind: 'server_error', match: `SegmentId=${target}`, times: Infinity });
    expect((await get(sim, next)).status).toBe(500);
    sim.clearFaults();
    expect((await get(sim, next)).status).toBe(200);
  });

  it('clearFaults() drops queued faults; invalid specs are refused', async () => {
    sim.fault({ kind: 'server_error', times: 5 });
    sim.clearFaults();
    expect((await get(sim, '/v1/Insights/UserRoles')).status).toBe(200);
    const bad: unknown[] = [
      { kind: 'server_error', times: 0 },
      { kind: 'server_error', times: Number.NaN },
      { kind: 'server_error', times: -Infinity },
      { kind: 'server_error', skip: -1 },
      { kind: 'server_error', status: 418 },
      { kind: 'slow_headers' },
      { kind: 'rate_limit', retryAfterSeconds: -2 },
      { kind: 'explode' },
    ];
    for (const spec of bad)
      expect(() => sim.fault(spec as FaultSpec), JSON.stringify(spec)).toThrow(TypeError);
  });
});
