import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src-main/csp.ts';
import { APP_SCHEME, appPathSegments, handleAppScheme } from '../../src-main/protocol.ts';

// Electron's `protocol` as a recorder: the test calls the very handler index.ts registers, with
// real Request objects, against real files in a temp renderer folder with secrets beside it.
let handler: (request: Request) => Promise<Response>;
let base: string;
let root: string;
/** Bytes that must never come back from any request. */
const SECRET = `secret-${randomBytes(16).toString('hex')}`;
const files: Record<string, string> = {
  'index.html': '<!doctype html><title>QM Desk</title>',
  'assets/index-C1_Rq44w.js': 'console.log(1)',
  'assets/index-D77w8Orc.css': 'body{}',
  'assets/font-x.woff2': 'wOF2',
  'assets/logo.svg': '<svg/>',
  'assets/data.bin': 'raw',
};

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'qm-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, name), text);
  // Secrets beside the folder, in a sibling whose name starts the same, and hidden inside it.
  await writeFile(join(base, 'secret.txt'), SECRET);
  await mkdir(join(base, 'renderer-evil'));
  await writeFile(join(base, 'renderer-evil', 'secret.txt'), SECRET);
  await writeFile(join(root, '.env'), SECRET);
  await symlink(join(base, 'secret.txt'), join(root, 'link.txt'));
  await symlink(base, join(root, 'up'));
  const protocol = {
    handle(scheme: string, fn: (request: Request) => Promise<Response>) {
      expect(scheme).toBe(APP_SCHEME);
      handler = fn;
    },
  };
  handleAppScheme(protocol as never, root);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Chromium parses app:// as a standard scheme (like http): backslashes are slashes, dot segments go. */
function asStandardScheme(url: string): string {
  return new URL(url.replace(/^app:/, 'http:')).href.replace(/^http:/, 'app:');
}

async function get(url: string, method = 'GET') {
  // fetch's Request refuses URLs with credentials; Chromium's handler gets them all the same.
  const request = /\/\/[^/]*@/.test(url) ? ({ url, method } as Request) : new Request(url, { method });
  const response = await handler(request);
  return { response, text: await response.text() };
}

const TRAVERSALS = [
  'app://qm-desk/../secret.txt',
  'app://qm-desk/assets/../../secret.txt',
  'app://qm-desk/%2e%2e/secret.txt',
  'app://qm-desk/%2E%2E/secret.txt',
  'app://qm-desk/.%2e/secret.txt',
  'app://qm-desk/..%2fsecret.txt',
  'app://qm-desk/..%2Fsecret.txt',
  'app://qm-desk/assets%2f..%2f..%2fsecret.txt',
  'app://qm-desk/..%5csecret.txt',
  'app://qm-desk/..%5Csecret.txt',
  'app://qm-desk/..\\secret.txt',
  'app://qm-desk/assets\\..\\..\\secret.txt',
  'app://qm-desk/%252e%252e/secret.txt',
  'app://qm-desk/%252e%252e%252fsecret.txt',
  'app://qm-desk/..%252fsecret.txt',
  'app://qm-desk/%c0%ae%c0%ae/secret.txt', // overlong UTF-8 dots
  'app://qm-desk/index.html%00',
  'app://qm-desk/..%00/secret.txt',
  'app://qm-desk/%00../secret.txt',
  'app://qm-desk//secret.txt',
  'app://qm-desk/%2Fsecret.txt',
  'app://qm-desk/C:%5cWindows%5cwin.ini',
  'app://qm-desk/C:/Windows/win.ini',
  'app://qm-desk/../renderer-evil/secret.txt',
  'app://qm-desk/%2e%2e/renderer-evil/secret.txt',
  'app://qm-desk/.env',
  'app://qm-desk/link.txt',
  'app://qm-desk/up/secret.txt',
  'app://qm-desk/assets/',
  'app://qm-desk/assets',
  'app://qm-desk/%E0%A4%A',
];

