// What goes wrong during a sync: 429s from the account's concurrency limit, a failing segment,
// bad credentials or missing access, records without an assessment SID, a cursor Twilio no
// longer accepts.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  account,
  busySegments,
  cleanup,
  client,
  contents,
  context,
  expectedOf,
  kit,
  sids,
  sim,
  store,
  sync,
} from './helpers.ts';
import type { ProgressUpdate } from '../../../src-main/jobs/types.ts';
import { defaultAccount, startSimulator, type Simulator } from '../../simulator/index.ts';

const k = kit();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
  await cleanup(k);
});

describe('the account’s concurrency limit', () => {
  it('429s beyond two requests in flight: the sync slows down and loses no segment', async () => {
    const s = await sim(k, { maxConcurrent: 2, latencyMs: 10 });
    const st = await store(k, s);
    const ids = busySegments(s, 30);
    const result = await sync(st, client(k, s), { segments: ids }, { concurrency: 8, pageSize: 3 });
    const refused = s.log.filter((e) => e.status === 429).length;
    expect(refused).toBeGreaterThan(0);
    expect(result).toMatchObject({ failures: [], segmentsSynced: ids.length, rateLimited: refused });
    const expected = expectedOf(s, ids);
    const got = await contents(st);
    expect(sids(got.assessments)).toEqual(expected.assessments);
    expect(sids(got.comments)).toEqual(expected.comments);
  });

  it('stays within the reviewer’s cap', async () => {
    const s = await sim(k, { latencyMs: 15 });
    const st = await store(k, s);
    const ids = busySegments(s, 20);
    await sync(st, client(k, s), { segments: ids }, { concurrency: 3 });
    const peak = Math.max(...s.log.map((e) => (e.inFlight ?? 0) + 1));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThanOrEqual(2);
  });
});

describe('a failing segment', () => {
  it('is listed with its typed error while the others complete', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    const ids = busySegments(s, 10);
    const bad = ids[4] ?? '';
    s.fault({ kind: 'server_error', status: 503, match: `SegmentId=${bad}`, times: Infinity });
    const rec = context();
    const result = await sync(st, client(k, s), { segments: ids }, {}, rec);
    expect(result.failures).toEqual([
      {
        kind: 'segment',
        id: bad,
        error: expect.objectContaining({ code: 'server', message: expect.stringMatching(/HTTP 503/) }),
      },
    ]);
    expect(result).toMatchObject({ segments: 10, segmentsSynced: 9 });
    const good = ids.filter((id) => id !== bad);
    const got = await contents(st);
    const expected = expectedOf(s, good);
    expect(sids(got.assessments.filter((a) => a.segmentId !== bad))).toEqual(expected.assessments);
    expect(got.segments.filter((g) => g.synced).map((g) => g.segmentId)).toEqual([...good].sort());
    expect(rec.updates.at(-1)?.phase).toMatch(/^1 of 10 segments failed: /);
  });
});

