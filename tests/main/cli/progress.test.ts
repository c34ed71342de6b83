import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatEnd, formatLine } from '../../../src-main/cli/progress.ts';
import type { JobSnapshot } from '../../../src-preload/contract.ts';

const base: JobSnapshot = {
  jobId: '5c0ffee0-0000-4000-8000-000000000001',
  kind: 'sync',
  profileId: 'env',
  label: 'Sync 40 segments',
  state: 'running',
  phase: 'Fetching assessments',
  done: 0,
  startedAt: 1_000_000,
};
const at = (over: Partial<JobSnapshot>): JobSnapshot => ({ ...base, ...over });

describe('plain lines (not a terminal)', () => {
  it('prints at most one line a second, then always the final one', () => {
    let now = 0;
    let text = '';
    const progress = createProgress({ write: (t: string) => (text += t) }, { clock: { now: () => now } });
    for (const [t, done] of [
      [0, 0],
      [200, 3],
      [900, 9],
      [1000, 10],
      [1500, 14],
      [2600, 25],
    ] as const) {
      now = t;
      progress.update(at({ done, total: 40 }));
    }
    progress.note('Cancelling …');
    progress.finish(
      at({ state: 'cancelled', done: 26, total: 40, phase: 'Cancelled', endedAt: base.startedAt + 2_700 }),
    );
    expect(text.trimEnd().split('\n')).toEqual([
      'Sync 40 segments — Fetching assessments (0/40 0%)',
      'Sync 40 segments — Fetching assessments (10/40 25%)',
      'Sync 40 segments — Fetching assessments (25/40 62%)',
      'Cancelling …',
      'Sync 40 segments — cancelled: Cancelled (26/40 65% in 3s)',
    ]);
  });

  it('shows rate and ETA when the runner knows them, and counts without a total', () => {
    expect(formatLine(at({ done: 12, total: 40, rate: 4.25, etaSeconds: 7 }))).toBe(
      'Sync 40 segments — Fetching assessments (12/40 30%, 4.3/s, ETA 7s)',
    );
    expect(formatLine(at({ done: 1200, rate: 850.4 }))).toBe(
      'Sync 40 segments — Fetching assessments (1200, 850/s)',
    );
    expect(
      formatEnd(
        at({
          state: 'done',
          done: 40,
          total: 40,
          phase: 'Synced 40 segments.',
          endedAt: base.startedAt + 61_000,
        }),
      ),
    ).toBe('Sync 40 segments — done: Synced 40 segments. (40/40 100% in 1m 01s)');
  });

  it('formats durations for people', () => {
    expect([0, 59.4, 61, 3599, 3600, 7325].map(formatDuration)).toEqual([
      '0s',
      '59s',
      '1m 01s',
      '59m 59s',
      '1h 00m',
      '2h 02m',
    ]);
  });
});

describe('bar (a terminal)', () => {
  it('draws phase, bar, counts, rate and ETA, keeps notes above it and clears it at the end', async () => {
    let text = '';
    const tty = { isTTY: true, columns: 120, write: (t: string) => ((text += t), true) };
    const progress = createProgress(tty);
    progress.update(at({ done: 0, total: 40 }));
    progress.update(at({ done: 10, total: 40, rate: 5, etaSeconds: 6 }));
    await new Promise((r) => setTimeout(r, 250)); // the bar redraws on its own timer
    progress.note('Cancelling: stopping after the requests in flight.');
    progress.finish(
      at({ state: 'cancelled', done: 12, total: 40, phase: 'Cancelled', endedAt: base.startedAt + 2_000 }),
    );
    const plain = stripVTControlCharacters(text);
    expect(plain).toMatch(/Fetching assessments █{7,8}░{22,23} 10\/40 25% \| 5\.0\/s, ETA 6s/);
    expect(plain).toContain('Cancelling: stopping after the requests in flight.\n');
    expect(plain.endsWith('Sync 40 segments — cancelled: Cancelled (12/40 30% in 2s)\n')).toBe(true);
    expect(text).toContain('\x1B[?25l'); // cursor hidden while drawing …
    expect(text.lastIndexOf('\x1B[?25h')).toBeGreaterThan(text.lastIndexOf('\x1B[?25l')); // … and shown again
  });
});
