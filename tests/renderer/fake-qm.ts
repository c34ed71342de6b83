import { vi } from 'vitest';
import type { QmApi } from '../../src-preload/api.ts';
import type {
  AccountsState,
  AppInfo,
  ConnectionTestResult,
  ErrorCode,
  EventName,
  Events,
  JobSnapshot,
  KnownAgent,
  ProfileView,
  Result,
  RowWindow,
  SegmentListQuery,
  Settings,
  StoreOverview,
  StoredSegment,
  SyncResult,
  SyncTargetInput,
} from '../../src-preload/contract.ts';

export const ok = <T>(data: T): Result<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string, detail?: Record<string, unknown>): Result<never> => ({
  ok: false,
  error: { code, message, ...(detail ? { detail } : {}) },
});

export const APP_INFO: AppInfo = {
  name: 'QM Desk',
  version: '0.1.0',
  node: '24.11.0',
  electron: null,
  platform: 'linux',
  dataDir: '/home/reviewer/.config/QM Desk',
};

/** 32 hex characters derived from an id, so each fake profile has a distinct, valid SID. */
const hexOf = (id: string): string =>
  [...id]
    .map((c) => c.charCodeAt(0).toString(16))
    .join('')
    .padStart(32, '0')
    .slice(-32);

export function profile(overrides: Partial<ProfileView> & { id: string; label: string }): ProfileView {
  return {
    accountSid: `AC${hexOf(overrides.id)}`,
    credential: { kind: 'authToken' },
    region: null,
    edge: null,
    baseUrl: null,
    color: '#3b82f6',
    hasSecret: true,
    source: 'file',
    sessionOnly: false,
    ...overrides,
  };
}

export function accountsState(overrides: Partial<AccountsState> = {}): AccountsState {
  return { profiles: [], activeId: null, keychain: { usable: true }, recovered: null, ...overrides };
}

let jobSeq = 0;
/** A job id in the shape main gives (a UUID: jobs.cancel checks it). */
export const jobId = (): string => `00000000-0000-4000-8000-${String(++jobSeq).padStart(12, '0')}`;

export function syncResult(overrides: Partial<SyncResult> = {}): SyncResult {
  return {
    kind: 'sync',
    segments: 0,
    segmentsSynced: 0,
    assessments: 0,
    comments: 0,
    removed: 0,
    skippedNoSid: 0,
    failures: [],
    rateLimited: 0,
    ...overrides,
  };
}

export function snapshot(overrides: Partial<JobSnapshot> & { profileId: string }): JobSnapshot {
  return {
    jobId: jobId(),
    kind: 'sync',
    label: 'Sync 40 segments',
    state: 'running',
    phase: 'Fetching assessments',
    done: 0,
    startedAt: 1_750_000_000_000,
    ...overrides,
  };
}

