// Auth, error bodies, parameter validation, the request log, latency, accounts and close().

import { afterEach, describe, expect, it } from 'vitest';
import { defaultAccount, startSimulator } from './index.ts';
import type { SimAccount, Simulator } from './index.ts';
import { accountAuth, basicAuth, get } from './testkit.ts';

const ASSESSMENTS = '/v1/Insights/QualityManagement/Assessments';
const ALL_PATHS = [
  ASSESSMENTS,
  '/v1/Insights/QualityManagement/Assessments/Comments',
  '/v1/Insights/Segments',
  '/v1/Insights/Conversations',
  '/v1/Insights/QualityManagement/Questionnaires',
  '/v1/Insights/QualityManagement/Categories',
  '/v1/Insights/QualityManagement/Questions',
  '/v1/Insights/QualityManagement/Settings/AnswerSets',
  '/v1/Insights/QualityManagement/Settings/CommentTags',
  '/v1/Insights/UserRoles',
];

const sims: Simulator[] = [];
async function start(options: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const sim = await startSimulator({ assessments: 300, ...options });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

function first(sim: Simulator): SimAccount {
  const account = sim.accounts[0];
  if (account === undefined) throw new Error('no account');
  return account;
}

const twilioError = (status: number, code: number) => ({
  code,
  message: expect.any(String),
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

describe('authentication', () => {
  it('answers 401 with Twilio error 20003 without credentials', async () => {
    const sim = await start();
    const reply = await get(sim, ASSESSMENTS, null);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({
      code: 20003,
      message: 'Authenticate',
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    expect(sim.log).toEqual([
      expect.objectContaining({
        path: ASSESSMENTS,
        authSent: false,
        authOk: false,
        accountSid: null,
        status: 401,
      }),
    ]);
  });

  it('answers 401 for a wrong token, logging the account SID but never the secret', async () => {
    const sim = await start();
    const account = first(sim);
    const reply = await get(sim, ASSESSMENTS, basicAuth(account.accountSid, 'wrong-token'));
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(twilioError(401, 20003));
    expect(sim.log[0]).toMatchObject({
      authSent: true,
      authOk: false,
      accountSid: account.accountSid,
      status: 401,
    });
    expect(JSON.stringify(sim.log)).not.toContain('wrong-token');
  });

  it.each([
    ['a Bearer token', 'Bearer abc'],
    ['Basic without a colon', `Basic ${Buffer.from('ACnocolon').toString('base64')}`],
    ['an unknown account', basicAuth(`AC${'1'.repeat(32)}`, 'x')],
    ['an empty Basic value', 'Basic '],
  ])('answers 401 for %s', async (_name, header) => {
    const sim = await start();
    const reply = await get(sim, ASSESSMENTS, header);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(twilioError(401, 20003));
    expect(sim.log[0]).toMatchObject({ authSent: true, authOk: false });
  });

  it('accepts the account SID + auth token and an API key (SK) + secret of that account', async () => {
    const sim = await start();
    const account = first(sim);
    const [key] = account.apiKeys;
    if (key === undefined) throw new Error('no key');
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    const byToken = await get(sim, `${ASSESSMENTS}?PageSize=3`, accountAuth(account));
    const byKey = await get(sim, `${ASSESSMENTS}?PageSize=3`, basicAuth(key.sid, key.secret));
    expect(byToken.status).toBe(200);
    expect(byKey.status).toBe(200);
    expect(byKey.text).toBe(byToken.text);
    expect(sim.log.map((e) => [e.authOk, e.accountSid])).toEqual([
      [true, account.accountSid],
      [true, account.accountSid],
    ]);
    const wrongSecret = await get(sim, ASSESSMENTS, basicAuth(key.sid, `${key.secret}x`));
    expect(wrongSecret.status).toBe(401);
    expect(JSON.stringify(sim.log)).not.toContain(key.secret);
    expect(JSON.stringify(sim.log)).not.toContain(account.authToken);
  });

  it('derives the default account from the seed', async () => {
    const a = await start({ seed: 11 });
    const b = await start({ seed: 12 });
    expect(first(a)).toEqual(defaultAccount(11));
    expect(first(a).accountSid).not.toBe(first(b).accountSid);
    expect(first(a).accountSid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(first(a).authToken).toMatch(/^[0-9a-f]{32}$/);
  });

  it('serves several accounts, each with its own data, and 403 on every endpoint without Insights access', async () => {
    const one = defaultAccount(1);
    const two: SimAccount = { accountSid: `AC${'2'.repeat(32)}`, authToken: 't2', apiKeys: [] };
    const blocked: SimAccount = {
      accountSid: `AC${'3'.repeat(32)}`,
      authToken: 't3',
      apiKeys: [{ sid: `SK${'3'.repeat(32)}`, secret: 's3' }],
      insightsAccess: false,
    };
    const sim = await start({ accounts: [one, two, blocked] });
    const mine = await get(sim, `${ASSESSMENTS}?PageSize=1`, accountAuth(one));
    const theirs = await get(sim, `${ASSESSMENTS}?PageSize=1`, accountAuth(two));
    const record = (r: { body: unknown }) =>
      (r.body as { assessments: { account_sid: string; agent_id: string }[] }).assessments[0];
    expect(record(mine)?.account_sid).toBe(one.accountSid);
    expect(record(theirs)?.account_sid).toBe(two.accountSid);
    expect(sim.dataFor(two.accountSid).agentIds()).not.toEqual(sim.data.agentIds());
    expect(record(theirs)?.agent_id).toBe(sim.dataFor(two.accountSid).assessment(0).agent_id);
    expect(() => sim.dataFor(`AC${'9'.repeat(32)}`)).toThrow(/unknown account/);

    for (const path of ALL_PATHS) {
      for (const auth of [accountAuth(blocked), basicAuth(`SK${'3'.repeat(32)}`, 's3')]) {
        const reply = await get(sim, path, auth);
        expect(reply.status, path).toBe(403);
        expect(reply.body).toEqual(twilioError(403, 20403));
      }
    }
    expect(
      sim.log.filter((e) => e.status === 403).every((e) => e.authOk && e.accountSid === blocked.accountSid),
    ).toBe(true);
  });
});

describe('errors', () => {
  it('answers 404 (20404) for unknown paths, after authentication', async () => {
    const sim = await start();
    for (const path of [
      '/v1/Insights/Nope',
      '/v1/Insights/QualityManagement/Assessments/',
      '/',
      '/v2/Insights/UserRoles',
    ]) {
      const reply = await get(sim, path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).toEqual(twilioError(404, 20404));
    }
    expect((await get(sim, '/v1/Insights/Nope', null)).status).toBe(401);
  });

  it('answers 405 for writes to a read endpoint', async () => {
    const sim = await start();
    const response = await fetch(sim.url + ASSESSMENTS, {
      method: 'POST',
      headers: {
        authorization: accountAuth(first(sim)),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'SegmentId=x',
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual(twilioError(405, 20004));
  });

  it.each([
    ['PageSize=0', ASSESSMENTS],
    ['PageSize=1001', ASSESSMENTS],
    ['PageSize=abc', ASSESSMENTS],
    ['PageSize=1.5', ASSESSMENTS],
    ['PageSize=-1', ASSESSMENTS],
    ['PageSize=', ASSESSMENTS],
    ['Page=-1', ASSESSMENTS],
    ['Page=x', ASSESSMENTS],
    ['Page=2.0', '/v1/Insights/Segments'],
    ['PageToken=garbage!', ASSESSMENTS],
    ['PageToken=eyJvIjoxfQ', ASSESSMENTS],
    ['IncludeInactive=yes', '/v1/Insights/QualityManagement/Questionnaires'],
    ['IncludeInactive=', '/v1/Insights/QualityManagement/Questionnaires'],
    [`CategorySid=FY${'z'.repeat(32)}`, '/v1/Insights/QualityManagement/Questions'],
    [`CategorySid=GE${'a'.repeat(32)}`, '/v1/Insights/QualityManagement/Questions'],
    ['ReservationId=WR123', '/v1/Insights/Segments'],
    [`ReservationId=WR${'a'.repeat(32)}&ReservationId=bad`, '/v1/Insights/Segments'],
  ])('answers 400 (20001) for %s on %s', async (query, path) => {
    const sim = await start();
    const reply = await get(sim, `${path}?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual(twilioError(400, 20001));
  });

  it('accepts the PageSize bounds 1 and 1000, and IncludeInactive in any case', async () => {
    const sim = await start({ assessments: 1200 });
    const one = await get(sim, `${ASSESSMENTS}?PageSize=1`);
    const max = await get(sim, `${ASSESSMENTS}?PageSize=1000`);
    expect((one.body as { assessments: unknown[] }).assessments).toHaveLength(1);
    expect((max.body as { assessments: unknown[] }).assessments).toHaveLength(1000);
    const upper = await get(sim, '/v1/Insights/QualityManagement/Questionnaires?IncludeInactive=TRUE');
    expect(upper.status).toBe(200);
  });
});

describe('request log, latency, reset, close', () => {
  it('logs method, path, query as string arrays, auth, status, start and duration', async () => {
    const sim = await start();
    const before = Date.now();
    await get(
      sim,
      `/v1/Insights/Segments?ReservationId=WR${'a'.repeat(32)}&ReservationId=WR${'b'.repeat(32)}&PageSize=5`,
    );
    const [entry] = sim.log;
    expect(entry).toEqual({
      method: 'GET',
      path: '/v1/Insights/Segments',
      query: { ReservationId: [`WR${'a'.repeat(32)}`, `WR${'b'.repeat(32)}`], PageSize: ['5'] },
      authSent: true,
      authOk: true,
      accountSid: first(sim).accountSid,
      inFlight: 0,
      status: 200,
      startedAt: expect.any(Number),
      ms: expect.any(Number),
    });
    expect(entry?.startedAt).toBeGreaterThanOrEqual(before - 5);
    expect(entry?.ms).toBeGreaterThanOrEqual(0);
  });

  it('adds latency before every response, and reset() restores the configured latency', async () => {
    const sim = await start({ latencyMs: 0 });
    sim.setLatency(200);
    await get(sim, '/v1/Insights/UserRoles');
    expect(sim.log[0]?.ms).toBeGreaterThanOrEqual(150); // a lower bound only: timers never fire early by 50 ms
    sim.fault({ kind: 'server_error' });
    sim.reset();
    expect(sim.log).toHaveLength(0);
    const reply = await get(sim, '/v1/Insights/UserRoles');
    expect(reply.status).toBe(200); // the fault was cleared too
    expect(sim.log).toHaveLength(1);
    expect(() => sim.setLatency(-1)).toThrow();
  });

  it('close() ends promptly with a request still waiting and a keep-alive socket open', async () => {
    const sim = await startSimulator({ latencyMs: 60_000 });
    await fetch(sim.url, { signal: AbortSignal.timeout(100) }).catch(() => undefined);
    const pending = get(sim, '/v1/Insights/UserRoles').then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sim.close();
    expect(await pending).toBe('failed');
    await expect(
      fetch(`${sim.url}/v1/Insights/UserRoles`, { signal: AbortSignal.timeout(5000) }),
    ).rejects.toThrow();
  });

  it('rejects invalid options', async () => {
    await expect(startSimulator({ assessments: -1 })).rejects.toThrow(/assessments/);
    await expect(startSimulator({ seed: 1.5 })).rejects.toThrow(/seed/);
    await expect(startSimulator({ accounts: [] })).rejects.toThrow(/account/);
  });
});
