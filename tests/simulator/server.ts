// The HTTP side: Basic auth, routing, latency, faults and the request log (node:http only).

import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { defaultAccount } from '../../src-main/demo/account.ts';
import { errors } from '../../src-main/demo/api/errors.ts';
import { Paging } from '../../src-main/demo/api/paging.ts';
import { isKnownPath, serve } from '../../src-main/demo/api/routes.ts';
import type { Outcome } from '../../src-main/demo/api/routes.ts';
import { createDataset } from '../../src-main/demo/dataset.ts';
import type { SimDataset } from '../../src-main/demo/dataset.ts';
import { FaultQueue } from './faults.ts';
import type { Fault, FaultSpec, RequestLogEntry, SimAccount, Simulator, SimulatorOptions } from './index.ts';

function checkCount(
  name: string,
  value: number | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min || value > max)) {
    throw new RangeError(
      `simulator option ${name} must be an integer in ${min}..${max}, got ${String(value)}`,
    );
  }
}

interface Auth {
  sent: boolean;
  account: SimAccount | null;
  accountSid: string | null;
}

function authenticate(header: string | undefined, accounts: SimAccount[]): Auth {
  if (header === undefined) return { sent: false, account: null, accountSid: null };
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const decoded = basic?.[1] === undefined ? '' : Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { sent: true, account: null, accountSid: null };
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (user.startsWith('SK')) {
    const owner = accounts.find((a) => a.apiKeys.some((k) => k.sid === user));
    const ok = owner?.apiKeys.some((k) => k.sid === user && k.secret === password) === true;
    return { sent: true, account: ok ? (owner ?? null) : null, accountSid: owner?.accountSid ?? null };
  }
  const account = accounts.find((a) => a.accountSid === user);
  const sidShaped = /^AC[0-9a-fA-F]{32}$/.test(user);
  return {
    sent: true,
    account: account !== undefined && account.authToken === password ? account : null,
    accountSid: sidShaped ? user : null,
  };
}

