import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../src-main/errors.ts';
import { createJobRunner, PROGRESS_INTERVAL_MS, type JobRunnerDeps } from '../../../src-main/jobs/runner.ts';
import type { JobContext } from '../../../src-main/jobs/types.ts';
import type { EventName, JobSnapshot, SyncResult } from '../../../src-preload/contract.ts';

// Fake timers drive both setTimeout and Date.now, so the clock below is the fake one.
beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2025, 0, 1) });
});
afterEach(() => {
  vi.useRealTimers();
});

interface Sent {
  name: EventName;
  at: number;
  snapshot: JobSnapshot;
}

function setup(overrides: Partial<JobRunnerDeps> = {}) {
  const sent: Sent[] = [];
  const logged: Array<{ level: string; message: string; detail?: Record<string, unknown> }> = [];
  const log =
    (level: string) =>
    (message: string, detail?: Record<string, unknown>): void => {
      logged.push({ level, message, ...(detail ? { detail } : {}) });
    };
  const runner = createJobRunner({
    events: {
      emit: (name, payload) =>
        sent.push({ name, at: Date.now(), snapshot: structuredClone(payload as JobSnapshot) }),
    },
    clock: { now: () => Date.now() },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...overrides,
  });
  const of = (jobId: string) => sent.filter((e) => e.snapshot.jobId === jobId);
  return { runner, sent, logged, of };
}

const result = (overrides: Partial<SyncResult> = {}): SyncResult => ({
  kind: 'sync',
  segments: 1,
  segmentsSynced: 1,
  assessments: 3,
  comments: 2,
  removed: 0,
  skippedNoSid: 0,
  failures: [],
  rateLimited: 0,
  ...overrides,
});

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done, fail) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      fail(signal.reason);
    });
  });

/** A body that ends only when told to (or cancelled). */
function controllable() {
  let ctx!: JobContext;
  const finish = Promise.withResolvers<SyncResult>();
  const started = Promise.withResolvers<void>();
  const run = (c: JobContext) => {
    ctx = c;
    started.resolve();
    if (c.signal.aborted) finish.reject(c.signal.reason);
    else c.signal.addEventListener('abort', () => finish.reject(c.signal.reason), { once: true });
    return finish.promise;
  };
  return {
    run,
    finish,
    started,
    get ctx() {
      return ctx;
    },
  };
}

