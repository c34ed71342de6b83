// maxConcurrent: an account's requests beyond the limit in flight are refused with Twilio's 429.

import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from './index.ts';
import type { SimAccount, Simulator, SimulatorOptions } from './index.ts';
import { accountAuth, basicAuth, get } from './testkit.ts';
import type { Reply } from './testkit.ts';

const ROLES = '/v1/Insights/UserRoles';
const sims: Simulator[] = [];
async function start(options: SimulatorOptions): Promise<Simulator> {
  const sim = await startSimulator({ assessments: 100, ...options });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

const burst = (sim: Simulator, n: number, auth?: string | null): Promise<Reply[]> =>
  Promise.all(Array.from({ length: n }, () => get(sim, ROLES, auth)));
const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;

describe('maxConcurrent', () => {
  it('refuses exactly the requests beyond the limit, with Twilio’s body and no Retry-After', async () => {
    // The latency keeps the accepted requests in flight until the whole burst has arrived.
    const sim = await start({ maxConcurrent: 3, latencyMs: 400 });
    const replies = await burst(sim, 3 + 4);
    expect(count(replies, 200)).toBe(3);
    expect(count(replies, 429)).toBe(4);
    for (const reply of replies.filter((r) => r.status === 429)) {
      expect(reply.body).toEqual({
        code: 20429,
        message: 'Too Many Requests',
        more_info: 'https://www.twilio.com/docs/errors/20429',
        status: 429,
      });
      expect(reply.headers.get('retry-after')).toBeNull();
      expect(reply.headers.get('twilio-concurrent-requests')).toBe('3');
    }
    const accepted = replies.filter((r) => r.status === 200);
    expect(accepted.map((r) => r.headers.get('twilio-concurrent-requests')).sort()).toEqual(['1', '2', '3']);

    // The log counts them: refused entries arrived with 3 in flight, accepted ones with 0, 1, 2.
    expect(sim.log.filter((e) => e.status === 429).map((e) => e.inFlight)).toEqual([3, 3, 3, 3]);
    expect(
      sim.log
        .filter((e) => e.status === 200)
        .map((e) => e.inFlight)
        .sort(),
    ).toEqual([0, 1, 2]);

    // Finished requests free their slots: the next burst within the limit all succeeds.
    sim.reset();
    expect(count(await burst(sim, 3), 200)).toBe(3);
    expect(sim.log.every((e) => e.status === 200)).toBe(true);
  });

  it('counts per account, and only authenticated requests', async () => {
    const a: SimAccount = { accountSid: `AC${'a'.repeat(32)}`, authToken: 'a', apiKeys: [] };
    const b: SimAccount = {
      accountSid: `AC${'b'.repeat(32)}`,
      authToken: 'b',
      apiKeys: [{ sid: `SK${'b'.repeat(32)}`, secret: 'kb' }],
    };
    const sim = await start({ maxConcurrent: 2, latencyMs: 400, accounts: [a, b] });
    const [ofA, ofB, byKeyOfB, anonymous] = await Promise.all([
      burst(sim, 3, accountAuth(a)),
      burst(sim, 1, accountAuth(b)),
      burst(sim, 2, basicAuth(`SK${'b'.repeat(32)}`, 'kb')), // an API key counts for its account
      burst(sim, 5, null),
    ]);
    expect([count(ofA, 200), count(ofA, 429)]).toEqual([2, 1]);
    expect(count([...ofB, ...byKeyOfB], 200)).toBe(2);
    expect(count([...ofB, ...byKeyOfB], 429)).toBe(1);
    expect(anonymous.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(anonymous.every((r) => r.headers.get('twilio-concurrent-requests') === null)).toBe(true);
  });

  it('frees the slot of a request the client abandoned', async () => {
    const sim = await start({ maxConcurrent: 2 });
    const auth = accountAuth(sim.accounts[0]!);
    sim.setLatency(5000);
    const abandoned = Array.from({ length: 2 }, () =>
      fetch(sim.url + ROLES, { headers: { authorization: auth }, signal: AbortSignal.timeout(150) }).catch(
        () => 'aborted',
      ),
    );
    expect(await Promise.all(abandoned)).toEqual(['aborted', 'aborted']);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server sees the sockets close
    sim.setLatency(0);
    expect((await get(sim, ROLES)).status).toBe(200);
  });

  it('does not spend queued faults on refused requests', async () => {
    const sim = await start({ maxConcurrent: 2, latencyMs: 400 });
    sim.fault({ kind: 'server_error', times: 1 });
    const statuses = (await burst(sim, 3)).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429, 500]);
  });

  it('is unlimited by default and refuses invalid limits', async () => {
    const sim = await start({ latencyMs: 200 });
    expect(count(await burst(sim, 20), 200)).toBe(20);
    expect(sim.log.every((e) => e.status === 200)).toBe(true);
    await expect(startSimulator({ maxConcurrent: 0 })).rejects.toThrow(/maxConcurrent/);
    await expect(startSimulator({ maxConcurrent: 1.5 })).rejects.toThrow(/maxConcurrent/);
    await expect(startSimulator({ percentageMismatchShare: 2 })).rejects.toThrow(/percentageMismatchShare/);
  });
});
