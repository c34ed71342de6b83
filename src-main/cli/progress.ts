/**
 * A running job shown on stderr: a live bar on a terminal; otherwise plain lines, at most one a
 * second plus the final one, so a log file or CI output stays readable.
 */
import cliProgress, { type GenericFormatter } from 'cli-progress';
import type { CliOutput } from './context.ts';
import { systemClock, type ClockPort } from '../ports.ts';
import type { JobSnapshot } from '../../src-preload/contract.ts';

export interface Progress {
  update(snapshot: JobSnapshot): void;
  /** A message while the job runs (above the bar on a terminal). */
  note(text: string): void;
  /** The final snapshot: the bar stops where it got to, or the last plain line. */
  finish(snapshot: JobSnapshot): void;
}

export function createProgress(
  out: CliOutput,
  options: { clock?: ClockPort; intervalMs?: number } = {},
): Progress {
  return out.isTTY
    ? createBar(out)
    : createLines(out, options.clock ?? systemClock, options.intervalMs ?? LINE_INTERVAL_MS);
}

const LINE_INTERVAL_MS = 1_000;

export function formatRate(rate: number): string {
  return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)}/s`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function counts(s: JobSnapshot): string {
  if (s.total === undefined) return `${s.done}`;
  const pct = s.total > 0 ? Math.floor((100 * s.done) / s.total) : 100;
  return `${s.done}/${s.total} ${pct}%`;
}

function speed(s: JobSnapshot): string {
  return [
    s.rate === undefined ? null : formatRate(s.rate),
    s.etaSeconds === undefined ? null : `ETA ${formatDuration(s.etaSeconds)}`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** One plain progress line: "Sync 40 segments — Fetching assessments (12/40 30%, 4.2/s, ETA 7s)". */
export function formatLine(s: JobSnapshot): string {
  return `${s.label} — ${s.phase} (${[counts(s), speed(s)].filter(Boolean).join(', ')})`;
}

/** The last line: how the job ended, its last word, how far it got and how long it took. */
export function formatEnd(s: JobSnapshot): string {
  const took = formatDuration(((s.endedAt ?? s.startedAt) - s.startedAt) / 1000);
  const state = { running: 'still running', done: 'done', failed: 'failed', cancelled: 'cancelled' }[s.state];
  return `${s.label} — ${state}: ${s.phase} (${counts(s)} in ${took})`;
}

function createLines(out: CliOutput, clock: ClockPort, intervalMs: number): Progress {
  let lastAt = -Infinity;
  return {
    update(s) {
      const now = clock.now();
      if (now - lastAt < intervalMs) return;
      lastAt = now;
      out.write(`${formatLine(s)}\n`);
    },
    note(text) {
      out.write(`${text}\n`);
    },
    finish(s) {
      out.write(`${formatEnd(s)}\n`);
    },
  };
}

interface BarPayload {
  snapshot: JobSnapshot;
}

const barFormat: GenericFormatter = (options, params, payload: BarPayload) => {
  const s = payload.snapshot;
  const bar = s.total === undefined ? '' : ` ${cliProgress.Format.BarFormat(params.progress, options)}`;
  const rest = speed(s);
  return `${s.phase}${bar} ${counts(s)}${rest ? ` | ${rest}` : ''}`;
};

function createBar(out: CliOutput): Progress {
  // A MultiBar (of one) because it can print lines above the bar; SingleBar restores the cursor
  // to where it started, over anything written since.
  const bars = new cliProgress.MultiBar(
    {
      stream: out as unknown as NodeJS.WritableStream,
      format: barFormat,
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      // Ctrl+C is ours: it cancels the job, and finish() stops the bar.
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  const show = (s: JobSnapshot) => {
    const total = s.total ?? 0;
    if (!bar) {
      bar = bars.create(total, s.done, { snapshot: s });
      return;
    }
    if (total !== bar.getTotal()) bar.setTotal(total);
    bar.update(s.done, { snapshot: s });
  };
  return {
    update: show,
    note(text) {
      if (bar) bars.log(`${text}\n`);
      else out.write(`${text}\n`);
    },
    finish(s) {
      if (bar) {
        show(s);
        bars.update(); // prints the notes still waiting for the next frame
        bars.stop();
      }
      out.write(`${formatEnd(s)}\n`);
    },
  };
}