describe('job runner', () => {
  it('answers a running snapshot at once, the body running until its first await', async () => {
    const { runner, sent } = setup();
    const body = vi.fn(async () => result());
    const snapshot = runner.start({ kind: 'sync', profileId: 'p1', label: 'Sync 1 segment', run: body });
    expect(snapshot).toMatchObject({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync 1 segment',
      state: 'running',
      done: 0,
      startedAt: Date.now(),
    });
    expect(snapshot.jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body).toHaveBeenCalledTimes(1);
    expect(sent.map((e) => e.name)).toEqual(['jobs.progress']);
    const final = await runner.wait(snapshot.jobId);
    expect(final).toMatchObject({ jobId: snapshot.jobId, state: 'done', result: result() });
    expect(final.endedAt).toBeGreaterThanOrEqual(final.startedAt);
  });

  it('sends at most 10 progress events per second, each with the whole snapshot, and the latest one last', async () => {
    const { runner, of } = setup();
    const body = controllable();
    const { jobId } = runner.start({ kind: 'sync', profileId: 'p1', label: 'Sync', run: body.run });
    await body.started.promise;
    // 3 seconds of a progress call every millisecond.
    for (let i = 1; i <= 3000; i++) {
      body.ctx.progress({ done: i, total: 6000, phase: 'Fetching assessments' });
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.advanceTimersByTimeAsync(PROGRESS_INTERVAL_MS);
    const progress = of(jobId).filter((e) => e.name === 'jobs.progress');
    for (let i = 0; i + 10 < progress.length; i++) {
      expect(progress[i + 10]!.at - progress[i]!.at).toBeGreaterThanOrEqual(1000);
    }
    expect(progress.length).toBeGreaterThanOrEqual(25); // throttled, not starved
    // The trailing update carries the last reported state.
    expect(progress.at(-1)!.snapshot).toMatchObject({
      jobId,
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      state: 'running',
      phase: 'Fetching assessments',
      done: 3000,
      total: 6000,
    });
    body.finish.resolve(result());
    await runner.wait(jobId);
  });

  it('always delivers the final state, and no progress after it', async () => {
    const { runner, of } = setup();
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async (ctx) => {
        await Promise.resolve();
        ctx.progress({ done: 1, total: 2 });
        ctx.progress({ done: 2 }); // inside the throttle interval: only the trailing timer would send it
        return result();
      },
    });
    const final = await runner.wait(jobId);
    await vi.advanceTimersByTimeAsync(10 * PROGRESS_INTERVAL_MS);
    const events = of(jobId);
    expect(events.at(-1)).toMatchObject({
      name: 'jobs.done',
      snapshot: { state: 'done', done: 2, total: 2 },
    });
    expect(events.filter((e) => e.name === 'jobs.done')).toHaveLength(1);
    expect(events.at(-1)!.snapshot).toEqual(final);
  });

  it('ignores progress from a body that keeps reporting after it ended', async () => {
    const { runner, of } = setup();
    let late: JobContext | undefined;
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async (ctx) => {
        late = ctx;
        return result();
      },
    });
    await runner.wait(jobId);
    late!.progress({ done: 99 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(of(jobId).at(-1)!.name).toBe('jobs.done');
    expect(runner.list()[0]!.done).toBe(0);
  });

  it('measures the rate over recent time and estimates the time left when the total is known', async () => {
    const { runner } = setup();
    const body = controllable();
    const { jobId } = runner.start({ kind: 'sync', profileId: 'p1', label: 'Sync', run: body.run });
    await body.started.promise;
    let done = 0;
    // 2 s at 100 items/s, then 10 s at 500 items/s: the window forgets the slow start.
    for (let t = 0; t < 12_000; t += 100) {
      done += t < 2000 ? 10 : 50;
      body.ctx.progress({ done, total: 20_000 });
      await vi.advanceTimersByTimeAsync(100);
    }
    const [snapshot] = runner.list();
    expect(snapshot!.rate).toBeCloseTo(500, -1);
    expect(snapshot!.etaSeconds).toBe(Math.ceil((20_000 - done) / snapshot!.rate!));
    body.ctx.progress({ total: null });
    expect(runner.list()[0]!.total).toBeUndefined();
    expect(runner.list()[0]!.etaSeconds).toBeUndefined();
    body.finish.resolve(result());
    const final = await runner.wait(jobId);
    expect(final.rate).toBeUndefined();
  });

  it('gives no rate before a second of progress has been measured', async () => {
    const { runner } = setup();
    const body = controllable();
    runner.start({ kind: 'sync', profileId: 'p1', label: 'Sync', run: body.run });
    await body.started.promise;
    await vi.advanceTimersByTimeAsync(500);
    body.ctx.progress({ done: 500, total: 1000 });
    expect(runner.list()[0]).not.toHaveProperty('rate');
    body.finish.resolve(result());
  });

  it('cancels through the job signal and ends the job as cancelled', async () => {
    const { runner, of } = setup();
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async (ctx) => {
        await sleep(60_000, ctx.signal);
        return result();
      },
    });
    await vi.advanceTimersByTimeAsync(10);
    const answer = runner.cancel(jobId);
    expect(answer).toMatchObject({ jobId, state: 'running', phase: 'Cancelling' });
    const final = await runner.wait(jobId);
    expect(final).toMatchObject({ state: 'cancelled' });
    expect(final).not.toHaveProperty('error');
    expect(of(jobId).at(-1)).toMatchObject({ name: 'jobs.done', snapshot: { state: 'cancelled' } });
    // Cancelling an ended job changes nothing.
    expect(runner.cancel(jobId)).toEqual(final);
  });

  it('answers job_not_found for an unknown job', async () => {
    const { runner } = setup();
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(() => runner.cancel(unknown)).toThrow(expect.objectContaining({ code: 'job_not_found' }));
    await expect(runner.wait(unknown)).rejects.toMatchObject({ code: 'job_not_found' });
  });

  it('maps errors: AppError keeps its body, others become internal, cancelled ones end as cancelled', async () => {
    const { runner, logged } = setup();
    const fail = (error: unknown) =>
      runner.wait(
        runner.start({
          kind: 'sync',
          profileId: 'p1',
          label: 'Sync',
          run: async () => {
            throw error;
          },
        }).jobId,
      );
    expect(await fail(new AppError('auth', 'The account refused the credentials.'))).toMatchObject({
      state: 'failed',
      error: { code: 'auth', message: 'The account refused the credentials.' },
    });
    const internal = await fail(new Error('ECONNRESET in /home/me/private'));
    expect(internal).toMatchObject({ state: 'failed', error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('/home/me');
    expect(await fail(new AppError('cancelled', 'Stopped.'))).toMatchObject({ state: 'cancelled' });
    // A body that throws synchronously is caught too.
    const sync = runner.start({
      kind: 'export',
      profileId: 'p1',
      label: 'Export',
      run: () => {
        throw new AppError('store_closed', 'The store is closed.');
      },
    });
    expect(await runner.wait(sync.jobId)).toMatchObject({ state: 'failed', error: { code: 'store_closed' } });
    // The log keeps the stack of the unknown error under the ref the snapshot shows; the snapshot
    // keeps no internals.
    const errors = logged.filter((l) => l.level === 'error');
    expect(errors.map((l) => l.detail?.['code'] ?? l.detail?.['ref'])).toEqual([
      'auth',
      (internal.error?.detail as { ref: string }).ref,
      'store_closed',
    ]);
    expect(String(errors[1]!.detail?.['error'])).toContain('ECONNRESET in /home/me/private');
    expect(internal.error?.message).toMatch(
      /^Something went wrong \(ref [0-9a-f]{4}\)\. Details are in the log\.$/,
    );
  });

  it('has the body listening before a cancel can come', async () => {
    const { runner } = setup();
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: (ctx) =>
        new Promise<never>((_done, fail) =>
          ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)),
        ),
    });
    runner.cancel(jobId);
    expect(await runner.wait(jobId)).toMatchObject({ state: 'cancelled' });
  });

  it('ends a body that completes despite a late cancel as done, with its result', async () => {
    const { runner } = setup();
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async () => result(),
    });
    runner.cancel(jobId);
    expect(await runner.wait(jobId)).toMatchObject({ state: 'done', result: result() });
  });

  it('ends a job as cancelled when it throws anything after its signal aborted', async () => {
    const { runner } = setup();
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async (ctx) => {
        await new Promise((done) => ctx.signal.addEventListener('abort', done));
        throw new Error('socket hang up');
      },
    });
    await vi.advanceTimersByTimeAsync(1);
    runner.cancel(jobId);
    expect(await runner.wait(jobId)).toMatchObject({ state: 'cancelled' });
  });

  it('lists running and ended jobs for a reloaded window, keeping only the latest ended ones', async () => {
    const { runner } = setup({ keepEnded: 3 });
    const running = controllable();
    const live = runner.start({ kind: 'sync', profileId: 'p1', label: 'Long sync', run: running.run });
    const ended: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { jobId } = runner.start({
        kind: 'export',
        profileId: 'p2',
        label: `Export ${i}`,
        run: async () => result(),
      });
      await runner.wait(jobId);
      ended.push(jobId);
    }
    const list = runner.list();
    expect(list.map((j) => j.jobId)).toEqual([live.jobId, ...ended.slice(2)]);
    expect(list[0]).toMatchObject({ state: 'running', label: 'Long sync' });
    expect(list.slice(1).every((j) => j.state === 'done')).toBe(true);
    // Snapshots are copies: changing one changes nothing inside the runner.
    list[0]!.state = 'done';
    expect(runner.list()[0]!.state).toBe('running');
    running.finish.resolve(result());
    await runner.wait(live.jobId);
  });

  it('cancels the jobs of one profile and waits for them', async () => {
    const { runner } = setup();
    const start = (profileId: string) => {
      const body = controllable();
      return { body, snapshot: runner.start({ kind: 'sync', profileId, label: 'Sync', run: body.run }) };
    };
    const a = start('p1');
    const b = start('p1');
    const other = start('p2');
    await runner.cancelProfile('p1');
    expect(runner.list().map((j) => [j.jobId, j.state])).toEqual([
      [a.snapshot.jobId, 'cancelled'],
      [b.snapshot.jobId, 'cancelled'],
      [other.snapshot.jobId, 'running'],
    ]);
    other.body.finish.resolve(result());
    await runner.wait(other.snapshot.jobId);
  });

  it('drains on quit: cancels running jobs, waits a bounded time, then refuses new ones', async () => {
    const { runner, logged } = setup();
    const polite = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async (ctx) => {
        await sleep(60_000, ctx.signal);
        return result();
      },
    });
    // A body that ignores its signal must not hold the quit forever.
    const stubborn = runner.start({
      kind: 'sync',
      profileId: 'p2',
      label: 'Sync',
      run: () => new Promise<SyncResult>(() => {}),
    });
    await vi.advanceTimersByTimeAsync(1);
    let drained = false;
    const draining = runner.drain(2000).then(() => (drained = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(drained).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await draining;
    expect(drained).toBe(true);
    const states = Object.fromEntries(runner.list().map((j) => [j.jobId, j.state]));
    expect(states).toEqual({ [polite.jobId]: 'cancelled', [stubborn.jobId]: 'running' });
    expect(logged.some((l) => l.level === 'warn' && /did not stop/.test(l.message))).toBe(true);
    expect(() =>
      runner.start({ kind: 'sync', profileId: 'p1', label: 'Sync', run: async () => result() }),
    ).toThrow(expect.objectContaining({ code: 'cancelled' }));
  });

  it('keeps running when the events port throws (a window that went away)', async () => {
    const { runner, logged } = setup({
      events: {
        emit: () => {
          throw new Error('Object has been destroyed');
        },
      },
    });
    const { jobId } = runner.start({
      kind: 'sync',
      profileId: 'p1',
      label: 'Sync',
      run: async () => result(),
    });
    expect(await runner.wait(jobId)).toMatchObject({ state: 'done' });
    expect(logged.filter((l) => l.level === 'warn')).toHaveLength(2);
  });
});
