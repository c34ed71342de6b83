import { describe, expect, it, vi } from 'vitest';
import { listChannels } from '../../src-preload/contract.ts';

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  return {
    exposed: new Map<string, unknown>(),
    listeners,
    invoke: vi.fn(async (_channel: string, _payload: unknown) => ({ ok: true, data: 42 })),
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => electron.exposed.set(key, value) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      const set = electron.listeners.get(channel) ?? new Set();
      set.add(fn);
      electron.listeners.set(channel, set);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) =>
      electron.listeners.get(channel)?.delete(fn),
  },
}));

await import('../../src-preload/index.ts');
const qm = electron.exposed.get('qm') as Record<string, Record<string, (r?: unknown) => Promise<unknown>>> & {
  on: (name: string, cb: (p: unknown) => void) => () => void;
};

describe('preload', () => {
  it('exposes only window.qm, with one method per channel and nothing generic', () => {
    expect([...electron.exposed.keys()]).toEqual(['qm']);
    const methods = Object.entries(qm).flatMap(([ns, value]) =>
      typeof value === 'function' ? [ns] : Object.keys(value).map((m) => `qm:${ns}.${m}`),
    );
    expect(methods.sort()).toEqual([...listChannels().map((c) => c.name), 'on'].sort());
    expect(qm).not.toHaveProperty('invoke');
    expect(qm).not.toHaveProperty('ipcRenderer');
    expect(Object.isFrozen(qm)).toBe(true);
  });

  it('invokes the named channel with the payload', async () => {
    await expect(qm.accounts!.use!({ id: 'abc' })).resolves.toEqual({ ok: true, data: 42 });
    expect(electron.invoke).toHaveBeenLastCalledWith('qm:accounts.use', { id: 'abc' });
  });

  it('turns a failed invoke into a typed transport error', async () => {
    electron.invoke.mockRejectedValueOnce(new Error('main crashed'));
    await expect(qm.app!.info!()).resolves.toMatchObject({ ok: false, error: { code: 'transport' } });
  });

  it('strips the Electron event from subscriptions and unsubscribes', () => {
    const seen: unknown[][] = [];
    const off = qm.on('accounts.switched', (...args: unknown[]) => seen.push(args));
    const fire = (payload: unknown) =>
      electron.listeners
        .get('qm:event:accounts.switched')
        ?.forEach((fn) => fn({ sender: 'ipc-internals' }, payload));
    fire({ activeId: 'a' });
    off();
    fire({ activeId: 'b' });
    expect(seen).toEqual([[{ activeId: 'a' }]]);
  });

  it('refuses events that are not in the contract', () => {
    expect(() => qm.on('anything', () => undefined)).toThrow(/no event/);
  });
});
