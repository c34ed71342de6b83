import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { JobSnapshot, Result, SyncFailure } from '../../src-preload/contract.ts';
import { useAccountsStore } from '../../src-renderer/src/stores/accounts.ts';
import { useJobsStore } from '../../src-renderer/src/stores/jobs.ts';
import { useToasts } from '../../src-renderer/src/stores/toasts.ts';
import {
  accountsState,
  createFakeQm,
  fail,
  ok,
  profile,
  snapshot,
  syncResult,
  uuidOf,
  type FakeQm,
  SYNC_OPTIONS,
} from './fake-qm.ts';

const EU = profile({ id: 'eu', label: 'Support EU' });
const US = profile({ id: 'us', label: 'Sales US' });
let fake: FakeQm;

async function startStores(jobs: JobSnapshot[] = []) {
  fake = createFakeQm({ accounts: accountsState({ profiles: [EU, US], activeId: 'eu' }), jobs }).install();
  setActivePinia(createPinia());
  const accounts = useAccountsStore();
  await accounts.start();
  const store = useJobsStore();
  store.start();
  await flushPromises();
  return { accounts, store, toasts: useToasts() };
}

/** A promise the test resolves by hand: an answer that arrives late. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const failure = (id: string, message = 'Twilio answered with a server error.'): SyncFailure => ({
  kind: 'segment',
  id,
  error: { code: 'server', message },
});

beforeEach(() => {
  document.body.innerHTML = '';
});

describe('jobs store', () => {
  it('heals from jobs.list: running jobs show, old ends set the last sync without a toast', async () => {
    const old = snapshot({ profileId: 'eu', state: 'done', startedAt: 1, endedAt: 2, result: syncResult() });
    const running = snapshot({ profileId: 'eu', done: 3, total: 40, startedAt: 10 });
    const other = snapshot({ profileId: 'us', startedAt: 11 });
    const { store, toasts } = await startStores([old, running, other]);
    expect(fake.api.jobs.list).toHaveBeenCalledTimes(1);
    expect(store.current?.jobId).toBe(running.jobId);
    expect(store.list.map((j) => j.jobId)).toEqual([old.jobId, running.jobId]);
    expect(store.lastEnded?.jobId).toBe(old.jobId);
    expect(toasts.toasts).toEqual([]);
  });

  it('replaces the snapshot by jobId on every event, and announces the end once', async () => {
    const { store, toasts } = await startStores();
    const job = snapshot({ profileId: 'eu', total: 40 });
    fake.emit('jobs.progress', job);
    expect(store.current).toMatchObject({ jobId: job.jobId, done: 0 });
    fake.emit('jobs.progress', { ...job, done: 12, rate: 4, etaSeconds: 7 });
    expect(store.current).toMatchObject({ done: 12, rate: 4, etaSeconds: 7 });
    expect(Object.keys(store.snapshots)).toEqual([job.jobId]);

    const result = syncResult({ segments: 40, segmentsSynced: 40, assessments: 812, comments: 203 });
    fake.emit('jobs.done', { ...job, state: 'done', done: 40, result });
    // A late progress event cannot reopen it, and a repeated done is not announced twice.
    fake.emit('jobs.progress', { ...job, done: 39 });
    fake.emit('jobs.done', { ...job, state: 'done', done: 40, result });
    expect(store.current).toBeNull();
    expect(store.snapshots[job.jobId]!.state).toBe('done');
    expect(store.endedCount).toBe(1);
    expect(toasts.toasts.map((t) => [t.kind, t.message])).toEqual([
      ['success', 'Synced 40 segments: 812 assessments, 203 comments'],
    ]);
  });

  it('ignores snapshots for an account that is not active', async () => {
    const { store, toasts } = await startStores();
    fake.emit('jobs.progress', snapshot({ profileId: 'us', done: 5 }));
    fake.emit(
      'jobs.done',
      snapshot({ profileId: 'us', state: 'failed', error: { code: 'auth', message: 'No.' } }),
    );
    expect(store.list).toEqual([]);
    expect(store.lastEnded).toBeNull();
    expect(toasts.toasts).toEqual([]);
  });

  it('starts over from jobs.list on an account switch, dropping a list answer that came too late', async () => {
    const { accounts, store } = await startStores();
    const euJob = snapshot({ profileId: 'eu' });
    const usJob = snapshot({ profileId: 'us' });
    fake.emit('jobs.progress', euJob);
    const late = deferred<Result<JobSnapshot[]>>();
    fake.api.jobs.list.mockReturnValueOnce(late.promise);
    await accounts.use('us');
    await flushPromises();
    expect(store.list).toEqual([]);
    // The slow answer was asked for before a second switch: it must not land under 'eu'.
    fake.api.jobs.list.mockResolvedValueOnce(ok([euJob]));
    await accounts.use('eu');
    late.resolve(ok([usJob]));
    await flushPromises();
    expect(store.list.map((j) => j.jobId)).toEqual([euJob.jobId]);
  });

  it('starts a sync with the active profile and drops the answer after a switch', async () => {
    const { accounts, store } = await startStores();
    const target = { segments: [uuidOf(1)] };
    const started = await store.startSync(target);
    expect(fake.api.sync.start).toHaveBeenLastCalledWith({ profileId: 'eu', target, options: SYNC_OPTIONS });
    expect(store.current?.jobId).toBe(started!.jobId);

    const late = deferred<Result<JobSnapshot>>();
    fake.api.sync.start.mockReturnValueOnce(late.promise);
    const pending = store.startSync(target);
    await accounts.use('us');
    late.resolve(ok(snapshot({ profileId: 'eu' })));
    expect(await pending).toBeNull();
    await flushPromises();
    expect(store.list).toEqual([]);
  });

  it('shows a refused start as a toast', async () => {
    const { store, toasts } = await startStores();
    fake.api.sync.start.mockResolvedValueOnce(fail('busy', 'A sync of Support EU is already running.'));
    expect(await store.startSync({ stored: true })).toBeNull();
    expect(toasts.toasts[0]).toMatchObject({ kind: 'error', code: 'busy', context: 'Starting the sync' });
  });

  it('cancels by jobId; a job that already ended is not an error', async () => {
    const { store, toasts } = await startStores();
    const job = (await store.startSync({ segments: [uuidOf(1)] }))!;
    await store.cancel(job.jobId);
    expect(fake.api.jobs.cancel).toHaveBeenCalledWith({ jobId: job.jobId });
    expect(store.current?.phase).toBe('Cancelling');
    fake.emit('jobs.done', { ...job, state: 'cancelled' });
    expect(store.current).toBeNull();
    expect(toasts.toasts.at(-1)?.message).toBe(
      'Cancelled — synced so far is kept; press Sync with the same IDs to resume where it stopped',
    );

    fake.api.jobs.cancel.mockResolvedValueOnce(fail('job_not_found', 'That job is not running.'));
    const count = toasts.toasts.length;
    await store.cancel(job.jobId);
    expect(toasts.toasts).toHaveLength(count);
  });

  it('keeps failed parts; a retry syncs just those and replaces only what it covered', async () => {
    const { store, toasts } = await startStores();
    const [a, b, c] = [uuidOf(1), uuidOf(2), uuidOf(3)];
    const job = snapshot({ profileId: 'eu' });
    fake.emit('jobs.progress', job);
    const result = syncResult({
      segments: 40,
      segmentsSynced: 37,
      failures: [failure(a), failure(b), failure(c)],
    });
    fake.emit('jobs.done', { ...job, state: 'done', result });
    expect(store.failures.map((f) => f.id)).toEqual([a, b, c]);
    expect(toasts.toasts.at(-1)).toMatchObject({ kind: 'error' });
    expect(toasts.toasts.at(-1)!.message).toMatch(/^3 of 40 segments failed/);

    const retry = (await store.retry([store.failures[1]!]))!;
    expect(fake.api.sync.start).toHaveBeenLastCalledWith({
      profileId: 'eu',
      target: { segments: [b], agents: [], reservations: [], conversations: [] },
      options: SYNC_OPTIONS,
    });
    fake.emit('jobs.done', {
      ...retry,
      state: 'done',
      result: syncResult({ segments: 1, segmentsSynced: 1 }),
    });
    expect(store.failures.map((f) => f.id)).toEqual([a, c]);

    const all = (await store.retry(store.failures))!;
    expect(fake.api.sync.start).toHaveBeenLastCalledWith({
      profileId: 'eu',
      target: { segments: [a, c], agents: [], reservations: [], conversations: [] },
      options: SYNC_OPTIONS,
    });
    const still = failure(c, 'Twilio could not be reached.');
    fake.emit('jobs.done', {
      ...all,
      state: 'done',
      result: syncResult({ segments: 2, segmentsSynced: 1, failures: [still] }),
    });
    expect(store.failures).toEqual([still]);
  });

  it('unsubscribes from both events on dispose', async () => {
    const { store } = await startStores();
    expect(fake.listenerCount('jobs.progress')).toBe(1);
    expect(fake.listenerCount('jobs.done')).toBe(1);
    store.dispose();
    expect(fake.listenerCount('jobs.progress')).toBe(0);
    expect(fake.listenerCount('jobs.done')).toBe(0);
  });
});
