import { describe, expect, it, vi } from 'vitest';
import type { IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { createSenderCheck, registerIpc } from '../../src-main/ipc.ts';
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

const frame = (url: string, parent: unknown = null) => ({ url, parent }) as unknown as WebFrameMain;
const event = (senderFrame: WebFrameMain | null) => ({ senderFrame }) as IpcMainInvokeEvent;

const check = createSenderCheck({
  devOrigin: null,
  indexFile: '/opt/QM Desk/resources/app/out/renderer/index.html',
});
const ours = frame('file:///opt/QM%20Desk/resources/app/out/renderer/index.html');

describe('ipc binding', () => {
  it('registers exactly the contract channels and unbinds them', () => {
    const ipc = fakeIpcMain();
    const unbind = registerIpc(ipc, vi.fn(), check);
    expect([...ipc.handlers.keys()]).toEqual(listChannels().map((c) => c.name));
    unbind();
    expect(ipc.handlers.size).toBe(0);
  });

  it('passes requests from our main frame to dispatch', async () => {
    const ipc = fakeIpcMain();
    const dispatch = vi.fn(async () => ({ ok: true as const, data: 'v' }));
    registerIpc(ipc, dispatch, check);
    const result = await ipc.handlers.get('qm:app.info')!(event(ours), undefined);
    expect(result).toEqual({ ok: true, data: 'v' });
    expect(dispatch).toHaveBeenCalledWith('qm:app.info', undefined);
  });

  it('rejects foreign senders without dispatching', async () => {
    const ipc = fakeIpcMain();
    const dispatch = vi.fn();
    registerIpc(ipc, dispatch, check);
    const handler = ipc.handlers.get('qm:accounts.list')!;
    const foreign = [
      null,
      frame('https://evil.example/index.html'),
      frame('file:///tmp/evil/index.html'),
      frame('file:///opt/QM%20Desk/resources/app/out/renderer/..%2F..%2F..%2F..%2Ftmp%2Fevil.html'),
      frame('file:///opt/QM%20Desk/resources/app/out/renderer/other.html'),
      frame('file://attacker/opt/QM%20Desk/resources/app/out/renderer/index.html'),
      frame('file:///opt/QM%20Desk/resources/app/out/renderer/index.html', ours), // a sub-frame
      frame('not a url'),
    ];
    for (const sender of foreign) {
      expect(await handler(event(sender), undefined)).toMatchObject({
        ok: false,
        error: { code: 'forbidden_sender' },
      });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('trusts the dev server origin only when one is configured', () => {
    const dev = createSenderCheck({
      devOrigin: 'http://localhost:5173',
      indexFile: '/x/out/renderer/index.html',
    });
    expect(dev(frame('http://localhost:5173/index.html'))).toBe(true);
    expect(dev(frame('http://localhost:5174/index.html'))).toBe(false);
    expect(check(frame('http://localhost:5173/index.html'))).toBe(false);
  });
});
