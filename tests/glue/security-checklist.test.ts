/**
 * One test per line of ARCHITECTURE.md "## Security (Electron checklist, applied)", each named
 * after its item and failing if that setting is flipped. Details live beside their module:
 * traversal variants in protocol.test.ts, the IPC log line and dev origin in ipc.test.ts, the
 * entry's wiring order in index.test.ts.
 *
 * "Fuses flipped at packaging" is not here: tests/main/packaging.test.ts pins it, where the installer config is.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { FakeWindow, runHeadersHook } from './fake-window.ts';
import { contentSecurityPolicy } from '../../src-main/csp.ts';
import { createDispatch } from '../../src-main/dispatch.ts';
import { createOpenExternal } from '../../src-main/external.ts';
import type { Handlers } from '../../src-main/handlers.ts';
import { createSenderCheck, registerIpc } from '../../src-main/ipc.ts';
import { silentLogger } from '../../src-main/ports.ts';
import { APP_INDEX_URL, APP_SCHEME_PRIVILEGES, serveAppRequest } from '../../src-main/protocol.ts';
import { listChannels } from '../../src-preload/contract.ts';

vi.mock('electron', async () => (await import('./fake-window.ts')).fakeElectron());
const { createMainWindow } = await import('../../src-main/window.ts');

const ROOT = join(import.meta.dirname, '../..');
const CSP = contentSecurityPolicy({ dev: false });

function open(dev = false) {
  const openExternal = vi.fn(async () => true);
  createMainWindow({
    preloadPath: '/app/out/preload/index.cjs',
    url: dev ? 'http://localhost:5173/' : APP_INDEX_URL,
    dev,
    backgroundColor: '#ffffff',
    openExternal,
  });
  return { win: FakeWindow.made.at(-1)!, openExternal };
}

/** Every TypeScript file under src-main, as [path relative to the repo, text]. */
async function mainSources(): Promise<Array<[string, string]>> {
  const names = (await readdir(join(ROOT, 'src-main'), { recursive: true })).filter((n) => n.endsWith('.ts'));
  return Promise.all(
    names.map(async (n): Promise<[string, string]> => {
      const path = join(ROOT, 'src-main', n);
      return [relative(ROOT, path).replaceAll('\\', '/'), await readFile(path, 'utf8')];
    }),
  );
}

