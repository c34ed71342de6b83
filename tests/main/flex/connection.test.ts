// testConnection's answers, and the client's connection pool.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { account, cleanup, client, clientFor, harness, recorder, settle, sim } from './helpers.ts';
import { defaultAccount } from '../../simulator/index.ts';

const h = harness();
afterEach(() => cleanup(h));

const NO_ACCESS = {
  accountSid: `AC${'5'.repeat(32)}`,
  authToken: 'f'.repeat(32),
  apiKeys: [],
  insightsAccess: false,
};

/** A loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('testConnection', () => {
  it('ok with the auth token and with an API key, with the round trip time', async () => {
    const s = await sim(h, { assessments: 5 });
    const result = await clientFor(h, s).testConnection();
    expect(result).toMatchObject({ status: 'ok', message: expect.stringContaining('wfo.full_access') });
    expect(result.ms).toEqual(expect.any(Number));
    const a = account(s);
    const key = a.apiKeys[0];
    if (!key) throw new Error('no key');
    const viaKey = await client(h, s.url, { username: key.sid, password: key.secret }).testConnection();
    expect(viaKey.status).toBe('ok');
    // One cheap request each.
    expect(s.log.map((e) => e.path)).toEqual(['/v1/Insights/UserRoles', '/v1/Insights/UserRoles']);
  });

  it('bad_credentials for a wrong token, in one request', async () => {
    const s = await sim(h, { assessments: 5 });
    const a = account(s);
    const result = await client(h, s.url, {
      username: a.accountSid,
      password: 'not-the-token',
    }).testConnection();
    expect(result.status).toBe('bad_credentials');
    expect(result.message).toMatch(/rejected the credentials/);
    expect(result.message).not.toContain('not-the-token');
    expect(s.log).toHaveLength(1);
  });

  it('no_access for an account without Flex Insights (403)', async () => {
    const s = await sim(h, { assessments: 5, accounts: [defaultAccount(7), NO_ACCESS] });
    const result = await client(h, s.url, {
      username: NO_ACCESS.accountSid,
      password: NO_ACCESS.authToken,
    }).testConnection();
    expect(result.status).toBe('no_access');
    expect(s.log.map((e) => e.status)).toEqual([403]);
  });

  it('no_access when the user has no Insights role', async () => {
    const server = await recorder(h, () => ({ status: 200, body: { roles: [], url: null } }));
    const result = await client(h, server.url, { username: 'ACx', password: 'pw' }).testConnection();
    expect(result.status).toBe('no_access');
  });

  it('unreachable for a closed port, without retrying', async () => {
    const port = await closedPort();
    const result = await client(h, `http://127.0.0.1:${port}`, {
      username: 'ACx',
      password: 'pw',
    }).testConnection();
    expect(result).toMatchObject({ status: 'unreachable', ms: null });
    expect(result.message).toMatch(/could not reach Twilio/);
  });

  it('timeout when the headers come later than the test timeout', async () => {
    const s = await sim(h, { assessments: 5 });
    s.fault({ kind: 'slow_headers', delayMs: 3000, match: 'UserRoles', times: 5 });
    const started = Date.now();
    const result = await clientFor(h, s).testConnection({ timeoutMs: 200 });
    expect(result.status).toBe('timeout');
    expect(result.message).toMatch(/did not answer/);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('a 429 says the account is busy right now, after its one attempt', async () => {
    const s = await sim(h, { assessments: 5 });
    s.fault({ kind: 'rate_limit', retryAfterSeconds: 1, match: 'UserRoles', times: 5 });
    const result = await clientFor(h, s).testConnection();
    expect(result).toMatchObject({ status: 'error', ms: null });
    expect(result.message).toMatch(/busy right now/);
    expect(result.message).toMatch(/concurrency limit/);
    expect(result.message).not.toMatch(/retried/);
    expect(s.log.map((e) => e.status)).toEqual([429]);
  });

  it('error for a server failure, with Twilio’s wording kept out of the way', async () => {
    const s = await sim(h, { assessments: 5 });
    s.fault({ kind: 'server_error', status: 503, match: 'UserRoles', times: 5 });
    const result = await clientFor(h, s).testConnection();
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/HTTP 503/);
    expect(s.log).toHaveLength(1);
  });
});

describe('connection pool', () => {
  it('keeps connections alive and never opens more than the configured number', async () => {
    const server = await recorder(h, () => ({
      status: 200,
      body: { roles: ['wfo.full_access'] },
      delayMs: 30,
    }));
    const c = client(h, server.url, { username: 'ACx', password: 'pw' }, { connections: 2 });
    await Promise.all(Array.from({ length: 12 }, () => c.userRoles()));
    for (let i = 0; i < 6; i++) await c.userRoles();
    expect(server.requests).toHaveLength(18);
    expect(server.requests.every((r) => r.authorization)).toBe(true);
    expect(server.maxSockets()).toBeLessThanOrEqual(2);
    expect(server.maxSockets()).toBeGreaterThanOrEqual(1);
  });

  it('close() ends in-flight work instead of waiting for it', async () => {
    const server = await recorder(h, () => ({ status: 200, body: { roles: ['x'] }, delayMs: 20_000 }));
    const c = client(h, server.url, { username: 'ACx', password: 'pw' });
    const pending = c.userRoles().then(
      () => 'resolved',
      (error: { code?: string }) => error.code,
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await c.close();
    expect(await pending).toBe('network');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('response size', () => {
  it('stops reading a 200 body beyond 64 MB with a protocol error instead of filling memory', async () => {
    const { createServer: createHttpServer } = await import('node:http');
    let written = 0;
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      const pump = (): void => {
        while (written < 80 << 20) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (written = Infinity));
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const c = client(h, `http://127.0.0.1:${port}`, { username: `AC${'1'.repeat(32)}`, password: 'p' });
      const result = await settle(c.answerSets());
      expect(result.ok ? null : result.error).toMatchObject({
        code: 'protocol',
        message: /larger than 64 MB/,
      });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
