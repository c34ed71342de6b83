/**
 * The sync service: `start` takes the account's sync lease, opens its workspace and starts the
 * job body (job.ts) on the runner; the lease is released when the body ends.
 *
 *   const sync = createSyncService({ jobs, workspaces, clock, logger });
 *   const snapshot = await sync.start({ profileId, target, options }); // busy if one runs already
 */
import { ENV_CREDENTIALS_HINT, ENV_PROFILE_ID } from '../accounts/env-profile.ts';
import { AppError } from '../errors.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { ClockPort, LoggerPort } from '../ports.ts';
import type { Workspaces } from '../workspaces/types.ts';
import type { JobSnapshot, ParsedRequestOf, SyncTarget } from '../../src-preload/contract.ts';
import { syncJob } from './job.ts';
import { describeTarget } from './labels.ts';
import { acquireLease } from './lease.ts';

export { runSync, syncJob, type SyncInput, type SyncOptions } from './job.ts';
export { acquireLease, LEASE_FILE, type Lease } from './lease.ts';
export { describeTarget, summarize } from './labels.ts';

export interface SyncDeps {
  jobs: JobRunner;
  workspaces: Workspaces;
  clock: ClockPort;
  logger: LoggerPort;
}

export type SyncStartRequest = ParsedRequestOf<'sync', 'start'>;

export interface SyncService {
  start(req: SyncStartRequest): Promise<JobSnapshot>;
}

/** "Edit the account" means nothing for the Environment account: point at its variables. */
function forEnvironment(error: unknown): unknown {
  if (!(error instanceof AppError) || error.code !== 'auth') return error;
  return new AppError(
    'auth',
    `Twilio rejected the credentials of the Environment account. ${ENV_CREDENTIALS_HINT}`,
    {
      detail: error.detail,
      cause: error,
    },
  );
}

const onlyStored = (t: SyncTarget): boolean =>
  t.stored &&
  !t.all &&
  t.segments.length + t.agents.length + t.reservations.length + t.conversations.length === 0;

export function createSyncService(deps: SyncDeps): SyncService {
  return {
    async start(req) {
      const { profileId, target, options } = req;
      const workspace = await deps.workspaces.open(profileId);
      if (onlyStored(target) && (await workspace.store.segmentIds()).length === 0) {
        throw new AppError(
          'nothing_to_sync',
          'This account’s store has no segments yet, so there is nothing to sync again. Sync some segments first.',
        );
      }
      const label = describeTarget(target);
      const lease = await acquireLease(workspace.dataDir, {
        accountLabel: workspace.label,
        label,
        now: () => deps.clock.now(),
      });
      const body = syncJob(workspace, target, options, label);
      try {
        return deps.jobs.start({
          kind: 'sync',
          profileId,
          label,
          async run(ctx) {
            try {
              return await body(ctx);
            } catch (error) {
              throw profileId === ENV_PROFILE_ID ? forEnvironment(error) : error;
            } finally {
              await lease.release();
            }
          },
        });
      } catch (error) {
        await lease.release();
        deps.logger.warn('A sync could not be started', { profileId });
        throw error;
      }
    },
  };
}
