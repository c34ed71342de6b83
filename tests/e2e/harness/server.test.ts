// The harness API speaks only to its own page: same origin, this run's token, JSON. Anything else
// (another web page open on the machine, a DNS-rebound name, a form post) is refused.
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecrets } from '../../../src-main/accounts/memory-secrets.ts';
import { silentLogger, systemClock } from '../../../src-main/ports.ts';
import { startHarness, TOKEN_HEADER, type Harness } from './server.ts';

let dir: string;
let harness: Harness;
let origin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qm-harness-'));
  const rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  await writeFile(join(dir, 'bridge.js'), '/* bridge */');
  harness = await startHarness({
    rendererDir,
    bridgeFile: join(dir, 'bridge.js'),
    ports: {
      secrets: createMemorySecrets(),
      paths: { userData: join(dir, 'user data') },
      shell: { openPath: async () => undefined },
      clock: systemClock,
      runtime: { appVersion: '0.0.0-test', electronVersion: null },
      logger: silentLogger,
      env: {},
    },
  });
  origin = new URL(harness.url).origin;
});
afterAll(async () => {
  await harness?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

/** Raw HTTP, so every header is exactly what the test says (fetch adds its own). */
function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const url = new URL(path, harness.url);
  return new Promise((done, fail) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      // The event stream never ends: its first bytes are enough.
      const finish = () =>
        done({
          status: res.statusCode!,
          type: res.headers['content-type'],
          body: Buffer.concat(chunks).toString(),
        });
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        if (res.headers['content-type'] === 'text/event-stream') {
          finish();
          req.destroy();
        }
      });
      res.on('end', finish);
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

const call = JSON.stringify({ channel: 'qm:app.info', payload: undefined });
const pageHeaders = () => ({
  host: new URL(harness.url).host,
  origin,
  'sec-fetch-site': 'same-origin',
  'content-type': 'application/json',
  [TOKEN_HEADER]: harness.token,
});
const invoke = (headers: Record<string, string>, body = call) =>
  send('/__qm/invoke', { method: 'POST', headers, body });
const without = (name: string) =>
  Object.fromEntries(Object.entries(pageHeaders()).filter(([k]) => k !== name));

describe('harness API', () => {
  it('answers its own page: same origin, token, JSON', async () => {
    const reply = await invoke(pageHeaders());
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({
      ok: true,
      data: { name: 'QM Desk', version: '0.0.0-test' },
    });
    const charset = await invoke({ ...pageHeaders(), 'content-type': 'application/json; charset=utf-8' });
    expect(charset.status).toBe(200);
  });

  it('puts the token in the page, not in the script another site could load', async () => {
    const page = await send('/', { headers: { host: new URL(harness.url).host } });
    expect(page.body).toContain(`<meta name="qm-harness-token" content="${harness.token}">`);
    expect(page.body).toContain('<script src="/__harness/bridge.js"></script>');
    const bridge = await send('/__harness/bridge.js');
    expect(bridge.body).not.toContain(harness.token);
    expect(harness.token.length).toBeGreaterThanOrEqual(32);
  });

  it.each([
    ['no token', () => without(TOKEN_HEADER)],
    [
      'a wrong token',
      () => ({
        ...pageHeaders(),
        [TOKEN_HEADER]: harness.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
      }),
    ],
    ['a foreign origin', () => ({ ...pageHeaders(), origin: 'https://evil.example' })],
    ['no origin', () => without('origin')],
    ['a cross-site fetch', () => ({ ...pageHeaders(), 'sec-fetch-site': 'cross-site' })],
    ['a form post (text/plain)', () => ({ ...pageHeaders(), 'content-type': 'text/plain' })],
    [
      'a form post (urlencoded)',
      () => ({ ...pageHeaders(), 'content-type': 'application/x-www-form-urlencoded' }),
    ],
    ['no content type', () => without('content-type')],
    [
      'a DNS-rebound host name',
      () => ({ ...pageHeaders(), host: `evil.example:${new URL(harness.url).port}` }),
    ],
  ])('refuses a call with %s', async (_what, headers) => {
    const reply = await invoke(headers());
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('QM Desk"');
  });

  it('answers a body that is not JSON with a typed error', async () => {
    const reply = await invoke(pageHeaders(), '{nope');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('opens the event stream only with the token, from its own site', async () => {
    const host = new URL(harness.url).host;
    const token = encodeURIComponent(harness.token);
    expect((await send('/__qm/events', { headers: { host } })).status).toBe(403);
    expect((await send('/__qm/events?token=wrong', { headers: { host } })).status).toBe(403);
    const crossSite = { host, 'sec-fetch-site': 'cross-site' };
    expect((await send(`/__qm/events?token=${token}`, { headers: crossSite })).status).toBe(403);
    const open = await send(`/__qm/events?token=${token}`, {
      headers: { host, 'sec-fetch-site': 'same-origin' },
    });
    expect(open.status).toBe(200);
    expect(open.type).toBe('text/event-stream');
  });
});
