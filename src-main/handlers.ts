import type { Services } from './services.ts';
import type { MethodOf, Namespace, ParsedRequestOf, ResponseOf } from '../src-preload/contract.ts';

/** One function per contract channel; the compiler checks that none is missing or mistyped. */
export type Handlers = {
  [N in Namespace]: { [M in MethodOf<N>]: (request: ParsedRequestOf<N, M>) => Promise<ResponseOf<N, M>> };
};

export function createHandlers(services: Services): Handlers {
  const { app, accounts } = services;
  return {
    app: {
      info: () => app.info(),
      openDataFolder: () => app.openDataFolder(),
    },
    settings: {
      get: () => app.getSettings(),
      update: (patch) => app.updateSettings(patch),
    },
    accounts: {
      list: () => accounts.list(),
      add: (request) => accounts.add(request),
      update: (request) => accounts.update(request),
      remove: (request) => accounts.remove(request),
      use: (request) => accounts.use(request),
      test: (request) => accounts.test(request),
      testDraft: (request) => accounts.testDraft(request),
    },
  };
}
