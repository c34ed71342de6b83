import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type {
  AGENT_COLUMNS,
  AgentDetail,
  AgentScorecard,
  AnswerDistribution,
  ErrorBody,
} from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { createRowSource } from '../data/row-window.ts';
import { useAccountsStore } from './accounts.ts';
import { useDataStore } from './data.ts';
import { useJobsStore } from './jobs.ts';
import { useStoreOverview } from './store-overview.ts';

export type AgentSortColumn = (typeof AGENT_COLUMNS)[number];
export interface AgentSort {
  column: AgentSortColumn;
  dir: 'asc' | 'desc';
}

/** Bars in the score-per-agent chart: the first agents in the table's order. */
export const CHART_AGENTS = 20;

/**
 * The Agents view's data: scorecards a window at a time (search and sort run in the store), and
 * the open agent's page (score over time, weakest questions and categories, comments by tag,
 * segments, answers). Reloaded on an account switch and when a sync of the account ends; an
 * answer for another account or an agent no longer open is dropped.
 */
export const useAgentsStore = defineStore('agents', () => {
  const accounts = useAccountsStore();
  const jobs = useJobsStore();
  const data = useDataStore();
  const overview = useStoreOverview();

  const search = ref('');
  const sort = ref<AgentSort>({ column: 'assessments', dir: 'desc' });

  const cards = createRowSource<AgentScorecard>({
    pageSize: 200,
    profileId: () => accounts.activeId,
    fetch: (profileId, offset, limit) =>
      qm.agents.scorecards({
        profileId,
        offset,
        limit,
        sort: { ...sort.value },
        search: search.value.trim(),
      }),
  });

  /** The agents the chart draws: the loaded run at the top of the table, in its order. */
  const chartCards = computed<AgentScorecard[]>(() => {
    const out: AgentScorecard[] = [];
    for (const card of cards.rows.value.slice(0, CHART_AGENTS)) {
      if (card === undefined) break;
      out.push(card);
    }
    return out;
  });

  const selectedId = ref<string | null>(null);
  const detail = shallowRef<AgentDetail | null>(null);
  const answers = shallowRef<AnswerDistribution | null>(null);
  const detailLoading = ref(false);
  const detailError = ref<ErrorBody | null>(null);
  let detailTicket = 0;

  async function loadDetail(): Promise<void> {
    const profileId = accounts.activeId;
    const agentId = selectedId.value;
    const mine = ++detailTicket;
    if (!profileId || !agentId) return;
    detailLoading.value = true;
    const filters = { agentIds: [agentId] };
    const [page, dist] = await Promise.all([
      qm.agents.detail({ profileId, agentId }),
      qm.scores.answers({ profileId, filters }),
    ]);
    if (mine !== detailTicket || accounts.activeId !== profileId || selectedId.value !== agentId) return;
    detailLoading.value = false;
    if (!page.ok) {
      detailError.value = page.error;
      return;
    }
    if (page.data.profileId !== profileId) return;
    detailError.value = dist.ok ? null : dist.error;
    detail.value = page.data;
    answers.value = dist.ok && dist.data.profileId === profileId ? dist.data : null;
  }

  /** Opens an agent's page. */
  async function open(agentId: string): Promise<void> {
    if (selectedId.value !== agentId) {
      detail.value = null;
      answers.value = null;
    }
    selectedId.value = agentId;
    detailError.value = null;
    await loadDetail();
  }

  /** Back to the scorecards. */
  function close(): void {
    detailTicket++;
    selectedId.value = null;
    detail.value = null;
    answers.value = null;
    detailError.value = null;
    detailLoading.value = false;
  }

  async function reload(): Promise<void> {
    await Promise.all([cards.reload(), selectedId.value ? loadDetail() : null]);
  }

  let stop: (() => void) | null = null;

  /** Loads and follows the active account. Safe to call twice. */
  function start(): void {
    if (stop) return;
    const stopAccount = watch(
      () => accounts.activeId,
      () => {
        close();
        search.value = '';
        void cards.reload();
      },
      { immediate: true },
    );
    const stopJobs = watch(
      () => jobs.endedCount,
      () => void reload(),
    );
    // Its cache is gone: the agent page has nothing left to show, the scorecards show the empty state.
    const stopCleared = watch(
      () => data.clearedCount,
      () => {
        close();
        void cards.reload();
      },
    );
    // While a first sync fills an empty store, show the first agents as soon as they arrive.
    const stopLive = watch(
      () => overview.overview?.assessments,
      (count) => {
        if (jobs.syncRunning && count && cards.total.value === 0) void cards.reload();
      },
    );
    const stopQuery = watch([search, sort], () => void cards.reload(), { deep: true });
    stop = () => {
      stopAccount();
      stopJobs();
      stopCleared();
      stopLive();
      stopQuery();
    };
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  return {
    search,
    sort,
    /** A slot per scorecard matching `search`, in `sort` order, filled as pages arrive. */
    rows: cards.rows,
    total: cards.total,
    loading: cards.loading,
    error: cards.error,
    ensure: cards.ensure,
    chartCards,
    selectedId,
    detail,
    answers,
    detailLoading,
    detailError,
    open,
    close,
    reload,
    start,
    dispose,
  };
});