/** A UUID-shaped id from a number (segment and agent ids are UUIDs). */
export const uuidOf = (n: number, prefix = '5e6a'): string =>
  `${prefix}${String(n).padStart(4, '0')}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function storedSegment(i: number, overrides: Partial<StoredSegment> = {}): StoredSegment {
  return {
    segmentId: uuidOf(i),
    agentId: uuidOf(i % 5, 'a9e7'),
    agentName: `Agent ${i % 5}`,
    team: `Team ${i % 3}`,
    queue: 'Support',
    date: new Date(Date.UTC(2025, 2, 1 + (i % 28), 9, 30)).toISOString(),
    assessments: 10 + i,
    comments: i % 4,
    lastSyncedAt: 1_750_000_000_000 + i * 1000,
    ...overrides,
  };
}

export interface FakeStore {
  overview: Omit<StoreOverview, 'profileId'>;
  segments: StoredSegment[];
  agents: KnownAgent[];
}

export function emptyStore(): FakeStore {
  return {
    overview: {
      accountSid: `AC${'0'.repeat(32)}`,
      assessments: 0,
      comments: 0,
      segments: 0,
      agents: 0,
      lastSync: null,
    },
    segments: [],
    agents: [],
  };
}

/** The window of stored segments the real store would give: search, sort, offset, limit. */
function segmentWindow(
  all: StoredSegment[],
  q: Partial<SegmentListQuery> & { profileId: string },
): RowWindow<StoredSegment> {
  const search = q.search?.toLowerCase();
  const matching = search
    ? all.filter(
        (s) => s.segmentId.toLowerCase().startsWith(search) || s.agentName?.toLowerCase().startsWith(search),
      )
    : all;
  const sort = q.sort ?? { column: 'lastSyncedAt', dir: 'desc' };
  const sorted = [...matching].sort((a, b) => {
    const x = a[sort.column] ?? '';
    const y = b[sort.column] ?? '';
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.dir === 'asc' ? order : -order;
  });
  const offset = q.offset ?? 0;
  return {
    profileId: q.profileId,
    total: sorted.length,
    offset,
    rows: sorted.slice(offset, offset + (q.limit ?? 100)),
  };
}

/**
 * A stand-in for `window.qm` with the QmApi shape: every method a vi.fn() answering a plausible
 * Result, and `emit()` to push an event to whoever subscribed with `on()`.
 */
export function createFakeQm(
  initial: { accounts?: AccountsState; settings?: Settings; store?: FakeStore; jobs?: JobSnapshot[] } = {},
) {
  let accounts = initial.accounts ?? accountsState();
  let settings: Settings = initial.settings ?? { theme: 'system' };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Per-profile store contents; a profile without an entry has an empty store. */
  const stores = new Map<string, FakeStore>();
  const storeOf = (profileId: string): FakeStore => stores.get(profileId) ?? initial.store ?? emptyStore();
  let jobs: JobSnapshot[] = initial.jobs ?? [];

  const api = {
    app: {
      info: vi.fn(async () => ok(APP_INFO)),
      openDataFolder: vi.fn(async () => ok(null)),
    },
    settings: {
      get: vi.fn(async () => ok(settings)),
      update: vi.fn(async (request: Partial<Settings>) => {
        settings = { ...settings, ...request };
        return ok(settings);
      }),
    },
    accounts: {
      list: vi.fn(async () => ok(accounts)),
      add: vi.fn(async (request: { profile: { label: string } }) =>
        ok(profile({ id: `new-${accounts.profiles.length + 1}`, label: request.profile.label })),
      ),
      update: vi.fn(async (request: { id: string; profile: { label: string } }) =>
        ok(profile({ id: request.id, label: request.profile.label })),
      ),
      remove: vi.fn(async () => ok(null)),
      use: vi.fn(async (request: { id: string }) => {
        accounts = { ...accounts, activeId: request.id };
        return ok(accounts);
      }),
      test: vi.fn(async (): Promise<Result<ConnectionTestResult>> =>
        ok({ status: 'ok', message: 'Connected to Flex Insights.', ms: 120 }),
      ),
      testDraft: vi.fn(async (): Promise<Result<ConnectionTestResult>> =>
        ok({ status: 'ok', message: 'Connected to Flex Insights.', ms: 95 }),
      ),
    },
    jobs: {
      list: vi.fn(async (): Promise<Result<JobSnapshot[]>> => ok(jobs)),
      cancel: vi.fn(async (request: { jobId: string }): Promise<Result<JobSnapshot>> => {
        const job = jobs.find((j) => j.jobId === request.jobId);
        return job ? ok({ ...job, phase: 'Cancelling' }) : fail('job_not_found', 'That job is not running.');
      }),
    },
    sync: {
      start: vi.fn(
        async (request: { profileId: string; target: SyncTargetInput }): Promise<Result<JobSnapshot>> => {
          const job = snapshot({
            profileId: request.profileId,
            label: 'Sync',
            phase: 'Starting',
            startedAt: Date.now(),
          });
          jobs = [...jobs, job];
          return ok(job);
        },
      ),
    },
    store: {
      overview: vi.fn(async (request: { profileId: string }): Promise<Result<StoreOverview>> =>
        ok({ ...storeOf(request.profileId).overview, profileId: request.profileId }),
      ),
      segments: vi.fn(
        async (
          request: Partial<SegmentListQuery> & { profileId: string },
        ): Promise<Result<RowWindow<StoredSegment>>> =>
          ok(segmentWindow(storeOf(request.profileId).segments, request)),
      ),
      agents: vi.fn(
        async (request: {
          profileId: string;
          search?: string;
          limit?: number;
        }): Promise<Result<{ profileId: string; agents: KnownAgent[] }>> => {
          const term = (request.search ?? '').toLowerCase();
          const agents = storeOf(request.profileId)
            .agents.filter(
              (a) => a.name?.toLowerCase().startsWith(term) || a.agentId.toLowerCase().startsWith(term),
            )
            .slice(0, request.limit ?? 20);
          return ok({ profileId: request.profileId, agents });
        },
      ),
      assessments: vi.fn(async (request: { profileId: string }) =>
        ok({ profileId: request.profileId, total: 0, offset: 0, rows: [] }),
      ),
      comments: vi.fn(async (request: { profileId: string }) =>
        ok({ profileId: request.profileId, total: 0, offset: 0, rows: [] }),
      ),
      distinct: vi.fn(async (request: { profileId: string; column: string }) =>
        ok({ profileId: request.profileId, column: request.column, values: [] }),
      ),
    },
    on: vi.fn((name: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => void set.delete(listener);
    }),
  };

  return {
    api,
    /** Installs the fake as window.qm and returns it. */
    install() {
      window.qm = api as unknown as QmApi;
      return this;
    },
    emit<E extends EventName>(name: E, payload: Events[E]): void {
      listeners.get(name)?.forEach((listener) => listener(payload));
    },
    listenerCount(name: EventName): number {
      return listeners.get(name)?.size ?? 0;
    },
    setAccounts(next: AccountsState): void {
      accounts = next;
    },
    setStore(profileId: string, store: FakeStore): void {
      stores.set(profileId, store);
    },
    setJobs(next: JobSnapshot[]): void {
      jobs = next;
    },
  };
}

export type FakeQm = ReturnType<typeof createFakeQm>;

/** Dispatches a keydown on window (where the app listens for shortcuts). */
export function pressKey(init: KeyboardEventInit, target: EventTarget = window): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return event;
}
