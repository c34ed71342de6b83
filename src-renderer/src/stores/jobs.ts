import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { JobSnapshot, SyncFailure, SyncTargetInput } from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { endText, failureKey, isFinal, syncResultOf } from '../sync/job-text.ts';
import { retryTargetOf } from '../sync/retry.ts';
import { useAccountsStore } from './accounts.ts';
import { useSettingsStore } from './settings.ts';
import { useToasts } from './toasts.ts';

type Source = 'event' | 'list' | 'answer';

/**
 * The active account's jobs, as main reports them. Every event carries a whole snapshot, which
 * replaces the one held for its jobId; `jobs.list` heals a reloaded window. Snapshots and answers
 * for any other account are dropped (an answer can arrive after an account switch), and a switch
 * starts over from `jobs.list`.
 */
export const useJobsStore = defineStore('jobs', () => {
  const accounts = useAccountsStore();
  const toasts = useToasts();
  const settings = useSettingsStore();

  const snapshots = ref<Record<string, JobSnapshot>>({});
  /** The last sync of the active account that ended (announced live, or found by jobs.list). */
  const lastEnded = ref<JobSnapshot | null>(null);
  /** Goes up by one each time a job of the active account ends while this window watches. */
  const endedCount = ref(0);
  /** Failed parts still to retry: a retry replaces the parts it covered with its own failures. */
  const failures = ref<SyncFailure[]>([]);

  /** Jobs this window saw running: only their end is announced, so a reload replays no old toast. */
  let seenRunning = new Set<string>();
  let announced = new Set<string>();
  /** Retry jobs and the failures they retried. */
  let retried = new Map<string, SyncFailure[]>();
  let healTicket = 0;

  const list = computed(() =>
    Object.values(snapshots.value)
      .filter((s) => s.profileId === accounts.activeId)
      .sort((a, b) => a.startedAt - b.startedAt),
  );
  const running = computed(() => list.value.filter((s) => s.state === 'running'));
  /** The job the status bar shows: the latest one started. */
  const current = computed(() => running.value.at(-1) ?? null);
  const syncRunning = computed(() => running.value.some((s) => s.kind === 'sync'));

  const isActive = (profileId: string, asked: string | null = accounts.activeId): boolean =>
    profileId === accounts.activeId && profileId === asked;

  function apply(snapshot: JobSnapshot, source: Source): void {
    if (snapshot.profileId !== accounts.activeId) return;
    const previous = snapshots.value[snapshot.jobId];
    // An ended job stays ended: a progress event or list entry that was overtaken cannot reopen it.
    if (previous && isFinal(previous) && !isFinal(snapshot)) return;
    if (source === 'list' && previous && !isFinal(snapshot) && previous.done > snapshot.done) return;
    snapshots.value[snapshot.jobId] = snapshot;
    if (!isFinal(snapshot)) {
      seenRunning.add(snapshot.jobId);
      return;
    }
    if (announced.has(snapshot.jobId)) return;
    announced.add(snapshot.jobId);
    const live = source !== 'list' || seenRunning.has(snapshot.jobId);
    if (snapshot.kind === 'sync') ended(snapshot, live);
  }

  function ended(snapshot: JobSnapshot, live: boolean): void {
    const latest = !lastEnded.value || snapshot.startedAt >= lastEnded.value.startedAt;
    if (latest) lastEnded.value = snapshot;
    const result = syncResultOf(snapshot);
    const retriedParts = retried.get(snapshot.jobId);
    if (snapshot.state === 'done' && result) {
      if (retriedParts) {
        const covered = new Set(retriedParts.map(failureKey));
        failures.value = [...failures.value.filter((f) => !covered.has(failureKey(f))), ...result.failures];
      } else if (latest) {
        failures.value = result.failures;
      }
    }
    if (!live) return;
    endedCount.value++;
    const { text, tone } = endText(snapshot);
    if (tone === 'error' && snapshot.error) toasts.error(snapshot.error, snapshot.label);
    else if (tone === 'warning') toasts.push({ kind: 'error', message: text });
    else if (tone === 'success') toasts.success(text);
    else toasts.info(text);
  }

  function reset(): void {
    snapshots.value = {};
    lastEnded.value = null;
    failures.value = [];
    seenRunning = new Set();
    announced = new Set();
    retried = new Map();
  }

  /** Starts over from jobs.list (a reloaded window, an account switch). */
  async function heal(): Promise<void> {
    const ticket = ++healTicket;
    const asked = accounts.activeId;
    if (!asked) return;
    const result = await qm.jobs.list();
    if (ticket !== healTicket || accounts.activeId !== asked) return;
    if (!result.ok) {
      toasts.error(result.error, 'Reading running jobs');
      return;
    }
    for (const snapshot of [...result.data].sort((a, b) => a.startedAt - b.startedAt))
      apply(snapshot, 'list');
  }

  let stop: (() => void) | null = null;

  /** Follows main's job events and the active account. Safe to call twice: it subscribes once. */
  function start(): void {
    if (stop) return;
    const offProgress = qm.on('jobs.progress', (s) => apply(s, 'event'));
    const offDone = qm.on('jobs.done', (s) => apply(s, 'event'));
    const stopWatch = watch(
      () => accounts.activeId,
      () => {
        reset();
        void heal();
      },
      { immediate: true },
    );
    stop = () => {
      offProgress();
      offDone();
      stopWatch();
    };
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  /**
   * Starts a sync of the active account with the page size and concurrency cap of the settings;
   * an error becomes a toast. Answers the first snapshot.
   */
  async function startSync(target: SyncTargetInput): Promise<JobSnapshot | null> {
    const profileId = accounts.activeId;
    if (!profileId) return null;
    const { pageSize, concurrency } = settings.settings.sync;
    const result = await qm.sync.start({ profileId, target, options: { pageSize, concurrency } });
    if (!result.ok) {
      toasts.error(result.error, 'Starting the sync');
      return null;
    }
    if (!isActive(result.data.profileId, profileId)) return null;
    apply(result.data, 'answer');
    return result.data;
  }

  /** A new sync of just these failed parts; the rest of the list stays until retried. */
  async function retry(parts: readonly SyncFailure[]): Promise<JobSnapshot | null> {
    if (parts.length === 0) return null;
    const snapshot = await startSync(retryTargetOf(parts));
    if (snapshot) retried.set(snapshot.jobId, [...parts]);
    return snapshot;
  }

  async function cancel(jobId: string): Promise<void> {
    const asked = accounts.activeId;
    const result = await qm.jobs.cancel({ jobId });
    if (!result.ok) {
      // The job ended before the cancel reached it: the done event tells how.
      if (result.error.code !== 'job_not_found') toasts.error(result.error, 'Cancelling');
      return;
    }
    if (isActive(result.data.profileId, asked)) apply(result.data, 'answer');
  }

  function dismissFailures(): void {
    failures.value = [];
  }

  return {
    snapshots,
    list,
    running,
    current,
    syncRunning,
    lastEnded,
    endedCount,
    failures,
    start,
    dispose,
    heal,
    startSync,
    retry,
    cancel,
    dismissFailures,
  };
});
