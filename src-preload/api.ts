import {
  EVENT_NAMES,
  eventChannel,
  listChannels,
  type EventName,
  type Events,
  type MethodOf,
  type Namespace,
  type RequestOf,
  type ResponseOf,
  type Result,
} from './contract.ts';

/** How requests reach main: Electron IPC in the app, HTTP in the browser harness. */
export interface Transport {
  invoke(channel: string, payload: unknown): Promise<Result<unknown>>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

type Method<N extends Namespace, M extends MethodOf<N>> = [RequestOf<N, M>] extends [undefined]
  ? () => Promise<Result<ResponseOf<N, M>>>
  : (request: RequestOf<N, M>) => Promise<Result<ResponseOf<N, M>>>;

export type QmApi = { [N in Namespace]: { [M in MethodOf<N>]: Method<N, M> } } & {
  /** Subscribe to an event from main; returns the function that unsubscribes. */
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
};

const KNOWN_EVENTS: ReadonlySet<string> = new Set(EVENT_NAMES);

/** `window.qm`: one method per contract channel, nothing generic. */
export function createApi(transport: Transport): QmApi {
  const api: Record<string, Record<string, (request?: unknown) => Promise<Result<unknown>>>> = {};
  for (const { ns, method, name } of listChannels()) {
    (api[ns] ??= {})[method] = (request?: unknown) => transport.invoke(name, request).catch(transportFailure);
  }
  const on = (name: string, listener: (payload: never) => void): (() => void) => {
    if (!KNOWN_EVENTS.has(name)) throw new Error(`QM Desk has no event ${name}.`);
    return transport.subscribe(eventChannel(name as EventName), (payload) => listener(payload as never));
  };
  return Object.freeze({ ...api, on }) as unknown as QmApi;
}

/** A broken transport (main crashed, harness gone) still yields a typed Result, never a throw. */
function transportFailure(error: unknown): Result<never> {
  const detail = error instanceof Error ? { reason: error.message } : undefined;
  return {
    ok: false,
    error: {
      code: 'transport',
      message: 'QM Desk lost contact with its background process. Restart the app.',
      ...(detail ? { detail } : {}),
    },
  };
}