describe('app:// protocol handler', () => {
  it('answers 404 for every traversal variant, and never the secret', async () => {
    const absolute = [
      `app://qm-desk/${encodeURIComponent(join(base, 'secret.txt'))}`,
      `app://qm-desk${join(base, 'secret.txt').replaceAll('\\', '/')}`,
    ];
    const urls = [...TRAVERSALS, ...absolute];
    for (const url of [...urls, ...urls.map(asStandardScheme)]) {
      const { response, text } = await get(url);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
      expect(text).not.toContain(SECRET);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ dev: false }));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the folder’s files with the strict CSP, nosniff and the right content type', async () => {
    const types: Record<string, string> = {
      'index.html': 'text/html; charset=utf-8',
      'assets/index-C1_Rq44w.js': 'text/javascript; charset=utf-8',
      'assets/index-D77w8Orc.css': 'text/css; charset=utf-8',
      'assets/font-x.woff2': 'font/woff2',
      'assets/logo.svg': 'image/svg+xml',
      'assets/data.bin': 'text/plain; charset=utf-8',
    };
    for (const [name, text] of Object.entries(files)) {
      const { response, text: body } = await get(`app://qm-desk/${name}`);
      expect({ name, status: response.status, body }).toEqual({ name, status: 200, body: text });
      expect(response.headers.get('content-type')).toBe(types[name]);
      expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ dev: false }));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('serves the index page for the bare origin, and an encoded safe name as itself', async () => {
    expect((await get('app://qm-desk/')).text).toBe(files['index.html']);
    expect((await get('app://qm-desk')).text).toBe(files['index.html']);
    expect((await get('app://qm-desk/assets/index-C1_Rq44w%2Ejs')).text).toBe('console.log(1)');
    // The query and hash are not part of the file name.
    expect((await get('app://qm-desk/index.html?x=1#/review')).response.status).toBe(200);
  });

  it('answers 404 for another host, a port, credentials or another scheme', async () => {
    for (const url of [
      'app://evil/index.html',
      'app://qm-desk.evil/index.html',
      'app://evil.qm-desk/index.html',
      'app://qm-desk:8080/index.html',
      'app://user:pw@qm-desk/index.html',
      'app:///index.html',
      'http://qm-desk/index.html',
      `file://${join(root, 'index.html')}`,
    ]) {
      const { response, text } = await get(url);
      expect({ url, status: response.status }).toEqual({ url, status: 404 });
      expect(text).not.toContain('QM Desk');
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://qm-desk/index.html', 'HEAD');
    expect(head.response.status).toBe(200);
    expect(head.text).toBe('');
    const post = await get('app://qm-desk/index.html', 'POST');
    expect(post.response.status).toBe(405);
    expect(post.response.headers.get('allow')).toBe('GET, HEAD');
    expect(post.response.headers.get('content-security-policy')).toBe(contentSecurityPolicy({ dev: false }));
  });

  it('maps URLs to segments without touching the disk', () => {
    expect(appPathSegments('app://qm-desk/')).toEqual(['index.html']);
    expect(appPathSegments('app://qm-desk/assets/a-b_c.1.js')).toEqual(['assets', 'a-b_c.1.js']);
    for (const url of TRAVERSALS.filter((u) => !/\.env|link\.txt|up\/|assets\/?$/.test(u))) {
      const segments = appPathSegments(url);
      // Either refused, or clamped inside the folder by the URL parser (/../x is /x).
      expect(segments === null || !segments.some((s) => s === '..' || /[\\/\0%]/.test(s))).toBe(true);
    }
    expect(appPathSegments('app://qm-desk/..%2fsecret.txt')).toBeNull();
    expect(appPathSegments('app://qm-desk/%252e%252e/secret.txt')).toBeNull();
    expect(appPathSegments('not a url')).toBeNull();
  });
});
