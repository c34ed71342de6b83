import { vi } from 'vitest';
import type { QmApi } from '../../src-preload/api.ts';
import type {
  AccountsState,
  AppInfo,
  AssessmentRow,
  AssessmentScoreRow,
  CommentRow,
  DistinctValue,
  QueryFilters,
  RowDetail,
  SavedView,
  ConnectionTestResult,
  DataUsage,
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
  SettingsPatch,
  StoreOverview,
  StoredSegment,
  SyncResult,
  SyncTargetInput,
} from '../../src-preload/contract.ts';
import { SETTINGS_DEFAULTS } from '../../src-preload/contract.ts';

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
  logsDir: '/home/reviewer/.config/QM Desk/logs',
};

/** Settings in a test: any part given, the rest the defaults. */
export function settingsOf(patch: SettingsPatch = {}): Settings {
  return {
    theme: patch.theme ?? SETTINGS_DEFAULTS.theme,
    sync: { ...SETTINGS_DEFAULTS.sync, ...patch.sync },
    export: { ...SETTINGS_DEFAULTS.export, ...patch.export },
  };
}

/** What every sync.start sends with the default settings. */
export const SYNC_OPTIONS = {
  pageSize: SETTINGS_DEFAULTS.sync.pageSize,
  concurrency: SETTINGS_DEFAULTS.sync.concurrency,
};

/** The diagnostics text the fake answers (main builds the real one). */
export const DIAGNOSTICS_TEXT = 'QM Desk 0.1.0 · linux · keychain usable';

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

export interface FakeRows {
  assessments: AssessmentRow[];
  comments: CommentRow[];
  scores: AssessmentScoreRow[];
}

export interface FakeStore {
  overview: Omit<StoreOverview, 'profileId'>;
  segments: StoredSegment[];
  agents: KnownAgent[];
  /** The review tables; none: every table is empty. */
  rows?: FakeRows;
  /** store.row answers by sid; a row without one gets a plain detail built from the row. */
  details?: Record<string, RowDetail>;
}

const AGENTS = ['Ana López', 'Bo Chen', 'Cleo Ward', 'Dev Patel', 'Eli Moreau'];

/** One answered question, the way the store returns it; `i` picks agent, team, answer … in turn. */
export function assessmentRow(i: number, overrides: Partial<AssessmentRow> = {}): AssessmentRow {
  return {
    sid: `FM${String(i).padStart(32, '0')}`,
    segmentId: uuidOf(Math.floor(i / 4)),
    agentId: uuidOf(i % 5, 'a9e7'),
    agentName: AGENTS[i % 5]!,
    team: `Team ${i % 3}`,
    queue: 'Support',
    questionnaireSid: 'GQ0001',
    questionnaire: 'Support QA',
    questionSid: `GE000${i % 4}`,
    question: `Question ${i % 4}`,
    categorySid: `GC000${i % 2}`,
    category: i % 2 ? 'Empathy' : 'Accuracy',
    answerId: `GA${i % 3}`,
    answer: ['Yes', 'Partly', 'No'][i % 3]!,
    answerScore: [10, 5, 0][i % 3]!,
    weight: 1,
    offset: i * 2,
    report: i % 7 === 0,
    assessor: `assessor-${i % 2}`,
    assessorEmail: `assessor-${i % 2}@example.com`,
    timestamp: Date.UTC(2024, 0, 1) + i * 60_000,
    ...overrides,
  };
}

export function commentRow(i: number, overrides: Partial<CommentRow> = {}): CommentRow {
  return {
    sid: `FC${String(i).padStart(32, '0')}`,
    segmentId: uuidOf(Math.floor(i / 2)),
    agentId: uuidOf(i % 5, 'a9e7'),
    agentName: AGENTS[i % 5]!,
    team: `Team ${i % 3}`,
    queue: 'Support',
    text: i % 2 ? `Great greeting, customer thanked agent ${i}` : `Missed the refund policy on call ${i}`,
    tagId: `TG${i % 2}`,
    tag: i % 2 ? 'Praise' : 'Coaching',
    offset: i,
    weight: null,
    report: i % 5 === 0,
    assessor: `assessor-${i % 2}`,
    assessorEmail: null,
    timestamp: Date.UTC(2024, 0, 1) + i * 60_000,
    ...overrides,
  };
}

