// The demo dispatcher against the simulator: for the same seed and origin, every answer (status,
// content type, body bytes) equals the simulator's over real HTTP, yet no socket is ever opened.
// Also: the demo defaults, abort before and during the body, pause/resume, close and destroy.

import net from 'node:net';
import tls from 'node:tls';
import { Agent, request } from 'undici';
import type { Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createDemoDispatcher,
  DEMO_ACCOUNT,
  DEMO_ASSESSMENTS,
  DEMO_ORIGIN,
  DEMO_SEED,
} from '../../../src-main/demo/dispatcher.ts';
import type { DemoDispatcher } from '../../../src-main/demo/dispatcher.ts';
import { startSimulator } from '../../simulator/index.ts';
import type { Simulator } from '../../simulator/index.ts';

const Q = '/v1/Insights/QualityManagement';
const N = 3000;

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface Answer {
  status: number;
  type: string | string[] | undefined;
  body: string;
}

async function answer(
  dispatcher: Dispatcher,
  url: string,
  options: { auth?: string | null; method?: Dispatcher.HttpMethod } = {},
): Promise<Answer> {
  const auth =
    options.auth === undefined ? basic(DEMO_ACCOUNT.username, DEMO_ACCOUNT.password) : options.auth;
  const response = await request(url, {
    dispatcher,
    method: options.method ?? 'GET',
    headers: auth === null ? {} : { authorization: auth },
  });
  const body = Buffer.from(await response.body.arrayBuffer()).toString('utf8');
  return { status: response.statusCode, type: response.headers['content-type'], body };
}

const nextOf = (a: Answer): string | null =>
  (JSON.parse(a.body) as { meta: { next_page_url: string | null } }).meta.next_page_url;

