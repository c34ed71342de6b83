import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { contentSecurityPolicy } from '../../../src-main/csp.ts';
import { createDispatch } from '../../../src-main/dispatch.ts';
import { createHandlers } from '../../../src-main/handlers.ts';
import type { Ports } from '../../../src-main/ports.ts';
import { createServices, type Services } from '../../../src-main/services.ts';
import { eventChannel } from '../../../src-preload/contract.ts';

export interface HarnessOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** The built bridge script (out/harness/bridge.js). */
  bridgeFile: string;
  /** Ports for the real services; `events` is supplied by the harness (SSE). */
  ports: Omit<Ports, 'events'>;
  port?: number;
}

export interface Harness {
  url: string;
  services: Services;
  /** The per-run token the page sends with every call (tests use it to speak as the page). */
  token: string;
  close(): Promise<void>;
}

/** The header the bridge sends the token in; the event stream takes it as `?token=` (EventSource sets no headers). */
export const TOKEN_HEADER = 'x-qm-token';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
const MAX_BODY = 1 << 20;
const CSP = contentSecurityPolicy({ dev: false });

/**
 * Serves the built renderer to a real browser and answers `window.qm` calls with the real
 * services, over the same dispatch (schema check + Result envelope) that Electron's IPC uses.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const clients = new Set<ServerResponse>();
  const ports: Ports = {
    ...options.ports,
    events: {
      emit(name, payload) {
        const data = JSON.stringify({ channel: eventChannel(name), payload });
        for (const client of clients) client.write(`data: ${data}\n\n`);
      },
    },
  };
  const services = await createServices(ports, { watchProfiles: true });
  const dispatch = createDispatch(createHandlers(services), ports.logger);
  const root = resolve(options.rendererDir);
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  /** host:port values that name this server (filled once it listens). */
  const ownHosts = new Set<string>();

  /**
   * Why a call to the API is refused, or null: it must come from a page of ours (same origin, as
   * the browser says in Origin and Sec-Fetch-Site), carry this run's token, and post JSON (a form
   * or a "simple" cross-site request cannot set that content type without a preflight).
   */
  function refusal(
    req: IncomingMessage,
    origin: string,
    given: string | string[] | undefined,
    post: boolean,
  ): string | null {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return `cross-site request (${site})`;
    const from = req.headers.origin;
    if (post ? from !== origin : from !== undefined && from !== origin) return 'foreign origin';
    if (post && mediaType(req.headers['content-type']) !== 'application/json') return 'not application/json';
    const presented = Buffer.from(typeof given === 'string' ? given : '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
      return 'missing or wrong token';
    return null;
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : 'harness error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A page on another site (or a DNS-rebound name) never gets in, whatever it asks for.
    if (!ownHosts.has(req.headers.host ?? '')) return refuse(res, 'unknown host');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === '/__qm/invoke') {
      if (req.method !== 'POST') return refuse(res, 'POST only', 405);
      const why = refusal(req, url.origin, req.headers[TOKEN_HEADER], true);
      if (why) return refuse(res, why);
      let request: { channel?: unknown; payload?: unknown };
      try {
        request = JSON.parse(await readBody(req)) as typeof request;
      } catch {
        return json(res, 400, {
          ok: false,
          error: { code: 'invalid_request', message: 'The request body was not JSON, or was over 1 MB.' },
        });
      }
      // The call is abandoned when the page drops the request (a reload closes the connection).
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort(new Error('The page dropped the request.'));
      });
      const channel = typeof request?.channel === 'string' ? request.channel : '';
      const result = await dispatch(channel, request?.payload, {
        signal: controller.signal,
        sender: 'harness',
      });
      return json(res, 200, result);
    }
    if (url.pathname === '/__qm/events') {
      if (req.method !== 'GET') return refuse(res, 'GET only', 405);
      const why = refusal(req, url.origin, url.searchParams.get('token') ?? undefined, false);
      if (why) return refuse(res, why);
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === '/__harness/bridge.js') {
      res.writeHead(200, { 'content-type': TYPES['.js']! });
      res.end(await readFile(options.bridgeFile));
      return;
    }
    const file =
      url.pathname === '/'
        ? join(root, 'index.html')
        : normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    if (file.endsWith('index.html')) body = Buffer.from(injectBridge(body.toString('utf8'), token));
    // The header main's app:// handler sets, so the browser tests run under the CSP users get.
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
    });
    res.end(body);
  }

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  ownHosts.add(`127.0.0.1:${port}`).add(`localhost:${port}`);
  return {
    url: `http://127.0.0.1:${port}/`,
    services,
    token,
    async close() {
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await services.close();
    },
  };
}

/**
 * A classic script runs before the deferred module scripts, so window.qm exists when the app boots.
 * The token goes into the page itself, which another site cannot read (it could load bridge.js).
 */
function injectBridge(html: string, token: string): string {
  const tags = `<meta name="qm-harness-token" content="${token}">\n<script src="/__harness/bridge.js"></script>`;
  return html.includes('</head>') ? html.replace('</head>', `${tags}\n</head>`) : tags + html;
}

function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

function refuse(res: ServerResponse, why: string, status = 403): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`Refused: ${why}.`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        fail(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}
