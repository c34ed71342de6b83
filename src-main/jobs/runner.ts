/**
 * The one job runner: long work (sync, export) runs here, detached from the request that
 * started it. Every event carries the whole snapshot, so a listener that missed some needs
 * nothing but the latest one; `list()` heals a reloaded window in one call.
 */
import { randomUUID } from 'node:crypto';
import { AppError, toErrorBody } from '../errors.ts';
import type { ClockPort, EventsPort, LoggerPort } from '../ports.ts';
import type { JobContext, JobRunner, ProgressUpdate } from './types.ts';
import type { JobResult, JobSnapshot } from '../../src-preload/contract.ts';

export interface JobRunnerDeps {
  events: EventsPort;
  clock: ClockPort;
  logger: LoggerPort;
  /** Ended jobs kept for `list()` (running ones are always kept). Default 50. */
  keepEnded?: number;
  /** How long `cancelProfile` waits for jobs that ignore their signal. Default 10 s. */
  cancelTimeoutMs?: number;
}

/** ≤ 10 progress events per second per job. */
export const PROGRESS_INTERVAL_MS = 100;
/** The rate is measured over this much recent time, so it follows a sync that speeds up or slows down. */
export const RATE_WINDOW_MS = 5_000;
/** No rate (and no ETA) until this much time has been measured: the first page says little. */
const RATE_MIN_SPAN_MS = 1_000;
const SAMPLE_EVERY_MS = 200;
const DRAIN_DEFAULT_MS = 5_000;

interface Sample {
  at: number;
  done: number;
}

