import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import type { HandlerContext } from '../../src-main/handlers.ts';
import { createSenderCheck, registerIpc } from '../../src-main/ipc.ts';
import { silentLogger, type LoggerPort } from '../../src-main/ports.ts';
import { listChannels } from '../../src-preload/contract.ts';

function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, payload: unknown) => unknown>();
  return {
    handlers,
    handle: vi.fn((name: string, fn: (event: IpcMainInvokeEvent, payload: unknown) => unknown) => {
      handlers.set(name, fn);
    }),
    removeHandler: vi.fn((name: string) => handlers.delete(name)),
  };
}

/** A WebContents as far as IPC uses it: an id and the lifecycle events. */
class FakeContents extends EventEmitter {
  static next = 1;
  id = FakeContents.next++;
  navigate(details: { isMainFrame: boolean; isSameDocument: boolean }): void {
    this.emit('did-start-navigation', { url: 'file:///x', frame: null, ...details });
  }
}

const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain;
const event = (senderFrame: WebFrameMain | null, sender = new FakeContents()) =>
  ({ senderFrame, sender }) as unknown as IpcMainInvokeEvent;

// Which senders are refused (foreign, sub-frame, file://, other app:// hosts) is pinned in
// security-checklist.test.ts; this file covers the binding, the log line and the signals.
const check = createSenderCheck({ devOrigin: null });
const ours = frame('app://qm-desk/index.html');

