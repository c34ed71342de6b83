import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type {
  ErrorBody,
  KnownAgent,
  SegmentListQuery,
  StoreOverview,
  StoredSegment,
} from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { createRowSource } from '../data/row-window.ts';
import { useAccountsStore } from './accounts.ts';
import { useDataStore } from './data.ts';
import { useJobsStore } from './jobs.ts';

export type SegmentSort = SegmentListQuery['sort'];

/** While a sync runs, the counts refresh at most this often (the table only when it was empty). */
export const LIVE_REFRESH_MS = 2000;

/**
 * What the active account's local store holds: counts, the last sync, the stored segments (a
 * window at a time) and the agents it knows (for the search bar's typeahead). Reloaded on an
 * account switch, whenever a sync of the account ends and when its cached data was cleared. Every answer names its profile; one
 * for an account that is no longer active is dropped.
 */
export const useStoreOverview = defineStore('storeOverview', () => {
  const accounts = useAccountsStore();
  const jobs = useJobsStore();
  const data = useDataStore();

  const overview = ref<StoreOverview | null>(null);
  const loaded = ref(false);
  const error = ref<ErrorBody | null>(null);
  const search = ref('');
  const sort = ref<SegmentSort>({ column: 'lastSyncedAt', dir: 'desc' });
  let ticket = 0;

  const segments = createRowSource<StoredSegment>({
    pageSize: 200,
    profileId: () => accounts.activeId,
    fetch: (profileId, offset, limit) =>
      qm.store.segments({
        profileId,
        offset,
        limit,
        sort: { ...sort.value },
        ...(search.value.trim() ? { search: search.value.trim() } : {}),
      }),
  });

  /** Reloads the counts and, unless `countsOnly`, the stored segments from the top. */
  async function refresh(countsOnly = false): Promise<void> {
    const asked = accounts.activeId;
    const mine = ++ticket;
    if (!asked) {
      overview.value = null;
      loaded.value = false;
      error.value = null;
      await segments.reload();
      return;
    }
    const [result] = await Promise.all([
      qm.store.overview({ profileId: asked }),
      countsOnly ? null : segments.reload(),
    ]);
    if (mine !== ticket || accounts.activeId !== asked) return;
    if (!result.ok) {
      error.value = result.error;
      loaded.value = true;
      return;
    }
    if (result.data.profileId !== asked) return;
    const wasEmpty = (overview.value?.segments ?? 0) === 0;
    overview.value = result.data;
    error.value = null;
    loaded.value = true;
    // The first rows of a sync replace the empty state; later ones wait for the end (rows do not jump).
    if (countsOnly && wasEmpty && result.data.segments > 0) await segments.reload();
  }

  let liveTimer: ReturnType<typeof setTimeout> | null = null;
  function refreshSoon(): void {
    liveTimer ??= setTimeout(() => {
      liveTimer = null;
      if (jobs.syncRunning) void refresh(true);
    }, LIVE_REFRESH_MS);
  }

  /** Agents known locally whose name or id starts with the term (the profile is checked). */
  async function searchAgents(term: string, limit = 8): Promise<KnownAgent[] | null> {
    const asked = accounts.activeId;
    if (!asked) return null;
    const result = await qm.store.agents({ profileId: asked, search: term, limit });
    if (!result.ok || result.data.profileId !== asked || accounts.activeId !== asked) return null;
    return result.data.agents;
  }

  let stop: (() => void) | null = null;

  function start(): void {
    if (stop) return;
    const stopAccount = watch(
      () => accounts.activeId,
      () => {
        overview.value = null;
        loaded.value = false;
        search.value = '';
        void refresh();
      },
      { immediate: true },
    );
    const stopJobs = watch(
      () => [jobs.endedCount, data.clearedCount],
      () => void refresh(),
    );
    const stopLive = watch(
      () => (jobs.syncRunning ? jobs.current?.done : undefined),
      (done) => {
        if (done !== undefined) refreshSoon();
      },
    );
    const stopQuery = watch([search, sort], () => void segments.reload(), { deep: true });
    stop = () => {
      stopAccount();
      stopJobs();
      stopLive();
      stopQuery();
      if (liveTimer) clearTimeout(liveTimer);
      liveTimer = null;
    };
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  return {
    overview,
    loaded,
    error,
    search,
    sort,
    /** Stored segments matching `search`, in `sort` order: a slot per row, filled as pages arrive. */
    segmentRows: segments.rows,
    segmentTotal: segments.total,
    segmentsLoading: segments.loading,
    segmentsError: segments.error,
    ensureSegments: segments.ensure,
    refresh,
    searchAgents,
    start,
    dispose,
  };
});