export function scoreRow(i: number, overrides: Partial<AssessmentScoreRow> = {}): AssessmentScoreRow {
  const score = 40 + ((i * 7) % 60);
  return {
    assessmentKey: `${uuidOf(i)}|GQ0001|assessor-${i % 2}`,
    segmentId: uuidOf(i),
    agentId: uuidOf(i % 5, 'a9e7'),
    agentName: AGENTS[i % 5]!,
    team: `Team ${i % 3}`,
    queue: 'Support',
    questionnaireSid: 'GQ0001',
    questionnaire: 'Support QA',
    assessor: `assessor-${i % 2}`,
    assessorEmail: null,
    timestamp: Date.UTC(2024, 0, 1) + i * 60_000,
    answered: 4,
    notApplicable: i % 3 === 0 ? 1 : 0,
    unscored: 0,
    score,
    twilioPercentage: i % 10 === 0 ? score - 5 : score,
    mismatch: i % 10 === 0,
    ...overrides,
  };
}

/** The field holding a picker value's readable name (as the store labels distinct values). */
const DISTINCT_LABELS: Record<string, string> = {
  agentId: 'agentName',
  questionnaireSid: 'questionnaire',
  questionSid: 'question',
  categorySid: 'category',
  tagId: 'tag',
};

const LIST_FIELDS: Record<string, string> = {
  segmentIds: 'segmentId',
  agentIds: 'agentId',
  teams: 'team',
  queues: 'queue',
  questionnaireSids: 'questionnaireSid',
  questionSids: 'questionSid',
  categorySids: 'categorySid',
  answers: 'answer',
  tagIds: 'tagId',
  assessors: 'assessor',
};

const words = (text: string | undefined): string[] => (text ?? '').toLowerCase().split(/\s+/).filter(Boolean);

/** Rows matching the filters the way the store means them (lists OR within, AND across; text words ANDed). */
function matching<R extends object>(rows: readonly R[], filters: QueryFilters = {}): R[] {
  const wanted = words(filters.text);
  return rows.filter((row) => {
    const r = row as Record<string, unknown>;
    for (const [key, field] of Object.entries(LIST_FIELDS)) {
      const values = filters[key as keyof QueryFilters] as string[] | undefined;
      if (values?.length && field in r && !values.includes(String(r[field]))) return false;
    }
    if (filters.report !== undefined && 'report' in r && r['report'] !== filters.report) return false;
    const score = r['score'] as number | null | undefined;
    if (filters.scoreMin !== undefined && score !== undefined && (score === null || score < filters.scoreMin))
      return false;
    if (filters.scoreMax !== undefined && score !== undefined && (score === null || score > filters.scoreMax))
      return false;
    const ts = r['timestamp'] as number | null;
    if (filters.since !== undefined && (ts === null || ts < filters.since)) return false;
    if (filters.until !== undefined && (ts === null || ts > filters.until)) return false;
    if (wanted.length) {
      const text = String(r['text'] ?? '').toLowerCase();
      if (!('text' in r) || !wanted.every((w) => text.includes(w))) return false;
    }
    return true;
  });
}

