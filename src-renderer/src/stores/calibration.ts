import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { CalibrationReport, ErrorBody } from '../../../src-preload/contract.ts';
import { qm } from '../api.ts';
import { useAccountsStore } from './accounts.ts';
import { useDataStore } from './data.ts';
import { useJobsStore } from './jobs.ts';

/**
 * The Calibration view's report: segments scored by several assessors with one questionnaire,
 * agreement per question and leniency per assessor. Read once per account, again when a sync
 * of the account ends or its cache was cleared; an answer for another account is dropped.
 */
export const useCalibrationStore = defineStore('calibration', () => {
  const accounts = useAccountsStore();
  const jobs = useJobsStore();
  const data = useDataStore();

  const report = shallowRef<CalibrationReport | null>(null);
  const loading = ref(false);
  const error = ref<ErrorBody | null>(null);
  let ticket = 0;

  async function load(): Promise<void> {
    const profileId = accounts.activeId;
    const mine = ++ticket;
    if (!profileId) {
      report.value = null;
      loading.value = false;
      error.value = null;
      return;
    }
    loading.value = true;
    const result = await qm.calibration.report({ profileId });
    if (mine !== ticket || accounts.activeId !== profileId) return;
    loading.value = false;
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    if (result.data.profileId !== profileId) return;
    error.value = null;
    report.value = result.data;
  }

  let stop: (() => void) | null = null;

  /** Loads and follows the active account. Safe to call twice. */
  function start(): void {
    if (stop) return;
    const stopAccount = watch(
      () => accounts.activeId,
      () => {
        report.value = null;
        error.value = null;
        void load();
      },
      { immediate: true },
    );
    const stopJobs = watch(
      () => [jobs.endedCount, data.clearedCount],
      () => void load(),
    );
    stop = () => {
      stopAccount();
      stopJobs();
    };
  }

  function dispose(): void {
    stop?.();
    stop = null;
  }

  return { report, loading, error, load, start, dispose };
});