/** Counts sockets undici (or anything else) opens while `run` goes. */
async function socketsOpenedDuring(run: () => Promise<void>): Promise<number> {
  const spies = [vi.spyOn(net, 'connect'), vi.spyOn(net, 'createConnection'), vi.spyOn(tls, 'connect')];
  try {
    await run();
    return spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('demo dispatcher', () => {
  let sim: Simulator;
  let http: Agent;
  let demo: DemoDispatcher;

  beforeAll(async () => {
    sim = await startSimulator({ seed: DEMO_SEED, assessments: N });
    http = new Agent();
    // The simulator's own origin: the dispatcher answers for it without ever reaching it.
    demo = createDemoDispatcher({ seed: DEMO_SEED, assessments: N, origin: sim.url });
  });
  afterAll(async () => {
    await demo.close();
    await http.close();
    await sim.close();
  });
  afterEach(() => sim.reset());

  it('is the simulator’s default account for the seed, DEMO_ACCOUNT for the demo seed', () => {
    const [account] = sim.accounts;
    expect(demo.account).toEqual({
      accountSid: account?.accountSid,
      username: account?.accountSid,
      password: account?.authToken,
    });
    expect(demo.account).toEqual(DEMO_ACCOUNT);
    expect(demo.dataset.assessmentCount).toBe(sim.data.assessmentCount);
  });

  it('answers byte for byte like the simulator over HTTP, following next_page_url to the end', async () => {
    const segmentId = sim.data.segmentIdAt(3);
    const agentId = sim.data.agentIds()[1] ?? '';
    const [categorySid] = sim.data.categorySids();
    const questionnaireSid = sim.data.questionnaires({ includeInactive: true })[0]?.questionnaire_sid;
    const reservation = sim.data.reservationIdsOf(segmentId)[0] ?? '';
    const starts = [
      [`${Q}/Assessments?PageSize=400`, Math.ceil(N / 400)],
      [`${Q}/Assessments/Comments?AgentId=${agentId}&PageSize=20`, null],
      [`${Q}/Assessments?SegmentId=${segmentId}`, null],
      [`/v1/Insights/Segments?PageSize=300`, null],
      [`/v1/Insights/Segments?ReservationId=${reservation}`, 1],
      [`/v1/Insights/Conversations?PageSize=500&Page=1`, null],
      [`${Q}/Questionnaires?IncludeInactive=true&PageSize=2`, null],
      [`${Q}/Categories`, 1],
      [`${Q}/Questions?CategorySid=${categorySid}`, 1],
    ] as const;
    let httpRequests = 0;
    for (const [start, expectedPages] of starts) {
      let url: string | null = sim.url + start;
      let pages = 0;
      while (url !== null) {
        const [mine, theirs] = await Promise.all([answer(demo, url), answer(http, url)]);
        expect(mine, url).toEqual(theirs);
        expect(mine.status, url).toBe(200);
        pages++;
        httpRequests++;
        url = nextOf(mine);
      }
      if (expectedPages !== null) expect(pages, start).toBe(expectedPages);
    }
    // The simulator saw the HTTP side's requests only.
    expect(sim.log).toHaveLength(httpRequests);

    const singles = [
      `${Q}/Settings/AnswerSets`,
      `${Q}/Settings/CommentTags`,
      `/v1/Insights/UserRoles`,
      `${Q}/Questionnaires/${questionnaireSid}`,
      `${Q}/Questionnaires/GM${'0'.repeat(32)}`,
    ];
    for (const path of singles) {
      const [mine, theirs] = await Promise.all([answer(demo, sim.url + path), answer(http, sim.url + path)]);
      expect(mine, path).toEqual(theirs);
    }
  });

  it('answers errors like the simulator: 401, 404, 405 and 400s, with Twilio’s bodies', async () => {
    const list = `${sim.url}${Q}/Assessments`;
    const token = new URL(nextOf(await answer(demo, `${list}?PageSize=5`)) ?? '').searchParams.get(
      'PageToken',
    );
    const cases: [string, Parameters<typeof answer>[2], number][] = [
      [list, { auth: null }, 401],
      [list, { auth: basic(DEMO_ACCOUNT.username, 'wrong') }, 401],
      [list, { auth: 'Bearer x' }, 401],
      [`${sim.url}/v1/Insights/Nowhere`, {}, 404],
      [`${sim.url}/v1/Insights/Nowhere`, { auth: null }, 401],
      [list, { method: 'POST' }, 405],
      [`${list}?PageSize=0`, {}, 400],
      [`${list}?PageSize=5&Page=x`, {}, 400],
      [`${list}?PageSize=5&Page=1&PageToken=${token}x`, {}, 400],
      [`${list}?SegmentId=other&PageSize=5&Page=1&PageToken=${token}`, {}, 400],
      [`${sim.url}${Q}/Questions?CategorySid=nope`, {}, 400],
      [`${sim.url}${Q}/Questionnaires?IncludeInactive=maybe`, {}, 400],
    ];
    for (const [url, options, status] of cases) {
      const [mine, theirs] = await Promise.all([answer(demo, url, options), answer(http, url, options)]);
      expect(mine, url).toEqual(theirs);
      expect(mine.status, url).toBe(status);
    }
  });

  it('never opens a socket, not even for the simulator’s own origin', async () => {
    const paths = [`${Q}/Assessments?PageSize=1000`, `${Q}/Assessments/Comments`, '/v1/Insights/UserRoles'];
    const viaDemo = await socketsOpenedDuring(async () => {
      for (const path of paths) await answer(demo, sim.url + path);
      await expect(answer(demo, 'https://flex-api.twilio.com/v1/Insights/UserRoles')).rejects.toMatchObject({
        code: 'ENOTFOUND',
      });
    });
    expect(viaDemo).toBe(0);
    expect(sim.log).toEqual([]);
    // The spies do see a real connection, so a zero above means something.
    const fresh = new Agent();
    const viaHttp = await socketsOpenedDuring(async () => {
      await answer(fresh, sim.url + paths[2]);
    });
    await fresh.close();
    expect(viaHttp).toBeGreaterThan(0);
    expect(sim.log).toHaveLength(1);
  });

  it('rejects at once when aborted before the answer, and stops the body when aborted during it', async () => {
    const early = new AbortController();
    const pending = request(`${sim.url}${Q}/Assessments?PageSize=1000`, {
      dispatcher: demo,
      headers: { authorization: basic(DEMO_ACCOUNT.username, DEMO_ACCOUNT.password) },
      signal: early.signal,
    });
    early.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    const response = await request(`${sim.url}${Q}/Assessments?PageSize=1000`, {
      dispatcher: demo,
      headers: { authorization: basic(DEMO_ACCOUNT.username, DEMO_ACCOUNT.password) },
      signal: late.signal,
    });
    expect(Number(response.headers['content-length'])).toBeGreaterThan(256 * 1024);
    let received = 0;
    await expect(
      (async () => {
        for await (const chunk of response.body) {
          received += (chunk as Buffer).length;
          late.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(received).toBeLessThan(Number(response.headers['content-length']));
  });

  it('streams in chunks that stop while paused, and stops for good on abort', async () => {
    const full = await answer(demo, `${sim.url}${Q}/Assessments?PageSize=1000`);
    const events: string[] = [];
    const chunks: Buffer[] = [];
    let controller = null as Dispatcher.DispatchController | null;
    const turns = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    const dispatchWith = (onData: (c: Dispatcher.DispatchController) => void): Promise<void> =>
      new Promise((resolve) => {
        demo.dispatch(
          {
            origin: sim.url,
            path: `${Q}/Assessments?PageSize=1000`,
            method: 'GET',
            headers: { authorization: basic(DEMO_ACCOUNT.username, DEMO_ACCOUNT.password) },
          },
          {
            onRequestStart: (c) => {
              controller = c;
              events.push('start');
            },
            onResponseStart: (_c, status) => events.push(`status ${status}`),
            onResponseData: (c, chunk) => {
              chunks.push(chunk);
              onData(c);
            },
            onResponseEnd: () => {
              events.push('end');
              resolve();
            },
            onResponseError: (_c, error) => {
              events.push(`error ${error.message}`);
              resolve();
            },
          },
        );
      });

    const paused = dispatchWith((c) => c.pause());
    await turns(10);
    expect(events).toEqual(['start', 'status 200']);
    expect(chunks).toHaveLength(1);
    while (events.at(-1) !== 'end') {
      const before = chunks.length;
      controller?.resume();
      await turns(3);
      expect(chunks.length).toBe(before + 1);
    }
    await paused;
    expect(Buffer.concat(chunks).toString('utf8')).toBe(full.body);

    events.length = 0;
    chunks.length = 0;
    const stopped = dispatchWith((c) => c.abort(new Error('stop')));
    await stopped;
    await turns(10);
    expect(events).toEqual(['start', 'status 200', 'error stop']);
    expect(chunks).toHaveLength(1);
  });

  it('close waits for requests in flight; destroy ends them; neither takes new ones', async () => {
    const local = createDemoDispatcher({ seed: DEMO_SEED, assessments: 200, origin: sim.url });
    const inFlight = answer(local, `${sim.url}${Q}/Assessments?PageSize=100`);
    await local.close();
    expect((await inFlight).status).toBe(200);
    await expect(answer(local, `${sim.url}/v1/Insights/UserRoles`)).rejects.toMatchObject({
      code: 'UND_ERR_CLOSED',
    });

    const doomed = createDemoDispatcher({ seed: DEMO_SEED, assessments: 200, origin: sim.url });
    const cut = answer(doomed, `${sim.url}${Q}/Assessments?PageSize=100`);
    await doomed.destroy();
    await expect(cut).rejects.toMatchObject({ code: 'UND_ERR_DESTROYED' });
    await expect(answer(doomed, `${sim.url}/v1/Insights/UserRoles`)).rejects.toMatchObject({
      code: 'UND_ERR_DESTROYED',
    });
  });
});

describe('the demo account', () => {
  it('has about 50,000 assessment records, comments at the usual ratio and several assessors per segment', async () => {
    const demo = createDemoDispatcher();
    expect(demo.origin).toBe(DEMO_ORIGIN);
    expect(new URL(DEMO_ORIGIN).hostname.endsWith('.invalid')).toBe(true);
    expect(demo.account).toEqual(DEMO_ACCOUNT);
    expect(demo.dataset.assessmentCount).toBe(DEMO_ASSESSMENTS);
    expect(demo.dataset.commentCount).toBe(Math.floor(DEMO_ASSESSMENTS / 4));
    expect(demo.dataset.multiAssessorSegmentIds().length).toBeGreaterThan(demo.dataset.segmentCount / 20);

    const page = await answer(demo, `${DEMO_ORIGIN}${Q}/Assessments?PageSize=3`);
    const body = JSON.parse(page.body) as { assessments: { url: string }[]; meta: { next_page_url: string } };
    expect(body.assessments.map((a) => new URL(a.url).origin)).toEqual([
      DEMO_ORIGIN,
      DEMO_ORIGIN,
      DEMO_ORIGIN,
    ]);
    expect(new URL(body.meta.next_page_url).origin).toBe(DEMO_ORIGIN);
    expect(body.assessments).toEqual(demo.dataset.assessments({}, { limit: 3 }));
    await demo.close();
  });
});
