import type { ClockPort, LoggerPort } from '../ports.ts';
import type { JobKind, JobResult, JobSnapshot } from '../../src-preload/contract.ts';

export interface ProgressUpdate {
  phase?: string;
  done?: number;
  /** undefined leaves it as it was; null clears it (the total is no longer known). */
  total?: number | null;
}

/** What a job body gets: its cancellation, a progress reporter (throttled by the runner), a clock and a log. */
export interface JobContext {
  signal: AbortSignal;
  progress(update: ProgressUpdate): void;
  clock: ClockPort;
  log: LoggerPort;
}

export interface JobSpec<R extends JobResult = JobResult> {
  kind: JobKind;
  profileId: string;
  label: string;
  /**
   * The body. Resolves its result (state done, even when some parts failed: the result says which);
   * throws for a failure of the whole job (state failed, with the error's body); a throw after the
   * signal aborted, or a `cancelled` error, ends the job as cancelled.
   */
  run(ctx: JobContext): Promise<R>;
}

export interface JobRunner {
  /** Starts the body at once and returns its first snapshot. */
  start<R extends JobResult>(spec: JobSpec<R>): JobSnapshot;
  /** Aborts the job's signal; answers the snapshot as it is now (job_not_found for an unknown id). */
  cancel(jobId: string): JobSnapshot;
  list(): JobSnapshot[];
  /** Resolves the job's final snapshot. */
  wait(jobId: string): Promise<JobSnapshot>;
  /** Cancels every running job of the profile and waits for them to end. */
  cancelProfile(profileId: string): Promise<void>;
  /** On quit: cancels every running job and waits for them, at most timeoutMs. */
  drain(timeoutMs?: number): Promise<void>;
}