function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of params) (out[name] ??= []).push(value);
  return out;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  checkCount('port', options.port, 0, 65535);
  checkCount('seed', seed, 0, 0xffffffff);
  checkCount('assessments', options.assessments, 0, 100_000_000);
  checkCount('comments', options.comments, 0, 100_000_000);
  checkCount('latencyMs', options.latencyMs, 0);
  checkCount('maxConcurrent', options.maxConcurrent, 1);
  const share = options.percentageMismatchShare;
  if (share !== undefined && !(typeof share === 'number' && share >= 0 && share <= 1)) {
    throw new RangeError(
      `simulator option percentageMismatchShare must be from 0 to 1, got ${String(share)}`,
    );
  }
  const maxConcurrent = options.maxConcurrent ?? null;
  const assessments = options.assessments ?? 1000;
  const accounts = (options.accounts ?? [defaultAccount(seed)]).map((a) => ({
    ...a,
    apiKeys: [...a.apiKeys],
  }));
  const first = accounts[0];
  if (first === undefined) throw new RangeError('simulator needs at least one account');

  const paging = new Paging(seed);
  const faults = new FaultQueue();
  const log: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let latencyMs = options.latencyMs ?? 0;
  let closed = false;
  let url = '';
  const datasets = new Map<string, SimDataset>();
  const inFlight = new Map<string, number>(); // accepted requests per account, until their response closes

  const dataFor = (accountSid: string): SimDataset => {
    if (!accounts.some((a) => a.accountSid === accountSid))
      throw new RangeError(`unknown account ${accountSid}`);
    let dataset = datasets.get(accountSid);
    if (dataset === undefined) {
      dataset = createDataset({
        seed,
        accountSid,
        assessments,
        comments: options.comments,
        origin: url,
        percentageMismatchShare: share,
      });
      datasets.set(accountSid, dataset);
    }
    return dataset;
  };

  const sleep = (ms: number): Promise<void> =>
    ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const sleeper = {
            timer: setTimeout(() => {
              sleepers.delete(sleeper);
              resolve();
            }, ms),
            resolve,
          };
          sleepers.add(sleeper);
        });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = Date.now();
    const t0 = performance.now();
    const target = req.url ?? '/';
    const parsed = new URL(target, 'http://simulator.invalid');
    const hostHeader = req.headers.host;
    const origin =
      hostHeader !== undefined && /^[A-Za-z0-9.:[\]-]+$/.test(hostHeader) ? `http://${hostHeader}` : url;
    const auth = authenticate(req.headers.authorization, accounts);
    const accountKey = auth.account?.accountSid ?? null;
    const busy = accountKey === null ? 0 : (inFlight.get(accountKey) ?? 0);
    // Like Twilio, a request beyond the account's concurrency limit is refused, not queued.
    const refused = maxConcurrent !== null && accountKey !== null && busy >= maxConcurrent;
    if (accountKey !== null && !refused) {
      inFlight.set(accountKey, busy + 1);
      let released = false;
      res.once('close', () => {
        if (released) return;
        released = true;
        inFlight.set(accountKey, (inFlight.get(accountKey) ?? 1) - 1);
      });
    }
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query: queryRecord(parsed.searchParams),
      authSent: auth.sent,
      authOk: auth.account !== null,
      accountSid: auth.accountSid,
      inFlight: busy,
      status: 0,
      startedAt,
      ms: 0,
    };
    req.resume(); // bodies are never read; drain them so keep-alive works

    await sleep(latencyMs);
    if (closed) return;

    let outcome: Outcome;
    if (refused) outcome = { status: 429, body: errors.tooManyRequests() };
    else if (auth.account === null) outcome = { status: 401, body: errors.unauthorized() };
    else if (auth.account.insightsAccess === false) outcome = { status: 403, body: errors.forbidden() };
    else if (!isKnownPath(parsed.pathname)) outcome = { status: 404, body: errors.notFound(parsed.pathname) };
    else if (req.method !== 'GET') outcome = { status: 405, body: errors.methodNotAllowed(entry.method) };
    else {
      outcome = serve({
        dataset: dataFor(auth.account.accountSid),
        accountSid: auth.account.accountSid,
        origin,
        path: parsed.pathname,
        query: parsed.searchParams,
        paging,
      });
    }

    // '?' always present, so match: 'Assessments?' hits the assessments list with or without a query.
    const matchTarget = `${parsed.pathname}?${parsed.search.slice(1)}`;
    const fault = refused ? null : faults.take(matchTarget, outcome.status, outcome.list !== undefined);
    if (fault?.kind === 'slow_headers') {
      await sleep(fault.delayMs);
      if (closed) return;
    }
    const written = applyFault(fault, outcome, origin + target);
    const body = Buffer.from(written.body, 'utf8');
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': body.length,
      // Twilio documents this header (the account's concurrent requests) rather than Retry-After.
      ...(maxConcurrent !== null && accountKey !== null
        ? { 'Twilio-Concurrent-Requests': refused ? busy : busy + 1 }
        : {}),
      ...written.headers,
    };
    const clientGone = req.socket.destroyed;
    entry.status = clientGone ? 0 : written.status;
    entry.ms = performance.now() - t0;
    log.push(entry);
    if (clientGone) return;
    res.writeHead(written.status, headers);
    if (fault?.kind === 'reset_mid_body') {
      res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => req.socket.destroy());
    } else {
      res.end(body);
    }
  };

  const applyFault = (
    fault: Fault | null,
    outcome: Outcome,
    requestUrl: string,
  ): { status: number; body: string; headers?: Record<string, string> } => {
    const json = (o: Outcome) => ({ status: o.status, body: JSON.stringify(o.body) });
    if (fault === null) return json(outcome);
    switch (fault.kind) {
      case 'rate_limit': {
        const retry = fault.retryAfterSeconds;
        const headers: Record<string, string> =
          typeof retry === 'number' ? { 'Retry-After': String(retry) } : {};
        return { ...json({ status: 429, body: errors.tooManyRequests() }), headers };
      }
      case 'server_error': {
        const status = fault.status ?? 500;
        return json({ status, body: errors.server(status) });
      }
      case 'reset_mid_body':
      case 'slow_headers':
        return json(outcome);
      case 'malformed_json': {
        const full = JSON.stringify(outcome.body);
        return { status: 200, body: full.slice(0, Math.max(1, Math.floor(full.length / 2))) };
      }
    }
    const list = outcome.list;
    if (list === undefined) return json(outcome); // take() only hands list faults to lists
    const body = outcome.body as Record<string, unknown>;
    const meta = { ...list.meta };
    const next = meta.next_page_url ?? list.sameOffsetNextUrl;
    switch (fault.kind) {
      case 'wrong_meta_key':
        meta.key = list.key === 'assessments' ? 'comments' : 'assessments';
        return json({ status: 200, body: { ...body, meta } });
      case 'empty_page_with_next':
        meta.next_page_url = list.sameOffsetNextUrl;
        return json({ status: 200, body: { ...body, [list.key]: [], meta } });
      case 'stuck_page':
        // The same records again under a fresh token and the next page number: it never advances.
        meta.next_page_url = list.sameOffsetNextUrl;
        return json({ status: 200, body: { ...body, meta } });
      case 'repeat_next_url':
        meta.next_page_url = requestUrl;
        return json({ status: 200, body: { ...body, meta } });
      case 'foreign_next_url': {
        const foreign = (fault.origin ?? `http://127.0.0.2:${new URL(url).port}`).replace(/\/+$/, '');
        const parsedNext = new URL(next);
        meta.next_page_url = foreign + parsedNext.pathname + parsedNext.search;
        return json({ status: 200, body: { ...body, meta } });
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('simulator: request failed', error);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(errors.server(500)));
      } else {
        req.socket.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: no TCP address');
  url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;

  return {
    url,
    accounts,
    data: dataFor(first.accountSid),
    dataFor,
    log,
    setLatency: (ms) => {
      checkCount('latency', ms, 0);
      latencyMs = ms;
    },
    fault: (spec: FaultSpec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    reset: () => {
      log.length = 0;
      faults.clear();
      latencyMs = options.latencyMs ?? 0;
    },
    close: () => {
      if (closed) return Promise.resolve();
      closed = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.resolve();
      }
      sleepers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      return done;
    },
  };
}
