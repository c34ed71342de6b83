// Runs in the browser before the app: gives the page the same `window.qm` the preload gives
// Electron, built by the same createApi(), over HTTP to the harness process.
import '../../../src-renderer/src/zod-jitless.ts';
import { createApi, type Transport } from '../../../src-preload/api.ts';
import type { Result } from '../../../src-preload/contract.ts';

// The harness writes this run's token into the page; every call carries it.
const token = document.querySelector<HTMLMetaElement>('meta[name="qm-harness-token"]')?.content ?? '';
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let source: EventSource | null = null;

function events(): EventSource {
  if (source) return source;
  source = new EventSource(`/__qm/events?token=${encodeURIComponent(token)}`);
  source.onmessage = (message: MessageEvent) => {
    const { channel, payload } = JSON.parse(String(message.data)) as { channel: string; payload: unknown };
    listeners.get(channel)?.forEach((listener) => listener(payload));
  };
  return source;
}

const transport: Transport = {
  async invoke(channel, payload) {
    const response = await fetch('/__qm/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-qm-token': token },
      body: JSON.stringify({ channel, payload }),
    });
    if (!response.ok && !response.headers.get('content-type')?.startsWith('application/json')) {
      throw new Error(`The harness refused the call (${response.status}).`);
    }
    return (await response.json()) as Result<unknown>;
  },
  subscribe(channel, listener) {
    events();
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  },
};

(window as unknown as { qm: unknown }).qm = createApi(transport);
