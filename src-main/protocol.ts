/**
 * The `app://qm-desk/` origin the built renderer is served from (instead of file://): a real
 * origin for the CSP and the IPC sender check, headers main controls, and a traversal check.
 * No Electron import: index.ts passes its `protocol` to `handleAppScheme`.
 */
import { promises as fsp } from 'node:fs';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { contentSecurityPolicy } from './csp.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'qm-desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Standard (relative URLs, storage), secure (a secure context) and fetch. Deliberately no
 * bypassCSP and no corsEnabled: other origins must not read our files.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * One path segment as the build names files: letters, digits, `_`, `-` and dots, never a
 * leading dot. Checked after decoding, so `..`, `%2e%2e`, `%2f`, `%5c`, `%00`, `C:`, and a
 * double-encoded `%252e` (which decodes to a `%`) all fail here.
 */
const SAFE_SEGMENT = /^[\w-][\w.-]*$/;

/**
 * The file inside the renderer folder that an app:// URL names, as path segments, or null (→ 404).
 * Pure: no file system. `/` is the index page; any other host, a port, credentials, an empty
 * or unsafe segment, or a segment that does not decode, is refused.
 */
export function appPathSegments(url: string): string[] | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  if (parsed.username || parsed.password) return null;
  // '' is how a parser that does not know app:// is standard reads `app://qm-desk`.
  if (parsed.pathname === '/' || parsed.pathname === '') return ['index.html'];
  const segments: string[] = [];
  for (const raw of parsed.pathname.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!SAFE_SEGMENT.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/** Headers on every response main serves, a 404 included. */
export function appHeaders(file: string | null): Record<string, string> {
  return {
    'Content-Type': (file && TYPES[extname(file).toLowerCase()]) || 'text/plain; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy({ dev: false }),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}

/** Is `path` inside `root` (not root itself, not above it, not on another drive)? */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

const notFound = (): Response => new Response('Not found', { status: 404, headers: appHeaders(null) });

/**
 * Answers one app:// request from the files under `root` (out/renderer). GET and HEAD only;
 * anything that is not a regular file inside root, symlinks resolved, is a 404.
 */
export async function serveAppRequest(
  root: string,
  request: Pick<Request, 'url' | 'method'>,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', {
      status: 405,
      headers: { ...appHeaders(null), Allow: 'GET, HEAD' },
    });
  }
  const segments = appPathSegments(request.url);
  if (!segments) return notFound();
  const file = join(root, ...segments);
  if (!inside(root, file)) return notFound();
  let body: Buffer;
  try {
    // A symlink in the folder must not lead out of it: compare the real paths.
    const [realRoot, realFile] = await Promise.all([fsp.realpath(root), fsp.realpath(file)]);
    if (!inside(realRoot, realFile) || !(await fsp.stat(realFile)).isFile()) return notFound();
    body = await fsp.readFile(realFile);
  } catch {
    return notFound();
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: appHeaders(file),
  });
}

/** Serves app:// from `root` through `protocol.handle` (call once the app is ready). */
export function handleAppScheme(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(root, request));
}
