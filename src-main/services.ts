/**
 * Composition root: builds every service from the ports. No Electron import, so the desktop app,
 * the CLI, the tests and the browser harness all run this same code.
 */
import { createAccountsService, type AccountsService } from './accounts/service.ts';
import { createAppService, logsDirOf, type AppService } from './app-service.ts';
import { createDemoService, type DemoService } from './demo/service.ts';
import { createExportService, type ExportService } from './export/service.ts';
import { createFlexClient } from './flex/client.ts';
import type { FlexTarget } from './flex/types.ts';
import { createJobRunner } from './jobs/runner.ts';
import type { JobRunner } from './jobs/types.ts';
import type { Ports } from './ports.ts';
import { openStore } from './store/index.ts';
import { createSyncService, type SyncService } from './sync/index.ts';
import { createWorkspaces } from './workspaces/index.ts';
import { createReviewQueries, type ReviewQueries } from './workspaces/queries.ts';
import { createDataUsage, type DataUsageService } from './workspaces/usage.ts';
import type { Workspaces } from './workspaces/types.ts';
import type { ConnectionTestResult } from '../src-preload/contract.ts';

export interface Services {
  app: AppService;
  accounts: AccountsService;
  jobs: JobRunner;
  workspaces: Workspaces;
  sync: SyncService;
  /** The demo account: generated data through the real sync path, no credentials, no network. */
  demo: DemoService;
  /** The review workspace's reads, per account: tables, scores, agents, calibration, saved views. */
  review: ReviewQueries;
  /** CSV export jobs (through the save dialog port) and TSV copies to the clipboard. */
  exports: ExportService;
  /** Local data per account (the Settings view): sizes, and clearing one account's cached data. */
  data: DataUsageService;
  /** Stops the jobs (bounded), closes the stores, then the accounts. Await it before the process exits. */
  close(): Promise<void>;
}

/** How long running jobs get to stop on close before the stores close under them. */
export const DRAIN_TIMEOUT_MS = 5_000;

async function testConnection(target: FlexTarget): Promise<ConnectionTestResult> {
  const client = createFlexClient(target);
  try {
    return await client.testConnection();
  } finally {
    await client.close();
  }
}

export interface ServicesOptions {
  /** Hear of accounts another process (the CLI) changes: the app and the harness, not a CLI run. */
  watchProfiles?: boolean;
}

export async function createServices(ports: Ports, options: ServicesOptions = {}): Promise<Services> {
  const { clock, events, logger, paths } = ports;
  // The diagnostics list the accounts only when asked, long after both exist.
  const app = await createAppService({ ...ports, accountsState: () => accounts.list() });
  const jobs = createJobRunner({ events, clock, logger });
  // Each needs the other: workspaces resolve profiles through accounts, and removing an account
  // first releases its workspace. Both calls run only after both exist.
  const workspaces = createWorkspaces({
    accounts: { resolve: (id) => accounts.resolve(id), target: (id) => accounts.target(id) },
    jobs,
    paths,
    logger,
    openStore,
  });
  const accounts = await createAccountsService({
    ...ports,
    testConnection,
    releaseData: (profileId) => workspaces.release(profileId),
    watchProfiles: options.watchProfiles ?? false,
  });
  const sync = createSyncService({ jobs, workspaces, clock, logger });
  const demo = createDemoService({ accounts, sync, jobs, workspaces });
  const review = createReviewQueries(workspaces);
  const data = createDataUsage({ accounts, workspaces, paths, logsDir: logsDirOf(ports), events });
  const exports = createExportService({
    workspaces,
    jobs,
    dialogs: ports.dialogs,
    clipboard: ports.clipboard,
    shell: ports.shell,
    clock,
    logger,
  });

  /** One failing step must not keep the next from running: each is awaited and logged. */
  async function step(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      logger.error(`Closing QM Desk: ${what} failed`, {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  return {
    app,
    accounts,
    jobs,
    workspaces,
    sync,
    demo,
    review,
    exports,
    data,
    async close() {
      await step('stopping jobs', () => jobs.drain(DRAIN_TIMEOUT_MS));
      await step('closing the stores', () => workspaces.close());
      await step('closing the accounts', () => accounts.close());
    },
  };
}
