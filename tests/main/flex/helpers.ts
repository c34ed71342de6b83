import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createFlexClient, type FlexClient } from '../../../src-main/flex/client.ts';
import type { FlexClientOptions, Page, Pager } from '../../../src-main/flex/types.ts';
import {
  startSimulator,
  type SimAccount,
  type Simulator,
  type SimulatorOptions,
} from '../../simulator/index.ts';

/** Small real delays so retries stay fast but really sleep. */
export const FAST_RETRY = { baseDelayMs: 5, maxDelayMs: 40, maxTotalMs: 10_000, retryAfterCapMs: 2000 };

export interface Harness {
  sims: Simulator[];
  clients: FlexClient[];
  servers: Server[];
}

export function harness(): Harness {
  return { sims: [], clients: [], servers: [] };
}

export async function cleanup(h: Harness): Promise<void> {
  await Promise.all(h.clients.splice(0).map((c) => c.close()));
  await Promise.all(h.sims.splice(0).map((s) => s.close()));
  await Promise.all(
    h.servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
}

export async function sim(h: Harness, options: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ seed: 7, ...options });
  h.sims.push(s);
  return s;
}

export function account(s: Simulator, index = 0): SimAccount {
  const a = s.accounts[index];
  if (!a) throw new Error(`simulator has no account ${index}`);
  return a;
}

export function client(
  h: Harness,
  baseUrl: string,
  credentials: { username: string; password: string; accountSid?: string },
  options: FlexClientOptions = {},
): FlexClient {
  const c = createFlexClient(
    {
      accountSid: credentials.accountSid ?? credentials.username,
      username: credentials.username,
      password: credentials.password,
      region: null,
      edge: null,
      baseUrl,
    },
    { retry: FAST_RETRY, ...options },
  );
  h.clients.push(c);
  return c;
}

export function clientFor(h: Harness, s: Simulator, options: FlexClientOptions = {}): FlexClient {
  const a = account(s);
  return client(h, s.url, { username: a.accountSid, password: a.authToken }, options);
}

/** Drains a pager, with a page cap so a looping pager fails the test instead of hanging it. */
export async function collect<T>(
  pager: Pager<T>,
  maxPages = 200_000,
): Promise<{ items: T[]; pages: Page<T>[] }> {
  const items: T[] = [];
  const pages: Page<T>[] = [];
  for await (const page of pager) {
    pages.push({ ...page, items: [] });
    items.push(...page.items);
    if (pages.length > maxPages) throw new Error('pager did not stop');
  }
  return { items, pages };
}

export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Everything reachable from an error, as text: message, detail, cause chain, own properties. */
export function everythingIn(error: unknown): string {
  return inspect(error, { depth: Infinity, showHidden: true, getters: true }) + JSON.stringify(error);
}

/** A loopback server that records each request (and whether an Authorization header came). */
export async function recorder(
  h: Harness,
  respond: (req: IncomingMessage) => { status: number; body: unknown; delayMs?: number },
): Promise<{ url: string; requests: { path: string; authorization: boolean }[]; maxSockets: () => number }> {
  const requests: { path: string; authorization: boolean }[] = [];
  let open = 0;
  let max = 0;
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization !== undefined });
    const { status, body, delayMs = 0 } = respond(req);
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    }, delayMs);
  });
  server.on('connection', (socket) => {
    open++;
    max = Math.max(max, open);
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h.servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, maxSockets: () => max };
}
