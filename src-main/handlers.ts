import type { Services } from './services.ts';
import type { MethodOf, Namespace, ParsedRequestOf, ResponseOf } from '../src-preload/contract.ts';

/** What every handler gets beside its request. */
export interface HandlerContext {
  /** Aborts when the window that asked reloads, navigates or closes (the harness: its request is dropped). */
  signal: AbortSignal;
  /** Who asked: `webContents:<id>` in the app, `harness` in the browser harness. */
  sender: string;
}

/** One function per contract channel; the compiler checks that none is missing or mistyped. */
export type Handlers = {
  [N in Namespace]: {
    [M in MethodOf<N>]: (request: ParsedRequestOf<N, M>, ctx: HandlerContext) => Promise<ResponseOf<N, M>>;
  };
};

export function createHandlers(services: Services): Handlers {
  const { app, accounts, jobs, sync, review, exports, demo, data } = services;
  return {
    app: {
      info: () => app.info(),
      openDataFolder: () => app.openDataFolder(),
      openLogsFolder: () => app.openLogsFolder(),
      copyDiagnostics: () => app.copyDiagnostics(),
    },
    settings: {
      get: () => app.getSettings(),
      update: (patch) => app.updateSettings(patch),
    },
    data: {
      usage: () => data.usage(),
      clear: (request) => data.clear(request),
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
    jobs: {
      list: async () => jobs.list(),
      cancel: async ({ jobId }) => jobs.cancel(jobId),
    },
    sync: {
      // A job outlives the request that started it: a reload must not cancel a sync (jobs.list heals it).
      start: async (request) => sync.start(request),
    },
    store: review.store,
    scores: review.scores,
    agents: review.agents,
    calibration: review.calibration,
    views: review.views,
    export: {
      start: (request) => exports.start(request),
      reveal: (request) => exports.reveal(request),
      copyRows: (request) => exports.copyRows(request),
    },
    demo: {
      open: () => demo.open(),
      remove: () => demo.remove(),
    },
  };
}