describe('ipc binding', () => {
  it('registers exactly the contract channels and unbinds them', () => {
    const ipc = fakeIpcMain();
    const unbind = registerIpc(ipc, vi.fn(), check, silentLogger);
    expect([...ipc.handlers.keys()]).toEqual(listChannels().map((c) => c.name));
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes requests from our main frame to dispatch', async () => {
    const ipc = fakeIpcMain();
    const dispatch = vi.fn(async () => ({ ok: true as const, data: 'v' }));
    registerIpc(ipc, dispatch, check, silentLogger);
    const result = await ipc.handlers.get('qm:app.info')!(event(ours), undefined);
    expect(result).toEqual({ ok: true, data: 'v' });
    expect(dispatch).toHaveBeenCalledWith('qm:app.info', undefined, {
      signal: expect.any(AbortSignal),
      sender: expect.stringMatching(/^webContents:\d+$/),
    });
  });

  it('logs a refused sender with the channel and its origin only (no path, no query)', async () => {
    const ipc = fakeIpcMain();
    const warn = vi.fn<LoggerPort['warn']>();
    const dispatch = vi.fn();
    registerIpc(ipc, dispatch, check, { ...silentLogger, warn });
    const handler = ipc.handlers.get('qm:accounts.list')!;
    await handler(event(frame('https://evil.example/steal.html?session=abc#x')), undefined);
    await handler(event(frame('file:///home/reviewer/secret/index.html')), undefined);
    await handler(event(frame('app://qm-desk/index.html', ours)), undefined);
    await handler(event(null), undefined);
    expect(dispatch).not.toHaveBeenCalled();
    expect(warn.mock.calls).toEqual([
      [
        'Refused an IPC request from a foreign sender',
        { channel: 'qm:accounts.list', origin: 'https://evil.example', mainFrame: true },
      ],
      [
        'Refused an IPC request from a foreign sender',
        { channel: 'qm:accounts.list', origin: 'file:', mainFrame: true },
      ],
      [
        'Refused an IPC request from a foreign sender',
        { channel: 'qm:accounts.list', origin: 'app://qm-desk', mainFrame: false },
      ],
      [
        'Refused an IPC request from a foreign sender',
        { channel: 'qm:accounts.list', origin: 'none', mainFrame: null },
      ],
    ]);
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/steal|session|reviewer|secret/);
  });

  it('does not log a trusted sender', async () => {
    const ipc = fakeIpcMain();
    const warn = vi.fn();
    registerIpc(
      ipc,
      vi.fn(async () => ({ ok: true as const, data: null })),
      check,
      { ...silentLogger, warn },
    );
    await ipc.handlers.get('qm:app.info')!(event(ours), undefined);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses, and does not throw for, a frame Electron already disposed', async () => {
    const ipc = fakeIpcMain();
    const warn = vi.fn();
    registerIpc(ipc, vi.fn(), check, { ...silentLogger, warn });
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      get parent(): null {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
    } as unknown as WebFrameMain;
    expect(await ipc.handlers.get('qm:app.info')!(event(disposed), undefined)).toMatchObject({
      ok: false,
      error: { code: 'forbidden_sender' },
    });
    expect(warn).toHaveBeenCalledWith('Refused an IPC request from a foreign sender', {
      channel: 'qm:app.info',
      origin: 'unknown',
      mainFrame: null,
    });
  });

  describe('request signal', () => {
    /** Binds IPC with a dispatch that records the context of every call. */
    function bound() {
      const ipc = fakeIpcMain();
      const seen: HandlerContext[] = [];
      const dispatch = vi.fn(async (_channel: string, _payload: unknown, ctx: HandlerContext) => {
        seen.push(ctx);
        return { ok: true as const, data: null };
      });
      const unbind = registerIpc(ipc, dispatch, check, silentLogger);
      const call = (contents: FakeContents) =>
        ipc.handlers.get('qm:store.overview')!(event(ours, contents), {});
      return { call, seen, unbind };
    }

    it('is shared by the requests of one page and names its window', async () => {
      const { call, seen } = bound();
      const win = new FakeContents();
      await call(win);
      await call(win);
      expect(seen[0]!.signal).toBe(seen[1]!.signal);
      expect(seen[0]!.sender).toBe(`webContents:${win.id}`);
      expect(seen[0]!.signal.aborted).toBe(false);
    });

    it('aborts when the page reloads or navigates, and the next page gets a fresh one', async () => {
      const { call, seen } = bound();
      const win = new FakeContents();
      await call(win);
      win.navigate({ isMainFrame: true, isSameDocument: true }); // a hash change keeps the page
      win.navigate({ isMainFrame: false, isSameDocument: false }); // so does a sub-frame
      expect(seen[0]!.signal.aborted).toBe(false);
      win.navigate({ isMainFrame: true, isSameDocument: false });
      expect(seen[0]!.signal.aborted).toBe(true);
      await call(win);
      expect(seen[1]!.signal.aborted).toBe(false);
      expect(win.listenerCount('did-start-navigation')).toBe(1);
    });

    it('aborts when the window is destroyed or its renderer crashes, and only for that window', async () => {
      const { call, seen } = bound();
      const [a, b, c] = [new FakeContents(), new FakeContents(), new FakeContents()];
      await call(a);
      await call(b);
      await call(c);
      a.emit('destroyed');
      b.emit('render-process-gone', {}, { reason: 'crashed' });
      expect(seen.map((ctx) => ctx.signal.aborted)).toEqual([true, true, false]);
      expect(a.listenerCount('destroyed')).toBe(0);
    });

    it('aborts every page when IPC is unbound (quit)', async () => {
      const { call, seen, unbind } = bound();
      const win = new FakeContents();
      await call(win);
      unbind();
      expect(seen[0]!.signal.aborted).toBe(true);
      expect(win.listenerCount('did-start-navigation')).toBe(0);
    });

    it('is not created for a refused sender', async () => {
      const ipc = fakeIpcMain();
      registerIpc(ipc, vi.fn(), check, silentLogger);
      const win = new FakeContents();
      await ipc.handlers.get('qm:app.info')!(event(frame('https://evil.example/'), win), undefined);
      expect(win.listenerCount('destroyed')).toBe(0);
    });
  });

  it('trusts the dev server origin only when one is configured', () => {
    const dev = createSenderCheck({ devOrigin: 'http://localhost:5173' });
    expect(dev(frame('http://localhost:5173/index.html'))).toBe(true);
    expect(dev(frame('http://localhost:5173/'))).toBe(true);
    expect(dev(frame('http://localhost:5174/index.html'))).toBe(false);
    expect(dev(frame('http://localhost:5173/', ours))).toBe(false); // a sub-frame
    // A dev build trusts its dev server only; production trusts app:// only.
    expect(dev(ours)).toBe(false);
    expect(check(frame('http://localhost:5173/index.html'))).toBe(false);
    expect(check(ours)).toBe(true);
    expect(check(frame('app://qm-desk/index.html#/review'))).toBe(true);
  });
});