describe('credentials and access', () => {
  it('bad credentials stop the whole job at once', async () => {
    const s = await sim(k, { latencyMs: 20 });
    const st = await store(k, s);
    const ids = busySegments(s, 40);
    const rec = context((update: ProgressUpdate) => {
      // A few segments in, the token stops working (rotated elsewhere).
      const a = s.accounts[0];
      if (a && update.total === ids.length && (update.done ?? 0) >= 3) a.authToken = 'rotated';
    });
    await expect(sync(st, client(k, s), { segments: ids }, {}, rec)).rejects.toMatchObject({
      code: 'auth',
      message: expect.stringMatching(/rejected the credentials/),
    });
    const rejected = s.log.filter((e) => e.status === 401).length;
    expect(rejected).toBeGreaterThan(0);
    // No segment after the first rejection asks again: at most what was in flight then.
    expect(rejected).toBeLessThanOrEqual(8 * 3);
    const synced = (await contents(st)).segments.filter((g) => g.synced).length;
    expect(synced).toBeLessThan(ids.length);
  });

  it('wrong credentials from the start: nothing is asked per segment', async () => {
    const s = await sim(k);
    const st = await store(k, s);
    await expect(
      sync(st, client(k, s, { password: 'wrong' }), { segments: busySegments(s, 5) }),
    ).rejects.toMatchObject({ code: 'auth' });
    expect(s.log.some((e) => e.query.SegmentId !== undefined)).toBe(false);
  });

  it('an account without Flex Insights access is forbidden for the whole job', async () => {
    const blocked = { ...defaultAccount(5), insightsAccess: false };
    const s = await sim(k, { accounts: [blocked] });
    const st = await store(k, s);
    await expect(sync(st, client(k, s), { all: true })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

/** A loopback proxy to the simulator that drops the assessment SID of each assessments page’s first record. */
async function sidDroppingProxy(s: Simulator): Promise<string> {
  const target = new URL(s.url);
  const server = createServer((req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          if (answer.statusCode === 200 && req.url?.includes('/QualityManagement/Assessments?')) {
            const json = JSON.parse(body) as { assessments: Array<{ assessment_sid: string | null }> };
            if (json.assessments[0]) json.assessments[0].assessment_sid = null;
            body = JSON.stringify(json);
          }
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
          res.end(body);
        });
      },
    );
    req.pipe(upstream);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('records without an assessment SID', () => {
  it('are counted, reported in the result and the summary, and not stored', async () => {
    const s = await sim(k);
    const proxied = { ...s, url: await sidDroppingProxy(s) } as Simulator;
    const st = await store(k, s);
    const ids = busySegments(s, 6, 3);
    const pageSize = 2;
    const rec = context();
    const result = await sync(st, client(k, proxied), { segments: ids }, { pageSize }, rec);
    const pages = ids.reduce(
      (n, id) => n + Math.ceil(s.data.countAssessments({ segmentId: id }) / pageSize),
      0,
    );
    const expected = expectedOf(s, ids);
    expect(result.skippedNoSid).toBe(pages);
    expect(result.assessments).toBe(expected.assessments.length - pages);
    expect((await st.overview()).assessments).toBe(expected.assessments.length - pages);
    expect(rec.updates.at(-1)?.phase).toMatch(
      new RegExp(`${pages} records had no assessment SID and were skipped\\.$`),
    );
  });
});

describe('a stored cursor Twilio no longer accepts', () => {
  // The store cannot start a new pass while one is unfinished, so the pass starts over at its
  // first page: every remote record arrives, but rows only the abandoned part committed stay until
  // the next complete pass removes them (a Store.openPass restart option would close that gap).
  it('starts the pass over at the first page: every record arrives, and the next pass mirrors exactly', async () => {
    const shared = defaultAccount(21);
    const first = await startSimulator({ seed: 21, assessments: 400, accounts: [shared], latencyMs: 2 });
    const port = Number(new URL(first.url).port);
    const st = await store(k, first);
    const rec = context((update: ProgressUpdate) => {
      if ((update.done ?? 0) >= 40) rec.controller.abort();
    });
    await expect(sync(st, client(k, first), { all: true }, { pageSize: 20 }, rec)).rejects.toMatchObject({
      code: 'cancelled',
    });
    const abandoned = await st.overview();
    await first.close();

    // Same address, other seed: its PageTokens do not match the saved ones (400).
    const second = await startSimulator({ seed: 22, assessments: 300, accounts: [shared], port });
    k.sims.push(second);
    const c = client(k, second);
    const result = await sync(st, c, { all: true }, { pageSize: 20 });
    expect(result.failures).toEqual([]);
    expect(second.log.filter((e) => e.status === 400).length).toBeGreaterThan(0);
    const remote = second.data.assessments().map((a) => a.assessment_sid);
    const got = sids((await contents(st)).assessments);
    expect(got).toEqual(expect.arrayContaining(remote));
    expect(got.length - remote.length).toBeLessThanOrEqual(abandoned.assessments);

    await sync(st, c, { all: true }, { pageSize: 20 });
    expect(sids((await contents(st)).assessments)).toEqual([...remote].sort());
    expect(account(second).accountSid).toBe(shared.accountSid);
  });
});