/** The comment text with each searched word wrapped in the store's match marks. */
function highlightOf(text: string, wanted: string[]): string {
  if (!wanted.length) return text;
  const escaped = wanted.map((w) => w.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'));
  const pattern = new RegExp(`(${escaped.join('|')})`, 'gi');
  return text.replace(pattern, '\u0002$1\u0003');
}

function sorted<R extends object>(
  rows: R[],
  sort: ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>,
): R[] {
  return [...rows].sort((a, b) => {
    for (const key of sort) {
      const x = (a as Record<string, unknown>)[key.column] as string | number | null;
      const y = (b as Record<string, unknown>)[key.column] as string | number | null;
      if (x === y) continue;
      const order = x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
      return key.dir === 'asc' ? order : -order;
    }
    return 0;
  });
}

interface WindowQuery {
  profileId: string;
  filters?: QueryFilters;
  sort?: ReadonlyArray<{ column: string; dir: 'asc' | 'desc' }>;
  offset?: number;
  limit?: number;
}

function tableWindow<R extends object>(rows: readonly R[], q: WindowQuery): RowWindow<R> {
  const all = sorted(matching(rows, q.filters), q.sort ?? []);
  const offset = q.offset ?? 0;
  const wanted = words(q.filters?.text);
  const page = all.slice(offset, offset + (q.limit ?? 100)).map((row) => {
    const text = (row as { text?: string | null }).text;
    return wanted.length && typeof text === 'string' ? { ...row, highlight: highlightOf(text, wanted) } : row;
  });
  return { profileId: q.profileId, total: all.length, offset, rows: page };
}

/** A detail for a row that has no hand-made one: the row itself, nothing around it. */
function plainDetail(
  profileId: string,
  kind: 'assessments' | 'comments',
  row: AssessmentRow | CommentRow,
): RowDetail {
  return {
    profileId,
    kind,
    row,
    raw: { ...row },
    assessment: null,
    segment: null,
    siblings: { assessments: [], comments: [] },
  };
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
  initial: {
    accounts?: AccountsState;
    settings?: SettingsPatch;
    store?: FakeStore;
    jobs?: JobSnapshot[];
    /** Bytes cached per profile id, as data.usage answers them (absent: nothing cached). */
    usage?: Record<string, number>;
  } = {},
) {
  let accounts = initial.accounts ?? accountsState();
  let settings: Settings = settingsOf(initial.settings);
  let usage: Record<string, number> = { ...initial.usage };
  const usageAnswer = (): DataUsage => ({
    dataDir: APP_INFO.dataDir,
    logsDir: APP_INFO.logsDir,
    accounts: Object.entries(usage).map(([profileId, bytes]) => ({ profileId, bytes })),
  });
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  /** Per-profile store contents; a profile without an entry has an empty store. */
  const stores = new Map<string, FakeStore>();
  const storeOf = (profileId: string): FakeStore => stores.get(profileId) ?? initial.store ?? emptyStore();
  let jobs: JobSnapshot[] = initial.jobs ?? [];
  /** Saved views per profile, as main keeps them. */
  const views = new Map<string, SavedView[]>();
  const viewsOf = (profileId: string): SavedView[] => views.get(profileId) ?? [];

  const api = {
    app: {
      info: vi.fn(async () => ok(APP_INFO)),
      openDataFolder: vi.fn(async () => ok(null)),
      openLogsFolder: vi.fn(async () => ok(null)),
      copyDiagnostics: vi.fn(async (): Promise<Result<{ text: string; copied: boolean }>> =>
        ok({ text: DIAGNOSTICS_TEXT, copied: true }),
      ),
    },
    settings: {
      get: vi.fn(async () => ok(settings)),
      update: vi.fn(async (request: SettingsPatch) => {
        settings = {
          theme: request.theme ?? settings.theme,
          sync: { ...settings.sync, ...request.sync },
          export: { ...settings.export, ...request.export },
        };
        return ok(settings);
      }),
    },
    data: {
      usage: vi.fn(async (): Promise<Result<DataUsage>> => ok(usageAnswer())),
      /** Like main: the account's cache goes (its store and saved views), the account stays, 'data.cleared' is sent. */
      clear: vi.fn(async (request: { profileId: string }): Promise<Result<DataUsage>> => {
        usage = { ...usage, [request.profileId]: 0 };
        stores.set(request.profileId, emptyStore());
        views.delete(request.profileId);
        emit('data.cleared', { profileId: request.profileId });
        return ok(usageAnswer());
      }),
    },
    demo: {
      open: vi.fn(async (): Promise<Result<{ profileId: string; job: JobSnapshot | null }>> => {
        const demo = profile({ id: 'demo', label: 'Demo data', source: 'demo', hasSecret: false });
        accounts = {
          ...accounts,
          profiles: [...accounts.profiles.filter((p) => p.id !== 'demo'), demo],
          activeId: 'demo',
        };
        return ok({ profileId: 'demo', job: null });
      }),
      remove: vi.fn(async (): Promise<Result<null>> => {
        const profiles = accounts.profiles.filter((p) => p.source !== 'demo');
        const activeId = accounts.activeId === 'demo' ? (profiles[0]?.id ?? null) : accounts.activeId;
        accounts = { ...accounts, profiles, activeId };
        return ok(null);
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
      assessments: vi.fn(async (request: WindowQuery) =>
        ok(tableWindow(storeOf(request.profileId).rows?.assessments ?? [], request)),
      ),
      comments: vi.fn(async (request: WindowQuery) =>
        ok(tableWindow(storeOf(request.profileId).rows?.comments ?? [], request)),
      ),
      scores: vi.fn(async (request: WindowQuery) =>
        ok(tableWindow(storeOf(request.profileId).rows?.scores ?? [], request)),
      ),
      distinct: vi.fn(
        async (request: {
          profileId: string;
          kind: 'assessments' | 'comments';
          column: string;
          filters?: QueryFilters;
          prefix?: string;
          limit?: number;
        }) => {
          const rows: readonly object[] = storeOf(request.profileId).rows?.[request.kind] ?? [];
          const counts = new Map<string, DistinctValue>();
          const labelField = DISTINCT_LABELS[request.column];
          for (const row of matching(rows, request.filters) as unknown as Array<Record<string, unknown>>) {
            const value = row[request.column];
            if (value === null || value === undefined) continue;
            const label = String((labelField && row[labelField]) ?? value);
            const entry = counts.get(String(value)) ?? { value: String(value), label, count: 0 };
            entry.count++;
            counts.set(String(value), entry);
          }
          const prefix = (request.prefix ?? '').toLowerCase();
          const values = [...counts.values()]
            .filter(
              (v) => v.value.toLowerCase().startsWith(prefix) || v.label.toLowerCase().startsWith(prefix),
            )
            .sort((a, b) => a.label.localeCompare(b.label))
            .slice(0, request.limit ?? 200);
          return ok({ profileId: request.profileId, column: request.column, values });
        },
      ),
      row: vi.fn(
        async (request: {
          profileId: string;
          kind: 'assessments' | 'comments';
          sid: string;
        }): Promise<Result<RowDetail>> => {
          const store = storeOf(request.profileId);
          const made = store.details?.[request.sid];
          if (made) return ok({ ...made, profileId: request.profileId });
          const row = (store.rows?.[request.kind] as Array<AssessmentRow | CommentRow> | undefined)?.find(
            (r) => r.sid === request.sid,
          );
          return row
            ? ok(plainDetail(request.profileId, request.kind, row))
            : fail('not_found', 'That row is not in the local store.');
        },
      ),
    },
    views: {
      list: vi.fn(async (request: { profileId: string }) =>
        ok({ profileId: request.profileId, views: viewsOf(request.profileId) }),
      ),
      save: vi.fn(async (request: { profileId: string; name: string; filters: QueryFilters }) => {
        const name = request.name.trim();
        const next = [
          ...viewsOf(request.profileId).filter((v) => v.name !== name),
          { name, filters: request.filters, savedAt: Date.now() },
        ].sort((a, b) => a.name.localeCompare(b.name));
        views.set(request.profileId, next);
        return ok({ profileId: request.profileId, views: next });
      }),
      remove: vi.fn(async (request: { profileId: string; name: string }) => {
        const next = viewsOf(request.profileId).filter((v) => v.name !== request.name);
        views.set(request.profileId, next);
        return ok({ profileId: request.profileId, views: next });
      }),
    },
    export: {
      copyRows: vi.fn(async (request: { profileId: string; keys: string[] }) =>
        ok({ profileId: request.profileId, rows: request.keys.length }),
      ),
    },
    on: vi.fn((name: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(name) ?? new Set();
      set.add(listener);
      listeners.set(name, set);
      return () => void set.delete(listener);
    }),
  };

  function emit<E extends EventName>(name: E, payload: Events[E]): void {
    listeners.get(name)?.forEach((listener) => listener(payload));
  }

  return {
    api,
    /** Installs the fake as window.qm and returns it. */
    install() {
      window.qm = api as unknown as QmApi;
      return this;
    },
    emit,
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
    setUsage(next: Record<string, number>): void {
      usage = { ...next };
    },
    /** The settings as main holds them now. */
    settings(): Settings {
      return settings;
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