interface Job {
  snapshot: JobSnapshot;
  controller: AbortController;
  /** Resolves the final snapshot; never rejects. */
  ended: Promise<JobSnapshot>;
  samples: Sample[];
  lastEmitAt: number;
  trailing: ReturnType<typeof setTimeout> | null;
}

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { events, clock, logger } = deps;
  const keepEnded = deps.keepEnded ?? 50;
  const cancelTimeoutMs = deps.cancelTimeoutMs ?? 10_000;
  // Insertion order is start order: list() answers oldest first.
  const jobs = new Map<string, Job>();
  let closing = false;

  const copy = (job: Job): JobSnapshot => ({ ...job.snapshot });

  function find(jobId: string): Job {
    const job = jobs.get(jobId);
    if (!job) {
      throw new AppError(
        'job_not_found',
        'That job is no longer known (it ended a while ago or QM Desk restarted).',
        {
          detail: { jobId },
        },
      );
    }
    return job;
  }

  /** A window that went away must not break the job that was reporting to it. */
  function emit(name: 'jobs.progress' | 'jobs.done', job: Job): void {
    try {
      events.emit(name, copy(job));
    } catch (error) {
      logger.warn('A job event could not be delivered', {
        event: name,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  function emitProgress(job: Job): void {
    if (job.trailing) clearTimeout(job.trailing);
    job.trailing = null;
    job.lastEmitAt = clock.now();
    emit('jobs.progress', job);
  }

  /** Sends now if the last event is old enough, else once at the end of the interval (the latest state). */
  function throttledProgress(job: Job): void {
    if (job.snapshot.state !== 'running' || job.trailing) return;
    const wait = job.lastEmitAt + PROGRESS_INTERVAL_MS - clock.now();
    if (wait <= 0) emitProgress(job);
    else job.trailing = setTimeout(() => emitProgress(job), wait);
  }

  function measure(job: Job): void {
    const now = clock.now();
    const { done, total } = job.snapshot;
    const samples = job.samples;
    // A phase that restarts its count makes the old samples meaningless.
    if (samples.length > 0 && done < samples.at(-1)!.done) samples.length = 0;
    if (samples.length === 0 || now - samples.at(-1)!.at >= SAMPLE_EVERY_MS) samples.push({ at: now, done });
    // Keep the newest sample that is a whole window old, so the rate always spans about one window.
    while (samples.length > 1 && now - samples[1]!.at >= RATE_WINDOW_MS) samples.shift();
    const first = samples[0]!;
    const span = now - first.at;
    if (span < RATE_MIN_SPAN_MS) {
      delete job.snapshot.rate;
      delete job.snapshot.etaSeconds;
      return;
    }
    const rate = ((done - first.done) * 1000) / span;
    job.snapshot.rate = Math.round(rate * 100) / 100;
    if (total !== undefined && rate > 0)
      job.snapshot.etaSeconds = Math.ceil(Math.max(0, total - done) / rate);
    else delete job.snapshot.etaSeconds;
  }

  function apply(job: Job, update: ProgressUpdate): void {
    if (job.snapshot.state !== 'running') return;
    const s = job.snapshot;
    if (update.phase !== undefined) s.phase = update.phase;
    if (update.done !== undefined) s.done = update.done;
    if (update.total === null) delete s.total;
    else if (update.total !== undefined) s.total = update.total;
    measure(job);
    throttledProgress(job);
  }

  function finish(job: Job, end: Pick<JobSnapshot, 'state' | 'error' | 'result'>): JobSnapshot {
    if (job.trailing) clearTimeout(job.trailing);
    job.trailing = null;
    const s = job.snapshot;
    s.state = end.state;
    s.endedAt = clock.now();
    delete s.rate;
    delete s.etaSeconds;
    if (end.error) s.error = end.error;
    if (end.result) s.result = end.result;
    emit('jobs.done', job);
    prune();
    return copy(job);
  }

  function prune(): void {
    const ended = [...jobs.values()].filter((j) => j.snapshot.state !== 'running');
    for (const job of ended.slice(0, Math.max(0, ended.length - keepEnded))) jobs.delete(job.snapshot.jobId);
  }

  async function settleBody(job: Job, body: Promise<JobResult>): Promise<JobSnapshot> {
    try {
      const result = await body;
      return finish(job, { state: 'done', result });
    } catch (error) {
      if (job.controller.signal.aborted || (error instanceof AppError && error.code === 'cancelled'))
        return finish(job, { state: 'cancelled' });
      const { jobId, kind, profileId } = job.snapshot;
      // An unknown error is logged (with its stack and ref) by toErrorBody; a typed one here.
      const body = toErrorBody(error, { logger, where: `${kind} job ${jobId}` });
      if (error instanceof AppError)
        logger.error('A job failed', { jobId, kind, profileId, code: body.code, reason: body.message });
      return finish(job, { state: 'failed', error: body });
    }
  }

  function cancel(jobId: string): JobSnapshot {
    const job = find(jobId);
    if (job.snapshot.state === 'running' && !job.controller.signal.aborted) {
      job.snapshot.phase = 'Cancelling';
      job.controller.abort(new AppError('cancelled', 'The job was cancelled.'));
      throttledProgress(job);
    }
    return copy(job);
  }

  async function settle(pending: Promise<unknown>[], timeoutMs: number, what: string): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((done) => {
      timer = setTimeout(() => done('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([Promise.allSettled(pending), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') logger.warn(`${what}: some jobs did not stop in time`, { timeoutMs });
  }

  function running(filter: (job: Job) => boolean = () => true): Job[] {
    return [...jobs.values()].filter((j) => j.snapshot.state === 'running' && filter(j));
  }

  return {
    start(spec) {
      if (closing)
        throw new AppError(
          'cancelled',
          'QM Desk is closing, so no new job starts. Open it again to continue.',
        );
      const now = clock.now();
      const controller = new AbortController();
      const ended = Promise.withResolvers<JobSnapshot>();
      const job: Job = {
        snapshot: {
          jobId: randomUUID(),
          kind: spec.kind,
          profileId: spec.profileId,
          label: spec.label,
          state: 'running',
          phase: 'Starting',
          done: 0,
          startedAt: now,
        },
        controller,
        ended: ended.promise,
        samples: [{ at: now, done: 0 }],
        lastEmitAt: Number.NEGATIVE_INFINITY,
        trailing: null,
      };
      const { jobId, kind, profileId } = job.snapshot;
      const ctx: JobContext = {
        signal: controller.signal,
        progress: (update) => apply(job, update),
        clock,
        log: {
          info: (message, detail) => logger.info(message, { jobId, kind, profileId, ...detail }),
          warn: (message, detail) => logger.warn(message, { jobId, kind, profileId, ...detail }),
          error: (message, detail) => logger.error(message, { jobId, kind, profileId, ...detail }),
        },
      };
      jobs.set(jobId, job);
      emitProgress(job);
      const first = copy(job);
      // Called here, so its listeners are on the signal before anyone can cancel; runs until its first await.
      let body: Promise<JobResult>;
      try {
        body = Promise.resolve(spec.run(ctx));
      } catch (error) {
        body = Promise.reject(error);
      }
      void settleBody(job, body).then(ended.resolve);
      return first;
    },

    cancel,

    list: () => [...jobs.values()].map(copy),

    async wait(jobId) {
      return find(jobId).ended;
    },

    async cancelProfile(profileId) {
      const targets = running((j) => j.snapshot.profileId === profileId);
      for (const job of targets) cancel(job.snapshot.jobId);
      await settle(
        targets.map((j) => j.ended),
        cancelTimeoutMs,
        'Cancelling the jobs of an account',
      );
    },

    async drain(timeoutMs = DRAIN_DEFAULT_MS) {
      closing = true;
      const targets = running();
      for (const job of targets) cancel(job.snapshot.jobId);
      await settle(
        targets.map((j) => j.ended),
        timeoutMs,
        'Stopping jobs on quit',
      );
    },
  };
}