/** The directives of a CSP string. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

beforeEach(() => {
  FakeWindow.made.length = 0;
});

describe('Security checklist', () => {
  it('contextIsolation: true', () => {
    expect(open().win.options.webPreferences['contextIsolation']).toBe(true);
  });

  it('sandbox: true (the preload is one CommonJS bundle)', () => {
    expect(open().win.options.webPreferences['sandbox']).toBe(true);
  });

  it('nodeIntegration: false, also in workers and sub-frames; no <webview>', () => {
    expect(open().win.options.webPreferences).toMatchObject({
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
  });

  it('webSecurity untouched (and none of the switches Electronegativity flags)', async () => {
    const prefs = open().win.options.webPreferences;
    for (const key of [
      'webSecurity',
      'allowRunningInsecureContent',
      'experimentalFeatures',
      'enableBlinkFeatures',
    ]) {
      expect(prefs, key).not.toHaveProperty(key);
    }
    const flagged =
      /webSecurity\s*:\s*false|allowRunningInsecureContent|experimentalFeatures|enableBlinkFeatures|bypassCSP\s*:\s*true/;
    const offenders = (await mainSources()).filter(([, text]) => flagged.test(text)).map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  describe('the renderer served from a privileged app:// scheme through protocol.handle', () => {
    let base: string;
    beforeAll(async () => {
      base = await mkdtemp(join(tmpdir(), 'qm-checklist-'));
      await mkdir(join(base, 'renderer'));
      await writeFile(join(base, 'renderer', 'index.html'), '<!doctype html>');
      await writeFile(join(base, 'secret.txt'), 'the secret');
    });
    afterAll(async () => {
      await rm(base, { recursive: true, force: true });
    });

    it('is standard, secure and fetch-capable, never bypassCSP or corsEnabled', () => {
      expect(APP_SCHEME_PRIVILEGES).toEqual({
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true },
      });
    });

    it('is what the entry registers and loads; nothing in main loads file://', async () => {
      const sources = await mainSources();
      const entry = sources.find(([path]) => path === 'src-main/index.ts')![1];
      expect(entry).toMatch(/protocol\.registerSchemesAsPrivileged\(\[APP_SCHEME_PRIVILEGES\]\)/);
      expect(entry).toMatch(/handleAppScheme\(protocol, rendererDir\)/);
      expect(entry).toMatch(/url: devUrl \?\? APP_INDEX_URL/);
      expect(
        sources
          .filter(([, text]) => /\.loadFile\(|pathToFileURL|['"`]file:/.test(text))
          .map(([path]) => path),
      ).toEqual([]);
      expect(APP_INDEX_URL).toBe('app://qm-desk/index.html');
    });

    it('sets the CSP header on what it serves, and refuses a path outside its folder', async () => {
      const root = join(base, 'renderer');
      const ok = await serveAppRequest(root, new Request('app://qm-desk/index.html'));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-security-policy')).toBe(CSP);
      expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
      const out = await serveAppRequest(root, new Request('app://qm-desk/..%2fsecret.txt'));
      expect(out.status).toBe(404);
      expect(await out.text()).not.toContain('the secret');
      expect(out.headers.get('content-security-policy')).toBe(CSP);
    });
  });

  it('strict CSP: default-src none, scripts from our origin only, no unsafe-inline or unsafe-eval', () => {
    const prod = directives(CSP);
    expect(prod.get('default-src')).toEqual(["'none'"]);
    expect(prod.get('script-src')).toEqual(["'self'"]);
    expect(prod.get('style-src')).toEqual(["'self'"]);
    expect(prod.get('connect-src')).toEqual(["'self'"]);
    expect(prod.get('object-src')).toEqual(["'none'"]);
    expect(prod.get('base-uri')).toEqual(["'none'"]);
    expect(prod.get('form-action')).toEqual(["'none'"]);
    const sources = [...prod.values()].flat();
    expect(sources.filter((s) => /unsafe|^\*$|^https?:$|^ws:/.test(s))).toEqual([]);
    // The dev server may inline styles (Vite); it never evaluates strings as code.
    const dev = directives(contentSecurityPolicy({ dev: true }));
    expect(dev.get('script-src')).toEqual(["'self'"]);
    expect([...dev.values()].flat()).not.toContain("'unsafe-eval'");
  });

  it('the CSP meta tag of index.html is the same policy as the header', async () => {
    const config = (await import('../../electron.vite.config.ts')).default as {
      renderer: {
        plugins: Array<{
          name?: string;
          configResolved?: (config: { command: string }) => void;
          transformIndexHtml?: () => Array<{ attrs: Record<string, string> }>;
        }>;
      };
    };
    const plugin = config.renderer.plugins.flat().find((p) => p?.name === 'qm-csp-meta')!;
    plugin.configResolved!({ command: 'build' });
    const [tag] = plugin.transformIndexHtml!();
    expect(tag!.attrs).toEqual({ 'http-equiv': 'Content-Security-Policy', content: CSP });
    // No second, hand-written policy in the page source to drift from it.
    const html = await readFile(join(ROOT, 'src-renderer/index.html'), 'utf8');
    expect(html).not.toMatch(/Content-Security-Policy/i);
    // And the session adds the very same header to anything else the window loads.
    expect(runHeadersHook(open().win.webContents, {})['Content-Security-Policy']).toEqual([CSP]);
  });

  it('setWindowOpenHandler denies, handing the link to the https-only opener', () => {
    const { win, openExternal } = open();
    for (const url of [
      'https://www.twilio.com/docs',
      'http://evil.example/',
      'file:///etc/passwd',
      APP_INDEX_URL,
    ]) {
      expect(win.webContents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).toHaveBeenCalledWith('https://www.twilio.com/docs');
  });

  it('will-navigate blocked (and redirects): the page never leaves app://qm-desk/index.html', () => {
    const { win } = open();
    const navigate = win.webContents.handlers.get('will-navigate')!;
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://qm-desk/other.html',
      'http://localhost:5173/',
    ]) {
      const event = { preventDefault: vi.fn() };
      navigate(event, url);
      expect(event.preventDefault, url).toHaveBeenCalled();
    }
    const redirect = { preventDefault: vi.fn() };
    win.webContents.handlers.get('will-redirect')!(redirect, 'https://evil.example/');
    expect(redirect.preventDefault).toHaveBeenCalled();
  });

  it('will-attach-webview blocked', () => {
    const webview = { preventDefault: vi.fn() };
    open().win.webContents.handlers.get('will-attach-webview')!(webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('permission requests and checks denied', () => {
    const { session } = open().win.webContents;
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fileSystem',
    ]) {
      const answer = vi.fn();
      session.permissionHandler!(null, permission, answer);
      expect(answer, permission).toHaveBeenCalledWith(false);
      expect(session.checkHandler!(null, permission, APP_INDEX_URL, {}), permission).toBe(false);
    }
  });

  describe('shell.openExternal only through the one https-only helper', () => {
    it('opens https links only, without credentials', async () => {
      const shell = { openExternal: vi.fn(async () => undefined) };
      const openExternal = createOpenExternal(shell);
      expect(await openExternal('https://www.twilio.com/console')).toBe(true);
      for (const url of [
        'http://www.twilio.com',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'smb://host/share',
        'app://qm-desk/index.html',
        'https://user:pw@evil.example',
        'not a url',
      ]) {
        expect(await openExternal(url), url).toBe(false);
      }
      expect(shell.openExternal.mock.calls).toEqual([['https://www.twilio.com/console']]);
    });

    it('is called by no other file in src-main', async () => {
      const direct =
        /shell\s*\??\.\s*openExternal|\[\s*['"`]openExternal['"`]\s*\]|\{[^}]*\bopenExternal\b[^}]*\}\s*=\s*shell/;
      const callers = (await mainSources()).filter(([, text]) => direct.test(text)).map(([path]) => path);
      expect(callers).toEqual(['src-main/external.ts']);
    });
  });

  it('IPC sender validated: foreign frames, sub-frames, file:// and other app:// hosts are refused', async () => {
    type Handler = (event: IpcMainInvokeEvent, payload: unknown) => unknown;
    const handlers = new Map<string, Handler>();
    const ipc = {
      handle: (n: string, fn: Handler) => void handlers.set(n, fn),
      removeHandler: () => undefined,
    };
    const dispatch = vi.fn(async () => ({ ok: true as const, data: null }));
    const warn = vi.fn();
    registerIpc(ipc, dispatch, createSenderCheck({ devOrigin: null }), { ...silentLogger, warn });
    const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain;
    const call = (senderFrame: WebFrameMain | null) =>
      handlers.get('qm:app.info')!(
        { senderFrame, sender: { id: 1, on() {}, removeListener() {} } } as never,
        undefined,
      );
    const ours = frame(APP_INDEX_URL);
    const foreign = [
      null,
      frame('https://evil.example/index.html'),
      frame('http://localhost:5173/'), // the dev server, in production
      frame('file:///opt/QM%20Desk/resources/app.asar/out/renderer/index.html'),
      frame('file:///tmp/evil/index.html'),
      frame('app://evil/index.html'),
      frame('app://qm-desk.evil/index.html'),
      frame('app://qm-desk:8080/index.html'),
      frame('app://user@qm-desk/index.html'),
      frame('app://qm-desk/other.html'),
      frame('app://qm-desk/index.html?next=evil'),
      frame('app://qm-desk/assets/..%2Findex.html'),
      frame(APP_INDEX_URL, ours), // a sub-frame showing our page
      frame('about:blank'),
      frame('data:text/html,<script>1</script>'),
      frame('not a url'),
    ];
    for (const sender of foreign) {
      expect(await call(sender), sender?.url ?? 'null').toMatchObject({
        ok: false,
        error: { code: 'forbidden_sender' },
      });
    }
    expect(dispatch).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(foreign.length);
    expect(await call(ours)).toEqual({ ok: true, data: null });
    expect(dispatch).toHaveBeenCalledTimes(1);
  });

  describe('every IPC payload schema-checked', () => {
    const channels = listChannels();

    it('every channel of the contract has a zod schema that refuses a wrong shape and unknown keys', () => {
      expect(channels.length).toBeGreaterThan(0);
      for (const { name, request } of channels) {
        expect(request, name).toBeInstanceOf(z.ZodType);
        expect(request.safeParse('/etc/passwd').success, name).toBe(false);
        expect(request.safeParse({ __proto__: null, path: '/etc/passwd' }).success, name).toBe(false);
      }
    });

    it('dispatch refuses a bad payload on every channel before any handler runs', async () => {
      const called: string[] = [];
      const handlers: Record<string, Record<string, () => Promise<null>>> = {};
      for (const { ns, method, name } of channels) {
        (handlers[ns] ??= {})[method] = async () => {
          called.push(name);
          return null;
        };
      }
      const dispatch = createDispatch(handlers as unknown as Handlers, silentLogger);
      const ctx = { signal: new AbortController().signal, sender: 'test' };
      for (const { name } of channels) {
        expect(await dispatch(name, { path: '../../etc/passwd' }, ctx), name).toMatchObject({
          ok: false,
          error: { code: 'invalid_request' },
        });
      }
      expect(called).toEqual([]);
      expect(await dispatch('qm:fs.readFile', { path: '/etc/passwd' }, ctx)).toMatchObject({
        ok: false,
        error: { code: 'unknown_channel' },
      });
    });
  });

  it('no generic file read/write channels: no channel takes a path (export targets come from the save dialog)', () => {
    // By the words of a camelCase name: `filePath` takes a path, `profileId` does not.
    const PATH_WORDS = new Set(['path', 'paths', 'file', 'files', 'filename', 'directory', 'folder']);
    const pathLike = (key: string) =>
      key.split(/(?=[A-Z])|[_-]/).some((w) => PATH_WORDS.has(w.toLowerCase()));
    /** Every property name anywhere in a JSON schema. */
    const keys = (node: unknown): string[] => {
      if (!node || typeof node !== 'object') return [];
      const own =
        'properties' in node && node.properties && typeof node.properties === 'object'
          ? Object.keys(node.properties)
          : [];
      return [...own, ...Object.values(node).flatMap(keys)];
    };
    for (const { name, request } of listChannels()) {
      const json = z.toJSONSchema(request, { io: 'input', unrepresentable: 'any' });
      expect(keys(json).filter(pathLike), name).toEqual([]);
      // A channel named for files or folders (openDataFolder, …) takes nothing at all.
      if (/file|folder|path|fs\b|read|write/i.test(name)) {
        expect(request.safeParse(undefined).success, name).toBe(true);
        expect(request.safeParse({}).success, name).toBe(false);
      }
    }
  });
});
