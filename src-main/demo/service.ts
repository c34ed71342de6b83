/**
 * The demo workspace: "Explore demo data" adds the built-in demo account, makes it active and
 * syncs everything through the same sync -> store -> workspace path as a real account (the
 * workspace gives it the real Flex client over the in-process demo dispatcher), so the first run
 * needs no credentials and no network. "Remove" takes the account and its data away again.
 *
 *   const demo = createDemoService({ accounts, sync, jobs, workspaces });
 *   const { profileId, job } = await demo.open(); // job null: the demo store is complete already
 *   await demo.remove();
 */
import { createDemoDispatcher } from './dispatcher.ts';
import { DEMO_PROFILE_ID } from '../accounts/demo-profile.ts';
import type { AccountsService } from '../accounts/service.ts';
import { AppError } from '../errors.ts';
import type { JobRunner } from '../jobs/types.ts';
import type { Store } from '../store/types.ts';
import type { SyncService } from '../sync/index.ts';
import type { Workspaces } from '../workspaces/types.ts';
import {
  SyncOptionsSchema,
  SyncTargetSchema,
  type JobSnapshot,
  type ResponseOf,
} from '../../src-preload/contract.ts';

export interface DemoDeps {
  accounts: Pick<AccountsService, 'openDemo' | 'resolve' | 'remove'>;
  sync: SyncService;
  jobs: Pick<JobRunner, 'list' | 'cancelProfile'>;
  workspaces: Pick<Workspaces, 'open'>;
}

export interface DemoService {
  open(): Promise<ResponseOf<'demo', 'open'>>;
  remove(): Promise<ResponseOf<'demo', 'remove'>>;
}

/** Every record of the demo account: Assessments, Comments and Segments without a filter. */
const EVERYTHING = SyncTargetSchema.parse({ all: true });
const OPTIONS = SyncOptionsSchema.parse({});

interface DemoCounts {
  assessments: number;
  comments: number;
  segments: number;
}

let counts: DemoCounts | null = null;

/** What a complete demo store holds: the counts of the very dataset the demo dispatcher serves. */
function demoCounts(): DemoCounts {
  if (counts === null) {
    const dispatcher = createDemoDispatcher();
    const { assessmentCount, commentCount, segmentCount } = dispatcher.dataset;
    void dispatcher.close(); // never used for a request: only its dataset's figures are wanted
    counts = { assessments: assessmentCount, comments: commentCount, segments: segmentCount };
  }
  return counts;
}

/** The last sync ended well and the store holds every demo record: nothing left to fetch. */
async function isComplete(store: Store): Promise<boolean> {
  const overview = await store.overview();
  const expected = demoCounts();
  return (
    overview.lastSync?.status === 'done' &&
    overview.assessments === expected.assessments &&
    overview.comments === expected.comments &&
    overview.segments === expected.segments
  );
}

export function createDemoService(deps: DemoDeps): DemoService {
  const { accounts, sync, jobs, workspaces } = deps;
  let queue: Promise<unknown> = Promise.resolve();

  /** One open or remove at a time, so two quick clicks start one sync, not a busy error. */
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  const runningSync = (): JobSnapshot | null =>
    jobs.list().find((j) => j.profileId === DEMO_PROFILE_ID && j.kind === 'sync' && j.state === 'running') ??
    null;

  return {
    open: () =>
      serial(async () => {
        await accounts.openDemo();
        const profileId = DEMO_PROFILE_ID;
        const running = runningSync();
        if (running) return { profileId, job: running };
        const workspace = await workspaces.open(profileId);
        if (await isComplete(workspace.store)) return { profileId, job: null };
        try {
          return { profileId, job: await sync.start({ profileId, target: EVERYTHING, options: OPTIONS }) };
        } catch (error) {
          // A sync of the demo that began meanwhile (the reviewer pressed Sync) is the one to show.
          const started = error instanceof AppError && error.code === 'busy' ? runningSync() : null;
          if (started) return { profileId, job: started };
          throw error;
        }
      }),

    remove: () =>
      serial(async () => {
        try {
          await accounts.resolve(DEMO_PROFILE_ID);
        } catch (error) {
          if (error instanceof AppError && error.code === 'profile_not_found') return null; // gone already
          throw error;
        }
        // Stopped first, so no page lands in the store while it is being let go of.
        await jobs.cancelProfile(DEMO_PROFILE_ID);
        await accounts.remove({ id: DEMO_PROFILE_ID, deleteData: true });
        return null;
      }),
  };
}
