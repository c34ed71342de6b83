// Bundled into one CommonJS file: a sandboxed preload may require nothing but 'electron'.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApi, type Transport } from './api.ts';
import { listChannels, type Result } from './contract.ts';

const CHANNELS: ReadonlySet<string> = new Set(listChannels().map((c) => c.name));

function contractChannel(name: string): string {
  if (!CHANNELS.has(name)) throw new Error(`Not a contract channel: ${name}`);
  return name;
}

const transport: Transport = {
  invoke: (name, payload) => ipcRenderer.invoke(contractChannel(name), payload) as Promise<Result<unknown>>,
  subscribe: (name, listener) => {
    // Strip the Electron event: the renderer gets the payload and nothing that reaches back into IPC.
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(name, handler);
    return () => {
      ipcRenderer.removeListener(name, handler);
    };
  },
};

contextBridge.exposeInMainWorld('qm', createApi(transport));
