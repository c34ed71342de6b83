import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
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
  close(): Promise<void>;
}

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
  const services = await createServices(ports);
  const dispatch = createDispatch(createHandlers(services));
  const root = resolve(options.rendererDir);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : 'harness error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://harness');
    if (req.method === 'POST' && url.pathname === '/__qm/invoke') {
      const { channel, payload } = JSON.parse(await readBody(req)) as { channel: unknown; payload: unknown };
      const result = await dispatch(typeof channel === 'string' ? channel : '', payload);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__qm/events') {
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
    if (file.endsWith('index.html')) body = Buffer.from(injectBridge(body.toString('utf8')));
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  }

  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    services,
    async close() {
      for (const client of clients) client.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await services.close();
    },
  };
}

/** A classic script runs before the deferred module scripts, so window.qm exists when the app boots. */
function injectBridge(html: string): string {
  const tag = '<script src="/__harness/bridge.js"></script>';
  return html.includes('</head>') ? html.replace('</head>', `${tag}\n</head>`) : tag + html;
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
